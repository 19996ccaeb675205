import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';
import { git, gitWorkspace, snapshotFiles, workspaceCopy } from './pipeline-helpers.js';

/** A second bundleable recipe next to the fixture's al2023-hardened, under `name`. */
function addRecipe(root: string, name: string): void {
  const source = readFileSync(path.join(root, 'recipes/al2023-hardened/recipe.yaml'), 'utf8');
  cpSync(path.join(root, 'recipes/al2023-hardened'), path.join(root, 'recipes', name), { recursive: true });
  writeFileSync(path.join(root, 'recipes', name, 'recipe.yaml'), source.replaceAll('al2023-hardened', name));
}

const contentHashOf = (out: string, name: string): string =>
  (JSON.parse(readFileSync(path.join(out, 'recipes', name, 'manifest.json'), 'utf8')) as { contentHash: string }).contentHash;

describe('Command: bundle --no-index', () => {
  it('writes only the recipe folders and leaves manifest.json as it was', async () => {
    // Prepare
    const root = workspaceCopy();
    const out = path.join(root, 'dist/bundle');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'manifest.json'), 'an older index\n');

    // Act
    const result = await bakery(['bundle', 'recipes/al2023-hardened', '--no-index'], { cwd: root });

    // Assess
    expect(result).toEqual({ code: 0, stdout: 'al2023-hardened  1.2.0  dist/bundle/recipes/al2023-hardened\n', stderr: '' });
    expect(Object.keys(snapshotFiles(path.join(root, 'dist')))).toEqual([
      'bundle/manifest.json',
      'bundle/recipes/al2023-hardened/manifest.json',
      'bundle/recipes/al2023-hardened/template.yaml',
    ]);
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe('an older index\n');
  });

  it('writes the same recipe folder bytes as a full bundle run and replaces an older folder whole', async () => {
    // Prepare
    const root = workspaceCopy();
    await bakery(['bundle', 'recipes/al2023-hardened', '--out', 'full', '--no-stack'], { cwd: root });
    mkdirSync(path.join(root, 'split/recipes/al2023-hardened'), { recursive: true });
    writeFileSync(path.join(root, 'split/recipes/al2023-hardened/stale.txt'), 'from an older bundle\n');

    // Act
    const result = await bakery(['bundle', 'recipes/al2023-hardened', '--out', 'split', '--no-index'], { cwd: root });

    // Assess
    expect(result.code).toBe(0);
    expect(snapshotFiles(path.join(root, 'split/recipes'))).toEqual(snapshotFiles(path.join(root, 'full/recipes')));
  });

  it('refuses a recipe with errors like a full run, writing nothing for it', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['bundle', 'recipes/imds-optional', '--no-index'], { cwd: root });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^imds-optional {2}2\.0\.0 {2}not bundled: 1 error\n\n/);
    expect(snapshotFiles(root)['dist/bundle/manifest.json']).toBeUndefined();
    expect(Object.keys(snapshotFiles(root)).filter((file) => file.startsWith('dist/'))).toEqual([]);
  });
});

describe('Command: bundle --index-only', () => {
  it('rebuilds manifest.json from exactly the recipe folders present, at the commit checked out', async () => {
    // Prepare
    const root = gitWorkspace();
    addRecipe(root, 'second-recipe');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'a second recipe');
    const head = git(root, 'rev-parse', 'HEAD');
    const out = path.join(root, 'dist/bundle');
    await bakery(['bundle', 'recipes/al2023-hardened', 'recipes/second-recipe', '--no-index'], { cwd: root });
    writeFileSync(path.join(out, 'manifest.json'), 'an older index\n');

    // Act
    const result = await bakery(['bundle', '--index-only', '--no-stack'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout: [
        'al2023-hardened  1.2.0  dist/bundle/recipes/al2023-hardened',
        'second-recipe    1.2.0  dist/bundle/recipes/second-recipe',
        'manifest      dist/bundle/manifest.json',
        'partial bundle: it lacks imds-optional; bakery publish refuses it unless --allow-delete',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(
      `${JSON.stringify(
        {
          formatVersion: 2,
          partial: true,
          recipes: ['al2023-hardened', 'second-recipe'].map((name) => ({
            buildOnVersionChange: true,
            contentHash: contentHashOf(out, name),
            name,
            parameters: ['ArtifactBucketName', 'ArtifactKeyArn', 'LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
            stackName: `ami-bakery-recipe-${name}`,
            template: `recipes/${name}/template.yaml`,
            templateHash: `sha256:${createHash('sha256')
              .update(readFileSync(path.join(out, 'recipes', name, 'template.yaml')))
              .digest('hex')}`,
            version: '1.2.0',
          })),
          retired: [],
          sourceCommit: head,
        },
        null,
        2,
      )}\n`,
    );
    expect(contentHashOf(out, 'second-recipe')).not.toBe(contentHashOf(out, 'al2023-hardened'));
  });

  it('writes the bundle a full bundle run writes for the same recipes, byte for byte', async () => {
    // Prepare
    const root = workspaceCopy();
    addRecipe(root, 'second-recipe');
    const recipes = ['recipes/al2023-hardened', 'recipes/second-recipe'];
    await bakery(['bundle', ...recipes, '--out', 'full', '--no-stack'], { cwd: root });
    await bakery(['bundle', ...recipes, '--out', 'split', '--no-index'], { cwd: root });

    // Act
    const result = await bakery(['bundle', '--index-only', '--out', 'split', '--no-stack'], { cwd: root });

    // Assess
    expect(result.code).toBe(0);
    expect(Object.keys(snapshotFiles(path.join(root, 'full')))).toEqual([
      'manifest.json',
      'recipes/al2023-hardened/manifest.json',
      'recipes/al2023-hardened/template.yaml',
      'recipes/second-recipe/manifest.json',
      'recipes/second-recipe/template.yaml',
    ]);
    expect(snapshotFiles(path.join(root, 'split'))).toEqual(snapshotFiles(path.join(root, 'full')));
  });

  it('drops a recipe whose folder is gone from the index', async () => {
    // Prepare
    const root = workspaceCopy();
    addRecipe(root, 'second-recipe');
    const out = path.join(root, 'dist/bundle');
    await bakery(['bundle', 'recipes/al2023-hardened', 'recipes/second-recipe', '--no-stack'], { cwd: root });
    rmSync(path.join(out, 'recipes/second-recipe'), { recursive: true });

    // Act
    const result = await bakery(['bundle', '--index-only', '--no-stack'], { cwd: root });

    // Assess
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { recipes: Array<{ name: string }> };
    expect(manifest.recipes.map((r) => r.name)).toEqual(['al2023-hardened']);
  });

  it('leaves an incomplete recipe folder out of the index and says which and why', async () => {
    // Prepare
    const root = workspaceCopy();
    const out = path.join(root, 'dist/bundle');
    await bakery(['bundle', 'recipes/al2023-hardened', '--no-index'], { cwd: root });
    mkdirSync(path.join(out, 'recipes/half-written'));
    writeFileSync(path.join(out, 'recipes/half-written/manifest.json'), '{"name": "half-written"}\n');
    mkdirSync(path.join(out, 'recipes/renamed'));
    cpSync(path.join(out, 'recipes/al2023-hardened'), path.join(out, 'recipes/renamed'), { recursive: true });

    // Act
    const result = await bakery(['bundle', '--index-only', '--no-stack'], { cwd: root });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        'bakery: dist/bundle/recipes/half-written left out of manifest.json: no template.yaml; bundle that recipe again',
        `bakery: dist/bundle/recipes/renamed left out of manifest.json: manifest.json names recipe "al2023-hardened", not the folder's; bundle that recipe again`,
        '',
      ].join('\n'),
    );
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { recipes: Array<{ name: string }> };
    expect(manifest.recipes.map((r) => r.name)).toEqual(['al2023-hardened']);
  });

  it.each([
    { name: 'no recipes folder', prepare: (_out: string) => {} },
    { name: 'an empty recipes folder', prepare: (out: string) => mkdirSync(path.join(out, 'recipes')) },
  ])('refuses with $name, leaving manifest.json as it was', async ({ prepare }) => {
    // Prepare
    const root = workspaceCopy();
    const out = path.join(root, 'dist/bundle');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'manifest.json'), 'an older index\n');
    prepare(out);

    // Act
    const result = await bakery(['bundle', '--index-only'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'bakery: no complete recipe folder in dist/bundle/recipes to index; manifest.json not written. Bundle a recipe first (bakery bundle PATH).\n',
    });
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe('an older index\n');
    expect(Object.keys(snapshotFiles(out))).toEqual(['manifest.json']);
  });

  it('drops the folders of recipes that left the workspace and records recipes/retired.yaml', async () => {
    // Prepare: two recipes bundled, then one deleted from the workspace and retired
    const root = workspaceCopy();
    addRecipe(root, 'second-recipe');
    await bakery(['bundle', 'recipes/al2023-hardened', 'recipes/second-recipe', '--no-index'], { cwd: root });
    rmSync(path.join(root, 'recipes/second-recipe'), { recursive: true });
    writeFileSync(path.join(root, 'recipes/retired.yaml'), '- name: second-recipe\n  reason: replaced by al2023-hardened\n');

    // Act
    const result = await bakery(['bundle', '--index-only'], { cwd: root });

    // Assess
    expect(result.stdout).toContain('second-recipe  left the bundle (not a recipe of the workspace any more, or refused in this run)\n');
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist/bundle/manifest.json'), 'utf8')) as {
      recipes: { name: string }[];
      retired: unknown[];
    };
    expect(manifest.recipes.map((r) => r.name)).toEqual(['al2023-hardened']);
    expect(manifest.retired).toEqual([{ name: 'second-recipe', reason: 'replaced by al2023-hardened' }]);
    expect(Object.keys(snapshotFiles(path.join(root, 'dist')))).toEqual([
      'bundle/manifest.json',
      'bundle/recipes/al2023-hardened/manifest.json',
      'bundle/recipes/al2023-hardened/template.yaml',
    ]);
  });

  it('refuses, writing nothing, when recipes/retired.yaml names a recipe of the workspace', async () => {
    // Prepare
    const root = workspaceCopy();
    await bakery(['bundle', 'recipes/al2023-hardened', '--no-index'], { cwd: root });
    writeFileSync(path.join(root, 'recipes/retired.yaml'), '- name: al2023-hardened\n  reason: old\n');

    // Act
    const result = await bakery(['bundle', '--index-only'], { cwd: root });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('bakery: manifest.json not written: 1 error in the workspace (below).\n');
    expect(result.stdout).toMatch(
      /^recipes\/retired\.yaml\n {2}1:9 {2}error {2}al2023-hardened is still a recipe of the workspace; .* RB0024$/m,
    );
    expect(existsSync(path.join(root, 'dist/bundle/manifest.json'))).toBe(false);
  });

  describe('usage errors: one line on stderr, exit code 2', () => {
    it.each([
      {
        name: 'a PATH',
        argv: ['bundle', '--index-only', 'recipes/al2023-hardened'],
        message: '--index-only takes no PATH: it indexes every recipe folder in the bundle folder',
      },
      { name: '--no-index', argv: ['bundle', '--index-only', '--no-index'], message: '--index-only and --no-index exclude each other' },
    ])('--index-only with $name', async ({ argv, message }) => {
      // Prepare
      const root = workspaceCopy();

      // Act
      const result = await bakery(argv, { cwd: root });

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr: `bakery: ${message}\n` });
      expect(Object.keys(snapshotFiles(root)).filter((file) => file.startsWith('dist/'))).toEqual([]);
    });
  });
});
