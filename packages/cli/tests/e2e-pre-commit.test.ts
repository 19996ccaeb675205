/**
 * End to end: the pre-commit hook (.githooks/pre-commit + tools/scripts/pre-commit.mjs) in a
 * throwaway git repository, driven by real `git commit`s. Git sends a hook's stdout to stderr, so
 * the findings are read from the commit's stderr.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECIPE_FIXTURE = fileURLToPath(new URL('./fixtures/workspace/recipes/al2023-base', import.meta.url));
const RECIPE = 'recipes/al2023-base/recipe.yaml';
const COMPONENT = 'recipes/al2023-base/components/cleanup.yaml';

let repo: string;
let shims: string;

/**
 * Only what git and Node need from the caller's environment: anything else (GIT_DIR aiming at
 * another repository, BAKERY_BASE or NX_BASE moving the version gate's base, CI=true) would make
 * the outcome depend on the shell the tests run in.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    NO_COLOR: '1',
    // Nx sets FORCE_COLOR for its tasks; next to NO_COLOR it makes Node print a warning on stderr.
    FORCE_COLOR: undefined,
    ...extra,
  };
}

function git(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): SpawnSyncReturns<string> {
  return spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' });
}

function head(): string {
  return git(['rev-parse', 'HEAD']).stdout.trim();
}

function edit(file: string, change: (text: string) => string): void {
  const absolute = path.join(repo, file);
  writeFileSync(absolute, change(readFileSync(absolute, 'utf8')));
}

const BUMP = (text: string) =>
  text.replace('version: 1.0.0\ndescription', 'version: 1.0.1\ndescription').replace('sizeGiB: 20', 'sizeGiB: 30');
const BREAK = (text: string) => text.replace('platform: linux\n', 'platform: linux\nbogus: 1\n');
const BOGUS_FINDING = /^ {2}6:1 {2}error {2}Unknown property 'bogus' in the document root; .* RB1002$/m;

beforeEach(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'bakery-hook-'));
  shims = mkdtempSync(path.join(tmpdir(), 'bakery-hook-shims-'));
  git(['init', '-q', '-b', 'main']);
  mkdirSync(path.join(repo, '.githooks'));
  copyFileSync(path.join(ROOT, '.githooks/pre-commit'), path.join(repo, '.githooks/pre-commit'));
  chmodSync(path.join(repo, '.githooks/pre-commit'), 0o755);
  mkdirSync(path.join(repo, 'tools/scripts'), { recursive: true });
  // A link, so the script finds the CLI of this checkout next to its real location.
  symlinkSync(path.join(ROOT, 'tools/scripts/pre-commit.mjs'), path.join(repo, 'tools/scripts/pre-commit.mjs'));
  cpSync(RECIPE_FIXTURE, path.join(repo, 'recipes/al2023-base'), { recursive: true });
  writeFileSync(path.join(repo, 'README.md'), '# recipes\n');
  git(['add', '-A']);
  expect(git(['commit', '-q', '-m', 'initial']).status).toBe(0);
  git(['config', 'core.hooksPath', '.githooks']);
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(shims, { recursive: true, force: true });
});

describe('pre-commit hook (e2e, real git in a temporary repository)', () => {
  it('blocks a commit whose staged recipe has an error and prints the finding at its repository path', () => {
    // Prepare
    edit(RECIPE, (text) => BREAK(BUMP(text)));
    git(['add', RECIPE]);
    const before = head();

    // Act
    const commit = git(['commit', '-q', '-m', 'broken']);

    // Assess
    expect(commit.status).toBe(1);
    expect(commit.stderr).toMatch(/^recipes\/al2023-base\/recipe\.yaml$/m);
    expect(commit.stderr).toMatch(BOGUS_FINDING);
    expect(commit.stderr).toMatch(/^ +6 \| bogus: 1$/m);
    expect(commit.stderr).toContain(
      'bakery pre-commit: the staged content of recipes/al2023-base has errors (above). Fix them and `git add` the fix, or commit with --no-verify to skip this check.\n',
    );
    expect(commit.stderr).not.toContain(tmpdir());
    expect(head()).toBe(before);
  });

  it('checks the staged content, not the working tree: a staged good recipe passes despite an unstaged bad edit', () => {
    // Prepare
    edit(RECIPE, BUMP);
    git(['add', RECIPE]);
    const staged = readFileSync(path.join(repo, RECIPE), 'utf8');
    edit(RECIPE, BREAK);

    // Act
    const commit = git(['commit', '-q', '-m', 'bump']);

    // Assess
    expect(commit.stdout).toBe('');
    expect(commit.stderr).toBe('No problems in 2 files.\n');
    expect(commit.status).toBe(0);
    expect(git(['show', `HEAD:${RECIPE}`]).stdout).toBe(staged);
  });

  it('checks the staged content, not the working tree: an unstaged fix does not let a staged error through', () => {
    // Prepare
    edit(RECIPE, (text) => BREAK(BUMP(text)));
    git(['add', RECIPE]);
    writeFileSync(path.join(repo, RECIPE), BUMP(readFileSync(path.join(RECIPE_FIXTURE, 'recipe.yaml'), 'utf8')));

    // Act
    const commit = git(['commit', '-q', '-m', 'broken']);

    // Assess
    expect(commit.status).toBe(1);
    expect(commit.stderr).toMatch(BOGUS_FINDING);
  });

  it('validates a staged component through its recipe, and the version gate compares it with the git base', () => {
    // Prepare
    edit(RECIPE, BUMP);
    edit(COMPONENT, (text) => text.replace('name: build', 'name: bild'));
    git(['add', RECIPE, COMPONENT]);

    // Act
    const commit = git(['commit', '-q', '-m', 'component']);

    // Assess
    expect(commit.status).toBe(1);
    expect(commit.stderr).toMatch(/^recipes\/al2023-base\/components\/cleanup\.yaml$/m);
    expect(commit.stderr).toMatch(
      /^ {2}4:1 {2}error {2}Image Builder runs only the build, validate and test phases, and it has only 'bild'.* RB2010$/m,
    );
    expect(commit.stderr).toMatch(
      /^ {2}13:14 {2}error {2}Component components\/cleanup\.yaml changed since merge-base\(HEAD, main\) but its version is still 1\.0\.0; .* RB4001$/m,
    );
  });

  it('checks what `git commit <path>` commits (the working file, through the temporary index git hands the hook)', () => {
    // Prepare
    edit(RECIPE, (text) => BREAK(BUMP(text)));

    // Act
    const commit = git(['commit', '-q', '-m', 'partial', '--', RECIPE]);

    // Assess
    expect(commit.status).toBe(1);
    expect(commit.stderr).toMatch(BOGUS_FINDING);
  });

  it('runs the CLI sources through tsx when the checkout has no prebuilt launcher', () => {
    // Prepare: a checkout whose packages/cli holds only src/ (no bin/bakery.mjs), with the hook script copied in.
    const checkout = path.join(shims, 'checkout');
    mkdirSync(path.join(checkout, 'tools/scripts'), { recursive: true });
    mkdirSync(path.join(checkout, 'packages/cli'), { recursive: true });
    copyFileSync(path.join(ROOT, 'tools/scripts/pre-commit.mjs'), path.join(checkout, 'tools/scripts/pre-commit.mjs'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
    symlinkSync(path.join(ROOT, 'packages/cli/src'), path.join(checkout, 'packages/cli/src'));
    rmSync(path.join(repo, 'tools/scripts/pre-commit.mjs'));
    symlinkSync(path.join(checkout, 'tools/scripts/pre-commit.mjs'), path.join(repo, 'tools/scripts/pre-commit.mjs'));
    edit(RECIPE, (text) => BREAK(BUMP(text)));
    git(['add', RECIPE]);

    // Act
    const commit = git(['commit', '-q', '-m', 'broken']);

    // Assess
    expect(commit.status).toBe(1);
    expect(commit.stderr).toMatch(BOGUS_FINDING);
    expect(existsSync(path.join(checkout, 'packages/cli/bin'))).toBe(false);
  });

  it('says in one line to run pnpm install when the checkout has no node_modules (a new worktree, a copy), with no stack trace', () => {
    // Prepare: a checkout with the hook script and the CLI launcher and sources, but no dependencies
    const checkout = path.join(shims, 'bare-checkout');
    mkdirSync(path.join(checkout, 'tools/scripts'), { recursive: true });
    cpSync(path.join(ROOT, 'packages/cli/bin'), path.join(checkout, 'packages/cli/bin'), { recursive: true });
    symlinkSync(path.join(ROOT, 'packages/cli/src'), path.join(checkout, 'packages/cli/src'));
    copyFileSync(path.join(ROOT, 'tools/scripts/pre-commit.mjs'), path.join(checkout, 'tools/scripts/pre-commit.mjs'));
    rmSync(path.join(repo, 'tools/scripts/pre-commit.mjs'));
    symlinkSync(path.join(checkout, 'tools/scripts/pre-commit.mjs'), path.join(repo, 'tools/scripts/pre-commit.mjs'));
    edit(RECIPE, BUMP);
    git(['add', RECIPE]);
    const before = head();

    // Act
    const commit = git(['commit', '-q', '-m', 'bump']);

    // Assess
    expect(commit.status).toBe(1);
    expect(commit.stderr).toBe(
      `bakery pre-commit: ${checkout} has no installed dependencies (node_modules), so the staged recipes cannot be validated; run \`pnpm install\` there, or commit with --no-verify.\n`,
    );
    expect(head()).toBe(before);
  });

  it("does not depend on the caller's environment: BAKERY_BASE, NX_BASE and CI set in the shell change nothing", () => {
    // Prepare: a base that does not exist, and CI=true, as a developer's shell might carry
    edit(RECIPE, BUMP);
    git(['add', RECIPE]);
    const saved = { BAKERY_BASE: process.env.BAKERY_BASE, NX_BASE: process.env.NX_BASE, CI: process.env.CI };
    Object.assign(process.env, { BAKERY_BASE: 'no-such-ref', NX_BASE: 'no-such-ref', CI: 'true' });
    let commit: SpawnSyncReturns<string>;
    try {
      // Act
      commit = git(['commit', '-q', '-m', 'bump']);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }

    // Assess
    expect({ status: commit.status, stderr: commit.stderr }).toEqual({ status: 0, stderr: 'No problems in 2 files.\n' });
  });

  it('passes a commit that touches no recipe without starting Node', () => {
    // Prepare: a `node` that leaves a mark and fails, first on PATH.
    const marker = path.join(shims, 'node-was-started');
    writeFileSync(path.join(shims, 'node'), `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(path.join(shims, 'node'), 0o755);
    appendFileSync(path.join(repo, 'README.md'), 'more\n');
    git(['add', 'README.md']);
    const before = head();

    // Act
    const commit = git(['commit', '-q', '-m', 'readme'], cleanEnv({ PATH: `${shims}${path.delimiter}${process.env.PATH}` }));

    // Assess
    expect({ status: commit.status, stdout: commit.stdout, stderr: commit.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(existsSync(marker)).toBe(false);
    expect(git(['show', '--name-only', '--format=', 'HEAD']).stdout).toBe('README.md\n');
    expect(head()).not.toBe(before);
  });

  it('passes a commit that deletes a whole recipe: nothing is left to validate', () => {
    // Prepare
    git(['rm', '-q', '-r', 'recipes/al2023-base']);

    // Act
    const commit = git(['commit', '-q', '-m', 'remove al2023-base']);

    // Assess
    expect({ status: commit.status, stdout: commit.stdout, stderr: commit.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(git(['show', '--name-only', '--format=', 'HEAD']).stdout).toBe(`${COMPONENT}\n${RECIPE}\n`);
  });
});
