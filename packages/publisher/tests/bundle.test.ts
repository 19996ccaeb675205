import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleNotFoundError, InvalidBundleError, InvalidManifestError, readBundle } from '../src/index.js';
import { AL2023, bundleFiles, bytes, removeBundles, SOURCE, UBUNTU, writeBundle } from './helpers/bundle.js';

afterAll(removeBundles);

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
      'bakery/bakery-stack.template.json',
      'manifest.json',
      `recipes/${AL2023}/manifest.json`,
      `recipes/${AL2023}/template.yaml`,
      `recipes/${UBUNTU}/manifest.json`,
      `recipes/${UBUNTU}/template.yaml`,
    ]);
    expect(bundle.files.get(`recipes/${AL2023}/template.yaml`)).toEqual(files.get(`recipes/${AL2023}/template.yaml`));
    expect(bundle.manifest.sourceCommit).toBe(SOURCE);
    expect(bundle.manifest.recipes.map((r) => [r.name, r.version])).toEqual([
      [AL2023, '1.2.0'],
      [UBUNTU, '1.0.0'],
    ]);
  });

  it('refuses a folder without manifest.json, saying to run bakery bundle', async () => {
    // Prepare
    const dir = await writeBundle(new Map([['bakery/bakery-stack.template.json', '{}']]));

    // Act & Assess
    await expect(readBundle(dir)).rejects.toThrow(BundleNotFoundError);
    await expect(readBundle(dir)).rejects.toThrow(`No bundle at ${dir}: manifest.json is missing. Run \`bakery bundle\` (or \`bakery build\`) first.`);
    await expect(readBundle(path.join(dir, 'absent'))).rejects.toThrow(BundleNotFoundError);
  });

  it.each([
    { case: 'not JSON', manifest: '{"formatVersion": 1,', problem: 'it is not JSON' },
    { case: 'an array', manifest: '[]', problem: 'the top level is not an object' },
    { case: 'another format version', manifest: '{"formatVersion":2,"sourceCommit":null,"recipes":[]}', problem: 'formatVersion is 2, expected 1' },
    { case: 'a numeric source commit', manifest: '{"formatVersion":1,"sourceCommit":5,"recipes":[]}', problem: 'sourceCommit is neither a string nor null' },
    { case: 'recipes not a list', manifest: '{"formatVersion":1,"sourceCommit":null,"recipes":{}}', problem: 'recipes is not an array' },
    {
      case: 'a recipe without version',
      manifest: '{"formatVersion":1,"sourceCommit":null,"recipes":[{"name":"a","template":"recipes/a/template.yaml"}]}',
      problem: 'recipes[0].version is not a non-empty string',
    },
    {
      case: 'a recipe name with a slash',
      manifest: '{"formatVersion":1,"sourceCommit":null,"recipes":[{"name":"a/b","version":"1.0.0","template":"recipes/a/b/template.yaml"}]}',
      problem: 'recipes[0].name "a/b" is not a folder name',
    },
    {
      case: 'a recipe listed twice',
      manifest:
        '{"formatVersion":1,"sourceCommit":null,"recipes":[{"name":"a","version":"1","template":"recipes/a/t.yaml"},{"name":"a","version":"2","template":"recipes/a/t.yaml"}]}',
      problem: 'recipe a is listed twice',
    },
  ])('refuses a manifest that is $case', async ({ manifest, problem }) => {
    // Prepare
    const dir = await writeBundle(new Map([['manifest.json', manifest]]));

    // Act & Assess
    const error = await readBundle(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestError);
    expect((error as Error).message).toBe(
      `${path.join(dir, 'manifest.json')} is not a valid bundle manifest: ${problem}. Rebuild the bundle with \`bakery bundle\`.`,
    );
  });

  it.each([
    {
      case: 'a recipe folder the manifest does not list (left over from an earlier build)',
      change: (files: Map<string, Uint8Array>) => files.set('recipes/old-recipe/template.yaml', bytes('x')),
      problems: ['recipes/old-recipe/ is not listed in manifest.json'],
    },
    {
      case: 'a file outside the bundle layout',
      change: (files: Map<string, Uint8Array>) => files.set('notes.txt', bytes('x')).set('.bakery/published.json', bytes('{}')),
      problems: ['.bakery/published.json is outside manifest.json, recipes/<name>/ and bakery/', 'notes.txt is outside manifest.json, recipes/<name>/ and bakery/'],
    },
    {
      case: 'a template the manifest names but the folder lacks',
      change: (files: Map<string, Uint8Array>) => files.delete(`recipes/${AL2023}/template.yaml`),
      problems: [`recipes/${AL2023}/template.yaml, named by manifest.json, is missing`],
    },
  ])('refuses a bundle with $case', async ({ change, problems }) => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    change(files);
    const dir = await writeBundle(files);

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidBundleError);
    expect((error as InvalidBundleError).problems).toEqual(problems);
    expect((error as Error).message).toContain('Delete the bundle folder and run `bakery bundle` again.');
  });

  it('refuses a symbolic link instead of publishing what it points to', async () => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    const dir = await writeBundle(files);
    await symlink('/etc/hostname', path.join(dir, 'bakery', 'link.json'));

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect((error as InvalidBundleError).problems).toEqual(['bakery/link.json is not a regular file']);
  });
});
