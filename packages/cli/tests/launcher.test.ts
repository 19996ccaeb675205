/**
 * The launcher (bin/bakery.mjs) and the bundle it runs (bin/build.mjs). Builds go to temporary
 * folders, so the checkout's own dist/ is only used by the launcher test itself.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { buildBundle, isStale } from '../bin/build.mjs';
import { bakery } from './helpers.js';
import { PIPELINE, REPO_ROOT, tempDir } from './pipeline-helpers.js';

interface Meta {
  builtAt: number;
  entryMtimeMs: number;
  precompiledValidators: boolean;
  outputs: string[];
  inputs: string[];
}

const CLI = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[], cwd: string) =>
  spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: '1' } });

describe('CLI bundle', () => {
  let out: string;
  let meta: Meta;
  beforeAll(async () => {
    // Not tempDir(): that one is removed after each test, this build serves them all.
    out = mkdtempSync(path.join(tmpdir(), 'bakery-bundle-'));
    meta = await buildBundle({ outDir: out });
  }, 240_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('lists what it was built from: workspace sources, both JSON Schemas, the lockfile and the build script', () => {
    expect(meta.precompiledValidators).toBe(true);
    expect(meta.inputs).toEqual(
      expect.arrayContaining([
        path.join(CLI, 'src/bin.ts'),
        path.join(CLI, 'src/commands/validate.ts'),
        path.join(REPO_ROOT, 'packages/recipe-schema/src/schema-validator.ts'),
        path.join(REPO_ROOT, 'packages/recipe-schema/schemas/recipe.schema.json'),
        path.join(REPO_ROOT, 'packages/recipe-schema/schemas/component.schema.json'),
        path.join(REPO_ROOT, 'pnpm-lock.yaml'),
        path.join(CLI, 'bin/build.mjs'),
      ]),
    );
    expect(meta.inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
    expect(meta.outputs).toContain('bakery.mjs');
    expect(isStale(out)).toBe(false);
  });

  it.each([
    { name: 'the recipe-schema fixtures (every schema error kind)', target: path.join(REPO_ROOT, 'packages/recipe-schema/tests/fixtures') },
    { name: 'the pipeline fixtures', target: PIPELINE },
  ])('reports exactly what the sources report, with precompiled validators: $name', async ({ target }) => {
    // Act
    const bundled = node([path.join(out, 'bakery.mjs'), 'validate', target, '--format', 'json'], PIPELINE);
    const source = await bakery(['validate', target, '--format', 'json'], { cwd: PIPELINE });

    // Assess
    expect(bundled.stdout.length).toBeGreaterThan(2);
    expect(bundled.stdout).toBe(source.stdout);
    expect(bundled.status).toBe(source.code);
  });

  it('reads its version from the CLI package', () => {
    // Act
    const result = node([path.join(out, 'bakery.mjs'), '--version'], PIPELINE);

    // Assess
    expect(result.stdout).toBe(`${JSON.parse(readFileSync(path.join(CLI, 'package.json'), 'utf8')).version}\n`);
  });

  it.each([
    { name: 'a source newer than the build', spoil: (dir: string, m: Meta) => writeMeta(dir, { ...m, builtAt: 0 }) },
    { name: 'an output removed', spoil: (dir: string, m: Meta) => writeMeta(dir, { ...m, outputs: [...m.outputs, 'chunks/gone.mjs'] }) },
    {
      name: 'the entry rewritten by another tool',
      spoil: (dir: string) => utimesSync(path.join(dir, 'bakery.mjs'), new Date(0), new Date(0)),
    },
    { name: 'no meta data', spoil: (dir: string) => rmSync(path.join(dir, 'bakery.meta.json')) },
    {
      name: 'a source that no longer exists',
      spoil: (dir: string, m: Meta) => writeMeta(dir, { ...m, inputs: [...m.inputs, path.join(CLI, 'src/removed.ts')] }),
    },
  ])(
    'is stale after $name',
    async ({ spoil }) => {
      // Prepare
      const dir = tempDir();
      const built = (await buildBundle({ outDir: dir })) as Meta;

      // Act
      spoil(dir, built);

      // Assess
      expect(isStale(dir)).toBe(true);
    },
    120_000,
  );
});

function writeMeta(dir: string, meta: Meta): void {
  writeFileSync(path.join(dir, 'bakery.meta.json'), JSON.stringify(meta));
}

describe('launcher: bin/bakery.mjs', () => {
  it('runs the bundle (building it when stale) with the exit code and output of the command', async () => {
    // Act
    const launched = node([path.join(CLI, 'bin/bakery.mjs'), 'validate', 'recipes/imds-optional'], PIPELINE);
    const source = await bakery(['validate', 'recipes/imds-optional'], { cwd: PIPELINE });

    // Assess
    expect(launched.stdout).toBe(source.stdout);
    expect(launched.status).toBe(1);
  }, 240_000);

  it('runs the sources through tsx when the bundle cannot be built, and says so', () => {
    // Prepare: a checkout whose CLI cannot load esbuild
    const root = tempDir();
    mkdirSync(path.join(root, 'packages/cli/bin'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules'));
    for (const file of ['bakery.mjs', 'build.mjs']) copyFileSync(path.join(CLI, 'bin', file), path.join(root, 'packages/cli/bin', file));
    copyFileSync(path.join(CLI, 'package.json'), path.join(root, 'packages/cli/package.json'));
    symlinkSync(path.join(CLI, 'src'), path.join(root, 'packages/cli/src'));
    symlinkSync(path.join(REPO_ROOT, 'node_modules/tsx'), path.join(root, 'node_modules/tsx'));

    // Act
    const result = node([path.join(root, 'packages/cli/bin/bakery.mjs'), 'validate', 'recipes/al2023-hardened'], PIPELINE);

    // Assess
    expect(result.stderr).toBe(
      `bakery: cannot use the CLI bundle (Cannot find package 'esbuild' imported from ${path.join(root, 'packages/cli/bin/build.mjs')}); running the sources with tsx (slower).\n`,
    );
    expect(result.stdout).toBe('No problems in 2 files.\n');
    expect(result.status).toBe(0);
  }, 240_000);
});
