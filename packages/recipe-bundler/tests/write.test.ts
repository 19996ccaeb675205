import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type BundleResult,
  BundleWriteError,
  buildBundleManifest,
  bundleRecipe,
  recoverFolder,
  replaceFolder,
  writeBundle,
  writeRecipeFolders,
} from '../src/index.js';
import { bundleFixture, PACKAGE_DIR, tempDir } from './helpers/fixtures.js';

let out: { dir: string; cleanup: () => void };
let bundle: string;
beforeEach(() => {
  out = tempDir('bundle-out');
  bundle = path.join(out.dir, 'bundle');
});
afterEach(() => out.cleanup());

const read = (relative: string) => readFileSync(path.join(bundle, relative), 'utf8');
const manifest = () => JSON.parse(read('manifest.json')) as Record<string, unknown> & { recipes: { name: string }[] };
const names = () => manifest().recipes.map((r) => r.name);
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** Every file under `dir`, relative and sorted: what a reader of the folder sees. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

describe('writeBundle (format 2)', () => {
  it('writes every recipe folder and a sorted top-level manifest with template hashes', () => {
    // Prepare
    const results = [bundleFixture('windows-managed'), bundleFixture('minimal')];

    // Act
    const { written } = writeBundle(results, bundle);

    // Assess
    expect(written).toEqual([
      'manifest.json',
      'recipes/minimal/manifest.json',
      'recipes/minimal/template.yaml',
      'recipes/windows-managed/manifest.json',
      'recipes/windows-managed/template.yaml',
    ]);
    expect(read('recipes/minimal/template.yaml')).toBe(results[1]?.templateText);
    expect(JSON.parse(read('recipes/minimal/manifest.json'))).toEqual(results[1]?.manifest);
    expect(read('manifest.json')).toBe(
      `${JSON.stringify(
        {
          formatVersion: 2,
          partial: false,
          recipes: [
            {
              buildOnVersionChange: true,
              contentHash: results[1]?.manifest?.contentHash,
              name: 'minimal',
              parameters: ['ArtifactBucketName', 'ArtifactKeyArn', 'LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
              stackName: 'ami-bakery-recipe-minimal',
              template: 'recipes/minimal/template.yaml',
              templateHash: sha256(results[1]?.templateText as string),
              version: '0.1.0',
            },
            {
              buildOnVersionChange: true,
              contentHash: results[0]?.manifest?.contentHash,
              name: 'windows-managed',
              parameters: ['LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
              stackName: 'ami-bakery-recipe-windows-managed',
              template: 'recipes/windows-managed/template.yaml',
              templateHash: sha256(results[0]?.templateText as string),
              version: '3.0.1',
            },
          ],
          retired: [],
          sourceCommit: null,
        },
        null,
        2,
      )}\n`,
    );
  });

  it('writes manifests with sorted keys, two-space indent and a trailing newline', () => {
    writeBundle([bundleFixture('minimal')], bundle);
    const text = read('recipes/minimal/manifest.json');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "architecture": "arm64",');
    const keys = Object.keys(JSON.parse(text));
    expect(keys).toEqual([...keys].sort());
  });

  it('holds only the bundle format: anything else in the folder (an old bakery/ stack, a stray file) leaves it', () => {
    // Prepare
    writeBundle([bundleFixture('windows-managed'), bundleFixture('minimal')], bundle);
    mkdirSync(path.join(bundle, 'bakery'));
    writeFileSync(path.join(bundle, 'bakery/bakery-stack.template.json'), '{}\n');
    writeFileSync(path.join(bundle, 'recipes/minimal/stale.txt'), 'old\n');

    // Act: bundle one recipe again, as a run over one PATH does
    writeBundle([bundleFixture('minimal')], bundle);

    // Assess
    expect(tree(bundle)).toEqual([
      'manifest.json',
      'recipes/minimal/manifest.json',
      'recipes/minimal/template.yaml',
      'recipes/windows-managed/manifest.json',
      'recipes/windows-managed/template.yaml',
    ]);
    expect(names()).toEqual(['minimal', 'windows-managed']);
  });

  it('lists parameters of recipe folders written earlier from their templates', () => {
    writeBundle([bundleFixture('windows-managed')], bundle);
    writeBundle([bundleFixture('minimal')], bundle);
    const entry = manifest().recipes.find((r) => r.name === 'windows-managed') as unknown as { parameters: string[] };
    expect(entry.parameters).toEqual(Object.keys(parse(read('recipes/windows-managed/template.yaml')).Parameters));
  });

  it.each([
    {
      name: 'a recipe left the workspace (deleted or renamed)',
      options: { workspaceRecipes: ['minimal'] },
      kept: ['minimal'],
      dropped: ['windows-managed'],
      partial: false,
    },
    { name: 'a run over one recipe keeps the others', options: {}, kept: ['minimal', 'windows-managed'], dropped: [], partial: false },
    {
      name: 'a full run holds exactly its results',
      options: { keepOthers: false, workspaceRecipes: ['minimal', 'windows-managed'] },
      kept: ['minimal'],
      dropped: ['windows-managed'],
      partial: true,
    },
    {
      name: 'a refused recipe leaves with its stale folder',
      options: { refused: ['windows-managed'], workspaceRecipes: ['minimal', 'windows-managed'] },
      kept: ['minimal'],
      dropped: [],
      partial: true,
    },
    {
      name: 'a workspace recipe never bundled makes it partial',
      options: { workspaceRecipes: ['minimal', 'windows-managed', 'ubuntu'] },
      kept: ['minimal', 'windows-managed'],
      dropped: [],
      partial: true,
    },
  ])('reflects the workspace: $name', ({ options, kept, dropped, partial }) => {
    // Prepare
    writeBundle([bundleFixture('windows-managed'), bundleFixture('minimal')], bundle);

    // Act
    const result = writeBundle([bundleFixture('minimal')], bundle, options);

    // Assess
    expect(names()).toEqual(kept);
    expect(readdirSync(path.join(bundle, 'recipes')).sort()).toEqual(kept);
    expect(result.dropped).toEqual(dropped);
    expect(manifest().partial).toBe(partial);
  });

  it('records the retired recipes, sorted, with their reasons', () => {
    writeBundle([bundleFixture('minimal')], bundle, {
      retired: [
        { name: 'zeta', reason: 'replaced by minimal' },
        { name: 'alpha', reason: 'end of support' },
      ],
    });
    expect(manifest().retired).toEqual([
      { name: 'alpha', reason: 'end of support' },
      { name: 'zeta', reason: 'replaced by minimal' },
    ]);
  });

  it('records buildOnVersionChange from schedule.buildOnVersionChange (default true)', () => {
    // Prepare
    const base = bundleFixture('minimal');
    const off = { ...base, manifest: { ...base.manifest, buildOnVersionChange: false } } as BundleResult;

    // Act
    writeBundle([off], bundle);

    // Assess
    expect(manifest().recipes).toMatchObject([{ name: 'minimal', buildOnVersionChange: false }]);
  });

  it('leaves out an incomplete recipe folder, and derives the manifest from what is on disk', () => {
    // Prepare: a folder with a template but no manifest (an interrupted cache replay)
    writeBundle([bundleFixture('minimal')], bundle);
    mkdirSync(path.join(bundle, 'recipes/half'));
    writeFileSync(path.join(bundle, 'recipes/half/template.yaml'), 'Resources: {}\n');

    // Act
    const result = writeBundle([], bundle);

    // Assess
    expect(result.skipped).toEqual([{ folder: path.join(bundle, 'recipes/half'), reason: 'no manifest.json' }]);
    expect(names()).toEqual(['minimal']);
    expect(existsSync(path.join(bundle, 'recipes/half'))).toBe(false);
  });

  it('writes nothing with skipWhenEmpty when no recipe folder would be in the bundle', () => {
    const result = writeBundle([], bundle, { skipWhenEmpty: true });
    expect(result.wrote).toBe(false);
    expect(existsSync(bundle)).toBe(false);
  });

  it('skips results that failed validation', () => {
    const failed = bundleRecipe('tests/fixtures/duplicate-key', { cwd: PACKAGE_DIR, sourceCommit: null });
    const { written } = writeBundle([failed], bundle);
    expect(written).toEqual(['manifest.json']);
    expect(existsSync(path.join(bundle, 'recipes/duplicate-key'))).toBe(false);
  });

  it.each([
    { name: '../escape', message: /not a valid recipe name/ },
    { name: 'Upper', message: /not a valid recipe name/ },
  ])('refuses the folder name $name', ({ name, message }) => {
    const result = { ...bundleFixture('minimal'), name };
    expect(() => writeBundle([result], bundle)).toThrow(BundleWriteError);
    expect(() => writeBundle([result], bundle)).toThrow(message);
  });

  it('refuses the same recipe twice', () => {
    expect(() => writeBundle([bundleFixture('minimal'), bundleFixture('minimal')], bundle)).toThrow(/Two results for recipe "minimal"/);
  });

  it('leaves no temporary folder beside the bundle', () => {
    writeBundle([bundleFixture('minimal')], bundle);
    writeBundle([bundleFixture('windows-managed')], bundle);
    expect(readdirSync(out.dir)).toEqual(['bundle']);
  });
});

describe('writeRecipeFolders (the cached per-recipe step)', () => {
  it('replaces only the folders it writes, removes refused ones, and leaves manifest.json as it is', () => {
    // Prepare
    writeBundle([bundleFixture('windows-managed'), bundleFixture('minimal')], bundle);
    const before = read('manifest.json');
    writeFileSync(path.join(bundle, 'recipes/minimal/stale.txt'), 'old\n');

    // Act
    const folders = writeRecipeFolders([bundleFixture('minimal')], bundle, ['windows-managed']);

    // Assess
    expect([...folders.keys()]).toEqual(['minimal']);
    expect(read('manifest.json')).toBe(before);
    expect(tree(path.join(bundle, 'recipes'))).toEqual(['minimal/manifest.json', 'minimal/template.yaml']);
    expect(readdirSync(path.join(bundle, 'recipes'))).toEqual(['minimal']);
  });
});

describe('replaceFolder / recoverFolder', () => {
  it('keeps the old folder whole when building the new one fails', () => {
    // Prepare
    const target = path.join(out.dir, 'target');
    replaceFolder(target, (dir) => writeFileSync(path.join(dir, 'a'), 'old'));

    // Act
    const attempt = () =>
      replaceFolder(target, (dir) => {
        writeFileSync(path.join(dir, 'a'), 'new');
        throw new Error('disk full');
      });

    // Assess
    expect(attempt).toThrow('disk full');
    expect(readFileSync(path.join(target, 'a'), 'utf8')).toBe('old');
    expect(readdirSync(out.dir)).toEqual(['target']);
  });

  it('rolls a run killed between its two renames forward, and removes what dead runs left', () => {
    // Prepare: the state a run (pid 2^22+1, gone) leaves when killed between the renames
    const target = path.join(out.dir, 'target');
    const token = `${2 ** 22 + 1}-abcdef012345`;
    mkdirSync(path.join(out.dir, `.target.old-${token}`));
    writeFileSync(path.join(out.dir, `.target.old-${token}`, 'a'), 'old');
    mkdirSync(path.join(out.dir, `.target.new-${token}`));
    writeFileSync(path.join(out.dir, `.target.new-${token}`, 'a'), 'new');
    mkdirSync(path.join(out.dir, `.target.new-${2 ** 22 + 2}-0123456789ab`));

    // Act
    const outcome = recoverFolder(target);

    // Assess
    expect(outcome.rolledForward).toBe(true);
    expect(readFileSync(path.join(target, 'a'), 'utf8')).toBe('new');
    expect(readdirSync(out.dir)).toEqual(['target']);
  });

  it('leaves the folder a reader sees always old or new, at every step of a replace (generated steps)', () => {
    // Every rename of the swap is a point a SIGKILL can land: after each, the target (recovered as
    // the next run recovers it) holds exactly the old or the new content.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), (stopAfter) => {
        const target = path.join(out.dir, `t${stopAfter}-${Math.random().toString(36).slice(2)}`);
        replaceFolder(target, (dir) => writeFileSync(path.join(dir, 'a'), 'old'));
        const token = `${2 ** 22 + 3}-00000000000${stopAfter}`;
        const fresh = path.join(out.dir, `.${path.basename(target)}.new-${token}`);
        const old = path.join(out.dir, `.${path.basename(target)}.old-${token}`);
        mkdirSync(fresh);
        writeFileSync(path.join(fresh, 'a'), 'new');
        if (stopAfter >= 1) renameSync(target, old);
        if (stopAfter >= 2) renameSync(fresh, target);
        recoverFolder(target);
        expect(['old', 'new']).toContain(readFileSync(path.join(target, 'a'), 'utf8'));
        expect(readdirSync(out.dir).filter((e) => e.includes(path.basename(target)))).toEqual([path.basename(target)]);
      }),
      { seed: 20261202, numRuns: 20 },
    );
  });
});

describe('buildBundleManifest', () => {
  it('sorts recipes and retired entries by name and keeps the source commit', () => {
    const entry = (name: string) => ({
      name,
      version: '1.0.0',
      stackName: `s-${name}`,
      template: `recipes/${name}/template.yaml`,
      contentHash: 'sha256:00',
      templateHash: 'sha256:11',
      parameters: [],
      buildOnVersionChange: true,
    });
    expect(
      buildBundleManifest([entry('b'), entry('a')], {
        sourceCommit: 'abc',
        partial: true,
        retired: [
          { name: 'z', reason: 'r' },
          { name: 'y', reason: 'q' },
        ],
      }),
    ).toEqual({
      formatVersion: 2,
      sourceCommit: 'abc',
      partial: true,
      retired: [
        { name: 'y', reason: 'q' },
        { name: 'z', reason: 'r' },
      ],
      recipes: [entry('a'), entry('b')],
    });
  });
});
