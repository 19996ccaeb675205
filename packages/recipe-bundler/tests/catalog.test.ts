/**
 * The catalog in the bundle: catalog.yaml and the catalog settings become catalog.json with its
 * hash in the manifest entry, the recipe's content hash and template do not move, and the bundle
 * is one that the deployer's reader and the publisher accept.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalogHash, loadBundle, verifyBundle } from '@ami-bakery/bundle';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleRecipe, writeBundle, writeRecipeFolders } from '../src/index.js';
import { copyFixture, tempDir } from './helpers/fixtures.js';

const CATALOG = `channels:
  stable:
    image: 0.1.0/2
    amis: { eu-west-1: ami-0123456789abcdef0 }
    promotedAt: 2026-12-02T10:00:00Z
revoked:
  - image: 0.1.0/1
    amis: { eu-west-1: ami-0aaaaaaaaaaaaaaa1 }
    reason: CVE-2026-1234 in openssl
    revokedAt: 2026-12-02T11:00:00Z
`;

let work: { dir: string; cleanup: () => void };
let recipeDir: string;
beforeEach(() => {
  work = tempDir('bundle-catalog');
  recipeDir = copyFixture('minimal', path.join(work.dir, 'minimal'));
});
afterEach(() => work.cleanup());

const bundle = () => bundleRecipe(recipeDir, { cwd: work.dir, sourceCommit: null });

function files(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, f);
    if (statSync(full).isFile()) out.set(f.split(path.sep).join('/'), new Uint8Array(readFileSync(full)));
  }
  return out;
}

describe('Bundling: the image catalog', () => {
  it('a recipe without catalog.yaml or catalog settings has no catalog', () => {
    expect(bundle().catalogText).toBeUndefined();
  });

  it('catalog.yaml changes neither the content hash nor the template', () => {
    // Prepare
    const before = bundle();
    writeFileSync(path.join(recipeDir, 'catalog.yaml'), CATALOG);
    // Act
    const after = bundle();
    // Assess
    expect(after.ok).toBe(true);
    expect(after.manifest?.contentHash).toBe(before.manifest?.contentHash);
    expect(after.templateText).toBe(before.templateText);
    expect(after.catalog?.channels.stable?.image).toBe('0.1.0/2');
    expect(JSON.parse(after.catalogText ?? '{}')).toMatchObject({
      declaredChannels: ['stable'],
      deprecateSupersededAfterDays: null,
      formatVersion: 1,
    });
  });

  it('catalog settings in recipe.yaml change neither the content hash nor the template, and reach catalog.json', () => {
    // Prepare
    const before = bundle();
    const recipe = readFileSync(path.join(recipeDir, 'recipe.yaml'), 'utf8');
    writeFileSync(
      path.join(recipeDir, 'recipe.yaml'),
      `${recipe}catalog:\n  channels: [stable, beta]\nlifecycle:\n  deprecateSupersededAfterDays: 14\n`,
    );
    // Act
    const after = bundle();
    // Assess
    expect(after.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(after.manifest?.contentHash).toBe(before.manifest?.contentHash);
    expect(after.templateText).toBe(before.templateText);
    expect(JSON.parse(after.catalogText ?? '{}')).toMatchObject({ declaredChannels: ['beta', 'stable'], deprecateSupersededAfterDays: 14 });
  });

  it('a catalog that does not validate stops the recipe from bundling', () => {
    // Prepare
    writeFileSync(path.join(recipeDir, 'catalog.yaml'), CATALOG.replace('image: 0.1.0/2', 'image: 0.1.0/1'));
    // Act
    const result = bundle();
    // Assess
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => [f.ruleId, f.file, f.path.join('.')])).toEqual([
      ['RB7004', 'minimal/catalog.yaml', 'channels.stable.image'],
    ]);
  });

  it('writeBundle and the folder-by-folder index write catalog.json and its hash; the deployer and the publisher accept the bundle', () => {
    // Prepare
    writeFileSync(path.join(recipeDir, 'catalog.yaml'), CATALOG);
    const result = bundle();
    const whole = path.join(work.dir, 'whole');
    const byFolder = path.join(work.dir, 'by-folder');
    // Act
    const written = writeBundle([result], whole);
    writeRecipeFolders([result], byFolder);
    const indexed = writeBundle([], byFolder);
    // Assess
    expect(written.written).toEqual([
      'manifest.json',
      'recipes/minimal/catalog.json',
      'recipes/minimal/manifest.json',
      'recipes/minimal/template.yaml',
    ]);
    const hash = catalogHash(readFileSync(path.join(whole, 'recipes/minimal/catalog.json')));
    expect(written.manifest.recipes[0]?.catalogHash).toBe(hash);
    expect(indexed.manifest.recipes[0]?.catalogHash).toBe(hash);
    const loaded = loadBundle(files(whole));
    expect(loaded.problems).toEqual([]);
    expect(loaded.bundle?.recipes[0]?.catalog?.revoked.map((r) => r.image)).toEqual(['0.1.0/1']);
    expect(verifyBundle(files(whole))).toEqual([]);
  });
});
