import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundle, PROBLEMS, unzipBundle, verifyBundle } from '../src/index.js';
import { makeBundle, makeZip } from './helpers.js';

const KNOWN = new Set(Object.keys(PROBLEMS));
const valid = makeBundle([{ name: 'al2023-base' }, { name: 'ubuntu-cis' }]);
/** Files where every byte counts: the templates (hashed) and the top-level manifest (every field checked). */
const paths = [...valid.keys()].filter((p) => p === 'manifest.json' || p.endsWith('template.yaml'));
const original = JSON.parse(new TextDecoder().decode(valid.get('manifest.json')));

/** Arbitrary JSON-ish values, including the shapes a manifest field could take. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** True when the bytes still parse to the same manifest (a whitespace byte turned into another whitespace byte). */
function sameJson(bytes: Uint8Array, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(new TextDecoder().decode(bytes))) === JSON.stringify(value);
  } catch {
    return false;
  }
}

describe('Function: verifyBundle (hostile input)', () => {
  it('never throws and reports only catalogued ids on arbitrary files', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 200 }), { maxKeys: 8 }), (record) => {
        const problems = verifyBundle(new Map(Object.entries(record)));
        for (const p of problems) expect(KNOWN.has(p.id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a manifest with a field replaced by an arbitrary value unless it is still valid', () => {
    const manifest = JSON.parse(new TextDecoder().decode(valid.get('manifest.json')));
    const fields = ['formatVersion', 'sourceCommit', 'partial', 'retired', 'recipes'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), jsonValue, (field, value) => {
        const edited = { ...manifest, [field]: value };
        const files = new Map(valid);
        files.set('manifest.json', new TextEncoder().encode(JSON.stringify(edited)));
        const result = loadBundle(files);
        for (const p of result.problems) expect(KNOWN.has(p.id)).toBe(true);
        // Accepted only if the value is one the format allows for that field.
        if (result.bundle)
          expect(JSON.stringify(result.bundle.manifest[field as keyof typeof result.bundle.manifest])).toBe(JSON.stringify(value));
      }),
      { numRuns: 400 },
    );
  });

  it('notices any byte changed in a template or manifest', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.nat(), fc.integer({ min: 1, max: 255 }), (path, at, delta) => {
        const bytes = valid.get(path) as Uint8Array;
        const copy = new Uint8Array(bytes);
        const index = at % copy.byteLength;
        copy[index] = ((copy[index] as number) + delta) % 256;
        const files = new Map(valid);
        files.set(path, copy);
        const problems = verifyBundle(files);
        if (path.endsWith('template.yaml')) expect(problems.map((p) => p.id)).toContain('BUNDLE013');
        else if (!sameJson(copy, original)) expect(problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary archive bytes and returns files only without problems', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const result = unzipBundle(bytes);
        for (const p of result.problems) expect(KNOWN.has(p.id)).toBe(true);
        if (result.problems.length > 0) expect(result.files.size).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on a valid archive with one byte changed', () => {
    const archive = makeZip([...valid].map(([name, data]) => ({ name, data, deflate: name.endsWith('.yaml') })));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const copy = new Uint8Array(archive);
        const index = at % copy.byteLength;
        copy[index] = ((copy[index] as number) + delta) % 256;
        const result = unzipBundle(copy);
        for (const p of result.problems) expect(KNOWN.has(p.id)).toBe(true);
        if (result.problems.length === 0) verifyBundle(result.files);
      }),
      { numRuns: 400 },
    );
  });
});
