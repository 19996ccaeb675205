import { describe, expect, it } from 'vitest';
import { unzipBundle, verifyBundle } from '../src/index.js';
import { ids, makeBundle, makeZip, text } from './helpers.js';

describe('Function: unzipBundle', () => {
  it('reads stored and deflated entries into the same files the bundle had', () => {
    // Prepare
    const files = makeBundle([{ name: 'al2023-base' }]);
    const archive = makeZip([...files].map(([name, data], i) => ({ name, data, deflate: i % 2 === 0 })));
    // Act
    const result = unzipBundle(archive);
    // Assess
    expect(result.problems).toEqual([]);
    expect([...result.files.keys()].sort()).toEqual([...files.keys()].sort());
    expect(verifyBundle(result.files)).toEqual([]);
  });

  it('skips folder entries', () => {
    // Act
    const result = unzipBundle(
      makeZip([
        { name: 'recipes/', data: new Uint8Array() },
        { name: 'manifest.json', data: text('{}') },
      ]),
    );
    // Assess
    expect([...result.files.keys()]).toEqual(['manifest.json']);
  });

  const big = new Uint8Array(64 * 1024);
  const cases = [
    { name: 'not a zip', archive: () => text('PK? no'), expected: ['BUNDLE026 (-)'] },
    {
      name: 'a zip bomb that claims a small size',
      archive: () => makeZip([{ name: 'manifest.json', data: big, deflate: true, declaredSize: 10 }]),
      expected: ['BUNDLE026 (-)'],
    },
    {
      name: 'more bytes than the limit, before inflating',
      archive: () =>
        makeZip([
          { name: 'a', data: big, deflate: true },
          { name: 'b', data: big, deflate: true },
        ]),
      limits: { maxBundleBytes: 100_000 },
      expected: ['BUNDLE020 (-)'],
    },
    {
      name: 'more entries than the limit',
      archive: () =>
        makeZip([
          { name: 'a', data: big },
          { name: 'b', data: big },
        ]),
      limits: { maxFiles: 1 },
      expected: ['BUNDLE020 (-)'],
    },
    {
      name: 'an encrypted entry',
      archive: () => makeZip([{ name: 'manifest.json', data: text('{}'), encrypted: true }]),
      expected: ['BUNDLE026 (-)'],
    },
    {
      name: 'an unknown compression method',
      archive: () => makeZip([{ name: 'manifest.json', data: text('{}'), method: 12 }]),
      expected: ['BUNDLE026 (-)'],
    },
    {
      name: 'a name that climbs out',
      archive: () => makeZip([{ name: '../../etc/passwd', data: text('x') }]),
      expected: ['BUNDLE012 (-)'],
    },
    { name: 'an absolute name', archive: () => makeZip([{ name: '/etc/passwd', data: text('x') }]), expected: ['BUNDLE012 (-)'] },
    {
      name: 'a name twice',
      archive: () =>
        makeZip([
          { name: 'manifest.json', data: text('{}') },
          { name: 'manifest.json', data: text('[]') },
        ]),
      expected: ['BUNDLE026 (-)'],
    },
  ];

  it.each(cases)('refuses $name and returns no file', ({ archive, limits, expected }) => {
    // Act
    const result = unzipBundle(archive(), limits);
    // Assess
    expect(ids(result.problems)).toEqual(expected);
    expect(result.files.size).toBe(0);
  });
});
