import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withLock } from '../src/lock.js';
import { bakery } from './helpers.js';
import { PIPELINE, snapshotFiles, tempDir, workspaceCopy } from './pipeline-helpers.js';

const LAUNCHER = fileURLToPath(new URL('../bin/bakery.mjs', import.meta.url));

/** A second bundleable recipe next to the fixture's al2023-hardened, under `name`. */
function addRecipe(root: string, name: string): void {
  const source = readFileSync(path.join(root, 'recipes/al2023-hardened/recipe.yaml'), 'utf8');
  cpSync(path.join(root, 'recipes/al2023-hardened'), path.join(root, 'recipes', name), { recursive: true });
  writeFileSync(path.join(root, 'recipes', name, 'recipe.yaml'), source.replaceAll('al2023-hardened', name));
}

const REFUSED = [
  '',
  'recipes/imds-optional/recipe.yaml',
  '  19:17  error  httpTokens: optional lets anything on the build instance read its role credentials through IMDSv1; set httpTokens: required, or remove it (required is the default).  RB3003',
  '         19 |     httpTokens: optional',
  '            |                 ^^^^^^^^',
  '',
  '1 problem (1 error, 0 warnings) in 1 file.',
  '',
];

describe('Command: bundle', () => {
  it('bundles every recipe into dist/bundle of the workspace, refusing the one with errors', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['bundle', '--no-stack'], { cwd: root });

    // Assess
    expect(result.stdout).toBe(
      [
        'al2023-hardened  1.2.0  dist/bundle/recipes/al2023-hardened',
        'imds-optional    2.0.0  not bundled: 1 error',
        'partial bundle: it lacks imds-optional; bakery publish refuses it unless --allow-delete',
        ...REFUSED,
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(Object.keys(snapshotFiles(path.join(root, 'dist/bundle')))).toEqual([
      'manifest.json',
      'recipes/al2023-hardened/manifest.json',
      'recipes/al2023-hardened/template.yaml',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist/bundle/manifest.json'), 'utf8'));
    const template = readFileSync(path.join(root, 'dist/bundle/recipes/al2023-hardened/template.yaml'));
    expect(manifest).toEqual({
      formatVersion: 2,
      sourceCommit: null,
      partial: true,
      retired: [],
      recipes: [
        {
          name: 'al2023-hardened',
          version: '1.2.0',
          stackName: 'ami-bakery-recipe-al2023-hardened',
          template: 'recipes/al2023-hardened/template.yaml',
          contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          templateHash: `sha256:${createHash('sha256').update(template).digest('hex')}`,
          parameters: ['ArtifactBucketName', 'ArtifactKeyArn', 'LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
          buildOnVersionChange: true,
        },
      ],
    });
  });

  it('exits 0 and prints one line per recipe when every recipe bundles', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['bundle', 'recipes/al2023-hardened', '--out', 'out', '--no-stack'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout:
        'al2023-hardened  1.2.0  out/recipes/al2023-hardened\npartial bundle: it lacks imds-optional; bakery publish refuses it unless --allow-delete\n',
      stderr: '',
    });
  });

  it('writes byte-identical files when run twice and from another working directory', async () => {
    // Prepare
    const root = workspaceCopy();
    const out = path.join(root, 'dist/bundle');

    // Act
    await bakery(['bundle', '--no-stack'], { cwd: root });
    const first = snapshotFiles(out);
    rmSync(out, { recursive: true });
    await bakery(['bundle', '--no-stack'], { cwd: root });
    const second = snapshotFiles(out);
    rmSync(out, { recursive: true });
    await bakery(['bundle', 'al2023-hardened', 'imds-optional', '--out', '../dist/bundle', '--no-stack'], {
      cwd: path.join(root, 'recipes'),
    });
    const fromElsewhere = snapshotFiles(out);

    // Assess
    expect(Object.keys(first)).toHaveLength(3);
    expect(second).toEqual(first);
    expect(fromElsewhere).toEqual(first);
  });

  it('replaces the folders it bundles, keeps those of other workspace recipes, and drops anything not of the workspace', async () => {
    // Prepare: a second valid recipe, bundled earlier; a folder of a recipe since deleted; a stray file
    const root = workspaceCopy();
    const out = path.join(root, 'dist/bundle');
    addRecipe(root, 'kept-recipe');
    addRecipe(root, 'gone-recipe');
    await bakery(['bundle', 'recipes/al2023-hardened', 'recipes/kept-recipe', 'recipes/gone-recipe'], { cwd: root });
    rmSync(path.join(root, 'recipes/gone-recipe'), { recursive: true });
    writeFileSync(path.join(out, 'recipes/al2023-hardened/stale.txt'), 'from an older bundle\n');
    writeFileSync(path.join(out, 'NOTES.md'), 'hand-written\n');

    // Act
    const result = await bakery(['bundle', 'recipes/al2023-hardened'], { cwd: root });

    // Assess
    expect(result.stdout).toBe(
      [
        'al2023-hardened  1.2.0  dist/bundle/recipes/al2023-hardened',
        'gone-recipe  left the bundle (not a recipe of the workspace any more, or refused in this run)',
        'partial bundle: it lacks imds-optional; bakery publish refuses it unless --allow-delete',
        '',
      ].join('\n'),
    );
    expect(Object.keys(snapshotFiles(out))).toEqual([
      'manifest.json',
      'recipes/al2023-hardened/manifest.json',
      'recipes/al2023-hardened/template.yaml',
      'recipes/kept-recipe/manifest.json',
      'recipes/kept-recipe/template.yaml',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.recipes.map((r: { name: string }) => r.name)).toEqual(['al2023-hardened', 'kept-recipe']);
  });

  it('keeps a complete manifest when several processes bundle one recipe each at the same time', async () => {
    // Prepare
    const root = workspaceCopy();
    const names = ['par-a', 'par-b', 'par-c', 'par-d'];
    const source = readFileSync(path.join(root, 'recipes/al2023-hardened/recipe.yaml'), 'utf8');
    for (const name of names) {
      cpSync(path.join(root, 'recipes/al2023-hardened'), path.join(root, 'recipes', name), { recursive: true });
      writeFileSync(path.join(root, 'recipes', name, 'recipe.yaml'), source.replaceAll('al2023-hardened', name));
    }

    // Act
    const codes = await Promise.all(
      names.map(
        (name) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, [LAUNCHER, 'bundle', `recipes/${name}`, '--no-stack'], { cwd: root, stdio: 'ignore' });
            child.on('close', resolve);
          }),
      ),
    );

    // Assess
    expect(codes).toEqual([0, 0, 0, 0]);
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist/bundle/manifest.json'), 'utf8'));
    expect(manifest.recipes.map((r: { name: string }) => r.name)).toEqual(names);
    expect(existsSync(path.join(root, 'dist/bundle.lock'))).toBe(false);
  }, 240_000);

  it('writes no bakery stack (it is control plane) and still accepts --no-stack', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['bundle', 'recipes/al2023-hardened', '--no-stack'], { cwd: root });

    // Assess
    expect(result.code).toBe(0);
    expect(existsSync(path.join(root, 'dist/bundle/bakery'))).toBe(false);
  });

  describe('usage errors: one line on stderr, exit code 2', () => {
    it('outside a workspace without --out', async () => {
      // Prepare
      const dir = tempDir();
      cpSync(path.join(PIPELINE, 'recipes/al2023-hardened'), path.join(dir, 'r'), { recursive: true });

      // Act
      const result = await bakery(['bundle', 'r'], { cwd: dir });

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr: `bakery: no pnpm-workspace.yaml at or above ${dir}; pass --out DIR\n` });
    });

    it('an --out that is a file', async () => {
      // Prepare
      const root = workspaceCopy();
      writeFileSync(path.join(root, 'taken'), '');

      // Act
      const result = await bakery(['bundle', 'recipes/al2023-hardened', '--out', 'taken/bundle', '--no-stack'], { cwd: root });

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^bakery: cannot write .*taken\/bundle\.lock: .+\n$/);
      expect(readFileSync(path.join(root, 'taken'), 'utf8')).toBe('');
    });
  });
});

describe('withLock', () => {
  it('takes over a lock whose owner process is gone', () => {
    // Prepare
    const dir = tempDir();
    mkdirSync(path.join(dir, 'out.lock'));
    writeFileSync(path.join(dir, 'out.lock/owner'), '2147483646\n');

    // Act
    const value = withLock(path.join(dir, 'out'), () => 'ran');

    // Assess
    expect(value).toBe('ran');
    expect(existsSync(path.join(dir, 'out.lock'))).toBe(false);
  });

  it('waits for a live owner and gives up with a message after the timeout', () => {
    // Prepare
    const dir = tempDir();
    mkdirSync(path.join(dir, 'out.lock'));
    writeFileSync(path.join(dir, 'out.lock/owner'), `${process.pid}\n`);

    // Act
    const attempt = () => withLock(path.join(dir, 'out'), () => 'ran', { timeoutMs: 50 });

    // Assess
    expect(attempt).toThrow(
      new RegExp(
        `^gave up after waiting 0\\.\\d s for ${path.join(dir, 'out.lock')}, held by pid ${process.pid} on ${hostname()} \\(bakery\\); wait for it to finish, or remove the lock if that process is gone \\(BAKERY_LOCK_TIMEOUT_MS sets the wait\\)$`,
      ),
    );
    expect(existsSync(path.join(dir, 'out.lock/owner'))).toBe(true);
  });

  it('says who holds the lock while it waits', () => {
    // Prepare
    const dir = tempDir();
    withLock(path.join(dir, 'out'), () => {
      // Act: a second waiter inside the first holder's lock
      const said: string[] = [];
      const attempt = () => withLock(path.join(dir, 'out'), () => 'ran', { timeoutMs: 60, noticeAfterMs: 0, onWait: (m) => said.push(m) });

      // Assess
      expect(attempt).toThrow(/^gave up after waiting/);
      expect(said).toEqual([
        expect.stringMatching(
          new RegExp(
            `^waiting for ${path.join(dir, 'out.lock')}, held by pid ${process.pid} on ${hostname()} \\(bakery[^,]*, since \\d{4}-\\d\\d-\\d\\dT.*\\); giving up after 0\\.1 s$`,
          ),
        ),
      ]);
    });
  });

  it('lets exactly one process in at a time (read-modify-write of a counter from four processes)', async () => {
    // Prepare
    const dir = tempDir();
    const counter = path.join(dir, 'count');
    writeFileSync(counter, '0');
    const script = [
      `import { readFileSync, writeFileSync } from 'node:fs';`,
      `import { withLock } from ${JSON.stringify(fileURLToPath(new URL('../src/lock.ts', import.meta.url)))};`,
      'for (let i = 0; i < 25; i++) {',
      `  withLock(${JSON.stringify(path.join(dir, 'out'))}, () => {`,
      `    const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));`,
      '    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);',
      `    writeFileSync(${JSON.stringify(counter)}, String(n + 1));`,
      '  });',
      '}',
    ].join('\n');
    writeFileSync(path.join(dir, 'count.mts'), script);

    // Act
    const codes = await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'count.mts')], { stdio: 'ignore' });
            child.on('close', resolve);
          }),
      ),
    );

    // Assess
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(readFileSync(counter, 'utf8')).toBe('100');
    expect(readdirSync(dir).sort()).toEqual(['count', 'count.mts']);
  }, 240_000);

  it('releases the lock when the work throws', () => {
    // Prepare
    const dir = tempDir();

    // Act
    const attempt = () =>
      withLock(path.join(dir, 'out'), () => {
        throw new Error('boom');
      });

    // Assess
    expect(attempt).toThrow('boom');
    expect(existsSync(path.join(dir, 'out.lock'))).toBe(false);
  });
});
