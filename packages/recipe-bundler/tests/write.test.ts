import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BundleWriteError, buildBundleManifest, bundleRecipe, writeBundle } from '../src/index.js';
import { bundleFixture, PACKAGE_DIR, tempDir } from './helpers/fixtures.js';

let out: { dir: string; cleanup: () => void };
beforeEach(() => {
  out = tempDir('bundle-out');
});
afterEach(() => out.cleanup());

const read = (relative: string) => readFileSync(path.join(out.dir, relative), 'utf8');

describe('writeBundle', () => {
  it('writes every recipe folder and a sorted top-level manifest', () => {
    // Prepare
    const results = [bundleFixture('windows-managed'), bundleFixture('minimal')];

    // Act
    const { written } = writeBundle(results, out.dir);

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
          formatVersion: 1,
          recipes: [
            {
              contentHash: results[1]?.manifest?.contentHash,
              name: 'minimal',
              parameters: ['ArtifactBucketName', 'ArtifactKeyArn', 'LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
              stackName: 'ami-bakery-recipe-minimal',
              template: 'recipes/minimal/template.yaml',
              version: '0.1.0',
            },
            {
              contentHash: results[0]?.manifest?.contentHash,
              name: 'windows-managed',
              parameters: ['LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
              stackName: 'ami-bakery-recipe-windows-managed',
              template: 'recipes/windows-managed/template.yaml',
              version: '3.0.1',
            },
          ],
          sourceCommit: null,
        },
        null,
        2,
      )}\n`,
    );
  });

  it('writes manifests with sorted keys, two-space indent and a trailing newline', () => {
    writeBundle([bundleFixture('minimal')], out.dir);
    const text = read('recipes/minimal/manifest.json');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "architecture": "arm64",');
    const keys = Object.keys(JSON.parse(text));
    expect(keys).toEqual([...keys].sort());
  });

  it('replaces only the recipe folders it writes and leaves everything else in place', () => {
    // Prepare
    mkdirSync(path.join(out.dir, 'bakery'), { recursive: true });
    writeFileSync(path.join(out.dir, 'bakery/bakery-stack.template.json'), '{}\n');
    writeBundle([bundleFixture('windows-managed'), bundleFixture('minimal')], out.dir);
    writeFileSync(path.join(out.dir, 'recipes/minimal/stale.txt'), 'old\n');

    // Act: bundle one recipe again, as `nx affected` does
    writeBundle([bundleFixture('minimal')], out.dir);

    // Assess
    expect(read('bakery/bakery-stack.template.json')).toBe('{}\n');
    expect(existsSync(path.join(out.dir, 'recipes/minimal/stale.txt'))).toBe(false);
    expect(existsSync(path.join(out.dir, 'recipes/windows-managed/template.yaml'))).toBe(true);
    expect(JSON.parse(read('manifest.json')).recipes.map((r: { name: string }) => r.name)).toEqual(['minimal', 'windows-managed']);
  });

  it('lists parameters of recipe folders written earlier from their templates', () => {
    writeBundle([bundleFixture('windows-managed')], out.dir);
    writeBundle([bundleFixture('minimal')], out.dir);
    const entry = JSON.parse(read('manifest.json')).recipes.find((r: { name: string }) => r.name === 'windows-managed');
    expect(entry.parameters).toEqual(Object.keys(parse(read('recipes/windows-managed/template.yaml')).Parameters));
  });

  it('skips results that failed validation', () => {
    const failed = bundleRecipe('tests/fixtures/duplicate-key', { cwd: PACKAGE_DIR, sourceCommit: null });
    const { written } = writeBundle([failed], out.dir);
    expect(written).toEqual(['manifest.json']);
    expect(existsSync(path.join(out.dir, 'recipes/duplicate-key'))).toBe(false);
  });

  it.each([
    { name: '../escape', message: /not a valid recipe name/ },
    { name: 'Upper', message: /not a valid recipe name/ },
  ])('refuses the folder name $name', ({ name, message }) => {
    const result = { ...bundleFixture('minimal'), name };
    expect(() => writeBundle([result], out.dir)).toThrow(BundleWriteError);
    expect(() => writeBundle([result], out.dir)).toThrow(message);
  });

  it('refuses the same recipe twice', () => {
    expect(() => writeBundle([bundleFixture('minimal'), bundleFixture('minimal')], out.dir)).toThrow(/Two results for recipe "minimal"/);
  });
});

describe('buildBundleManifest', () => {
  it('sorts recipes by name and keeps the source commit', () => {
    const entry = (name: string) => ({
      name,
      version: '1.0.0',
      stackName: `s-${name}`,
      template: `recipes/${name}/template.yaml`,
      contentHash: 'sha256:00',
      parameters: [],
    });
    expect(buildBundleManifest([entry('b'), entry('a')], 'abc')).toEqual({
      formatVersion: 1,
      sourceCommit: 'abc',
      recipes: [entry('a'), entry('b')],
    });
  });
});
