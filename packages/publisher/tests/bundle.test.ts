import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleNotFoundError, InvalidBundleError, readBundle, verifyBundle } from '../src/index.js';
import { AL2023, bundleFiles, bytes, removeBundles, SOURCE, UBUNTU, writeBundle } from './helpers/bundle.js';

afterAll(removeBundles);

const TEMPLATE = `recipes/${AL2023}/template.yaml`;
const RECIPE_MANIFEST = `recipes/${AL2023}/manifest.json`;

/** `id recipe path` of every problem: what the tests compare. */
const named = (problems: readonly { id: string; recipe?: string; path?: string }[]) =>
  problems.map((p) => `${p.id} ${p.recipe ?? '-'} ${p.path ?? '-'}`);

function editJson(files: Map<string, Uint8Array>, file: string, change: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(new TextDecoder().decode(files.get(file))) as Record<string, unknown>;
  change(value);
  files.set(file, bytes(JSON.stringify(value)));
}

function editEntry(files: Map<string, Uint8Array>, change: (entry: Record<string, unknown>) => void): void {
  editJson(files, 'manifest.json', (m) => change((m.recipes as Record<string, unknown>[])[0] as Record<string, unknown>));
}

describe('Function: verifyBundle', () => {
  it('accepts a bundle as bakery bundle writes it', () => {
    expect(
      verifyBundle(
        bundleFiles([
          { name: AL2023, version: '1.0.0' },
          { name: UBUNTU, version: '2.0.0' },
        ]),
      ),
    ).toEqual([]);
  });

  it.each([
    {
      case: 'no manifest.json',
      change: (f: Map<string, Uint8Array>) => f.delete('manifest.json'),
      problems: ['manifest-missing - manifest.json'],
    },
    {
      case: 'a manifest that is not JSON',
      change: (f: Map<string, Uint8Array>) => f.set('manifest.json', bytes('{"formatVersion": 2,')),
      problems: ['manifest-invalid - manifest.json'],
    },
    {
      case: 'format version 1',
      change: (f: Map<string, Uint8Array>) => editJson(f, 'manifest.json', (m) => (m.formatVersion = 1)),
      problems: ['format-version - manifest.json'],
    },
    {
      case: 'no partial flag',
      change: (f: Map<string, Uint8Array>) => editJson(f, 'manifest.json', (m) => delete m.partial),
      problems: ['manifest-invalid - manifest.json'],
    },
    {
      case: 'a recipe folder missing',
      change: (f: Map<string, Uint8Array>) => {
        f.delete(TEMPLATE);
        f.delete(RECIPE_MANIFEST);
      },
      problems: [`folder-missing ${AL2023} recipes/${AL2023}/`],
    },
    {
      case: 'a per-recipe manifest missing',
      change: (f: Map<string, Uint8Array>) => f.delete(RECIPE_MANIFEST),
      problems: [`recipe-manifest-missing ${AL2023} ${RECIPE_MANIFEST}`],
    },
    {
      case: 'a template missing',
      change: (f: Map<string, Uint8Array>) => f.delete(TEMPLATE),
      problems: [`template-missing ${AL2023} ${TEMPLATE}`],
    },
    {
      case: 'an empty template',
      change: (f: Map<string, Uint8Array>) => f.set(TEMPLATE, new Uint8Array()),
      problems: [`template-empty ${AL2023} ${TEMPLATE}`],
    },
    {
      case: 'a binary template',
      change: (f: Map<string, Uint8Array>) => f.set(TEMPLATE, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0xff])),
      problems: [`template-not-text ${AL2023} ${TEMPLATE}`],
    },
    {
      case: 'a template edited after bundling',
      change: (f: Map<string, Uint8Array>) => f.set(TEMPLATE, bytes('Resources: {Evil: {}}\n')),
      problems: [`template-hash-mismatch ${AL2023} ${TEMPLATE}`],
    },
    {
      case: 'an edited version',
      change: (f: Map<string, Uint8Array>) => editEntry(f, (e) => (e.version = '9.9.9')),
      problems: [`recipe-manifest-mismatch ${AL2023} ${RECIPE_MANIFEST}`],
    },
    {
      case: 'an edited content hash',
      change: (f: Map<string, Uint8Array>) => editJson(f, RECIPE_MANIFEST, (m) => (m.contentHash = `sha256:${'0'.repeat(64)}`)),
      problems: [`recipe-manifest-mismatch ${AL2023} ${RECIPE_MANIFEST}`],
    },
    {
      case: 'an entry without templateHash',
      change: (f: Map<string, Uint8Array>) => editEntry(f, (e) => delete e.templateHash),
      problems: [`recipe-entry-invalid ${AL2023} manifest.json`],
    },
    {
      case: 'a template path outside its folder',
      change: (f: Map<string, Uint8Array>) => editEntry(f, (e) => (e.template = '../../etc/passwd')),
      problems: [`recipe-entry-invalid ${AL2023} manifest.json`],
    },
    {
      case: 'a recipe folder the manifest does not list',
      change: (f: Map<string, Uint8Array>) => f.set('recipes/old-recipe/template.yaml', bytes('x')),
      problems: ['extra-file old-recipe recipes/old-recipe/'],
    },
    {
      case: 'an old bakery/ stack',
      change: (f: Map<string, Uint8Array>) => f.set('bakery/bakery-stack.template.json', bytes('{}')),
      problems: ['extra-file - bakery/bakery-stack.template.json'],
    },
    {
      case: 'a stray file in a recipe folder',
      change: (f: Map<string, Uint8Array>) => f.set(`recipes/${AL2023}/notes.txt`, bytes('x')),
      problems: [`extra-file - recipes/${AL2023}/notes.txt`],
    },
    {
      case: 'a recipe both retired and present',
      change: (f: Map<string, Uint8Array>) => editJson(f, 'manifest.json', (m) => (m.retired = [{ name: AL2023, reason: 'gone' }])),
      problems: [`retired-and-present ${AL2023} manifest.json`],
    },
  ])('names the problem of $case', ({ change, problems }) => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    change(files);

    // Act
    const found = verifyBundle(files);

    // Assess
    expect(named(found)).toEqual(problems);
  });

  it('names every problem at once', () => {
    // Prepare
    const files = bundleFiles([
      { name: AL2023, version: '1.0.0' },
      { name: UBUNTU, version: '1.0.0' },
    ]);
    files.delete(TEMPLATE);
    files.set(`recipes/${UBUNTU}/template.yaml`, bytes('changed'));
    files.set('README.md', bytes('x'));

    // Act & Assess
    expect(named(verifyBundle(files))).toEqual([
      `template-missing ${AL2023} ${TEMPLATE}`,
      `template-hash-mismatch ${UBUNTU} recipes/${UBUNTU}/template.yaml`,
      'extra-file - README.md',
    ]);
  });

  it('finds any single flipped byte in any file of a bundle (generated)', () => {
    const files = bundleFiles([
      { name: AL2023, version: '1.0.0' },
      { name: UBUNTU, version: '1.2.3' },
    ]);
    const paths = [...files.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.nat(), fc.integer({ min: 1, max: 255 }), (file, at, flip) => {
        const copy = new Map(files);
        const original = copy.get(file) as Uint8Array;
        const changed = new Uint8Array(original);
        const index = at % changed.length;
        changed[index] = (changed[index] as number) ^ flip;
        copy.set(file, changed);
        // A change inside JSON whitespace or key order can leave the meaning intact; anything else is found.
        const same = file.endsWith('.json') && sameJson(original, changed);
        expect(verifyBundle(copy).length > 0 || same).toBe(true);
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });
});

function sameJson(a: Uint8Array, b: Uint8Array): boolean {
  try {
    return (
      JSON.stringify(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(a))) ===
      JSON.stringify(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b)))
    );
  } catch {
    return false;
  }
}

describe('Function: readBundle', () => {
  it('returns every file as path → bytes, sorted, with the parsed manifest', async () => {
    // Prepare
    const files = bundleFiles([
      { name: UBUNTU, version: '1.0.0' },
      { name: AL2023, version: '1.2.0' },
    ]);
    const dir = await writeBundle(files);

    // Act
    const bundle = await readBundle(dir);

    // Assess
    expect([...bundle.files.keys()]).toEqual([
      'manifest.json',
      `recipes/${AL2023}/manifest.json`,
      `recipes/${AL2023}/template.yaml`,
      `recipes/${UBUNTU}/manifest.json`,
      `recipes/${UBUNTU}/template.yaml`,
    ]);
    expect(bundle.files.get(TEMPLATE)).toEqual(files.get(TEMPLATE));
    expect(bundle.manifest.sourceCommit).toBe(SOURCE);
    expect(bundle.manifest.partial).toBe(false);
    expect(bundle.manifest.recipes.map((r) => [r.name, r.version])).toEqual([
      [AL2023, '1.2.0'],
      [UBUNTU, '1.0.0'],
    ]);
  });

  it('refuses a folder without manifest.json, saying to run bakery bundle', async () => {
    // Prepare
    const dir = await writeBundle(new Map([['recipes/a/template.yaml', 'x']]));

    // Act & Assess
    await expect(readBundle(dir)).rejects.toThrow(BundleNotFoundError);
    await expect(readBundle(dir)).rejects.toThrow(
      `No bundle at ${dir}: manifest.json is missing. Run \`bakery bundle\` (or \`bakery build\`) first.`,
    );
    await expect(readBundle(path.join(dir, 'absent'))).rejects.toThrow(BundleNotFoundError);
  });

  it('refuses an inconsistent bundle, naming each problem, and says to bundle again', async () => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    files.delete(RECIPE_MANIFEST);
    const dir = await writeBundle(files);

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidBundleError);
    expect(named((error as InvalidBundleError).problems)).toEqual([`recipe-manifest-missing ${AL2023} ${RECIPE_MANIFEST}`]);
    expect((error as Error).message).toContain(`${RECIPE_MANIFEST} is missing. [recipe-manifest-missing]`);
    expect((error as Error).message).toContain('Run `bakery bundle` (or `bakery build`) again');
  });

  it.each([
    { case: 'a link to a file outside the bundle', target: '/etc/hostname' },
    { case: 'a link to a device', target: '/dev/zero' },
  ])('never reads through $case', async ({ target }) => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    files.delete(TEMPLATE);
    const dir = await writeBundle(files);
    await symlink(target, path.join(dir, TEMPLATE));

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect(named((error as InvalidBundleError).problems)).toEqual([
      `not-regular-file - ${TEMPLATE}`,
      `template-missing ${AL2023} ${TEMPLATE}`,
    ]);
  });

  it('refuses a manifest.json that is a folder', async () => {
    // Prepare
    const dir = await writeBundle(new Map([['recipes/a/template.yaml', 'x']]));
    await mkdir(path.join(dir, 'manifest.json'));

    // Act & Assess
    await expect(readBundle(dir)).rejects.toThrow(BundleNotFoundError);
  });
});
