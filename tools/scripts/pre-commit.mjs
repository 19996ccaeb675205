#!/usr/bin/env node
// The pre-commit check behind .githooks/pre-commit: validates what is about to be committed, the
// staged (index) content of every recipe the commit touches, never the working tree, so an unstaged
// fix cannot hide a broken commit and an unstaged experiment cannot block a good one.
//
// Each touched recipe folder is exported from the index into a temporary folder with the same
// `recipes/<name>/` layout, and `bakery validate` runs in-process with that folder as its working
// directory, so findings carry repository paths. GIT_DIR / GIT_WORK_TREE point git at this
// repository from there, so the version gate still compares with the git base.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RECIPE_PATH = /^recipes\/([^/]+)\/./;
const here = path.dirname(fileURLToPath(import.meta.url));
// The checkout this script lives in holds the CLI; the repository being committed may be another.
const checkout = path.resolve(here, '../..');
const launcher = path.join(checkout, 'packages/cli/bin/bakery.mjs');
const cliMain = path.join(checkout, 'packages/cli/src/main.ts');

/** The one line a checkout without its dependencies gets (a new worktree, a copy): never a stack trace. */
function notInstalled() {
  process.stderr.write(
    `bakery pre-commit: ${checkout} has no installed dependencies (node_modules), so the staged recipes cannot be validated; run \`pnpm install\` there, or commit with --no-verify.\n`,
  );
  return 1;
}

function isMissingModule(error) {
  const code = error && typeof error === 'object' ? error.code : undefined;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

function git(args, input) {
  return execFileSync('git', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
}

function nulList(text) {
  return text.split('\0').filter((entry) => entry !== '');
}

/** Names of the recipes with a staged change, renames counted on both sides. */
function touchedRecipes() {
  const paths = nulList(git(['diff', '--cached', '--name-only', '-z', '--no-renames', '--', 'recipes/']));
  return [...new Set(paths.map((p) => RECIPE_PATH.exec(p)?.[1]).filter((name) => name !== undefined))].sort();
}

/** Runs `bakery validate` in this process and returns its exit code. */
async function validate(folders, cwd) {
  const argv = ['validate', ...folders];
  if (existsSync(launcher)) {
    // The launcher runs the prebuilt CLI bundle (no TypeScript loader), which reads its arguments
    // and working directory from the process.
    process.chdir(cwd);
    process.argv = [process.execPath, launcher, ...argv];
    process.exitCode = undefined;
    await import(pathToFileURL(launcher).href);
    return process.exitCode ?? 0;
  }
  // No prebuilt CLI in this checkout: load its TypeScript sources through tsx (slower to start).
  (await import('tsx/esm/api')).register();
  const { main } = await import(pathToFileURL(cliMain).href);
  return main(argv, { stdout: process.stdout, stderr: process.stderr, cwd, env: process.env });
}

async function run() {
  const names = touchedRecipes();
  if (names.length === 0) return 0;
  if (!existsSync(path.join(checkout, 'node_modules'))) return notInstalled();

  const top = git(['rev-parse', '--show-toplevel']).trim();
  const gitDir = git(['rev-parse', '--absolute-git-dir']).trim();
  const files = nulList(git(['ls-files', '-z', '--', ...names.map((name) => `recipes/${name}/`)]));
  // A recipe whose folder the commit deletes has nothing left to validate.
  const folders = names.filter((name) => files.some((file) => file.startsWith(`recipes/${name}/`))).map((name) => `recipes/${name}`);
  if (folders.length === 0) return 0;

  const staging = realpathSync(mkdtempSync(path.join(tmpdir(), 'bakery-pre-commit-')));
  try {
    git(['checkout-index', '-z', '--stdin', `--prefix=${staging}/`], files.map((file) => `${file}\0`).join(''));
    // During `git commit -a` or `git commit <paths>` git hands the hook a temporary index, possibly
    // as a path relative to the top level; it must survive the change of directory.
    if (process.env.GIT_INDEX_FILE) process.env.GIT_INDEX_FILE = path.resolve(top, process.env.GIT_INDEX_FILE);
    process.env.GIT_DIR = gitDir;
    process.env.GIT_WORK_TREE = staging;
    // With the export as work tree, a status-like command must not refresh (write) the real index.
    process.env.GIT_OPTIONAL_LOCKS = '0';
    const code = await validate(folders, staging);
    if (code === 1) {
      process.stderr.write(
        `\nbakery pre-commit: the staged content of ${folders.join(', ')} has errors (above). ` +
          'Fix them and `git add` the fix, or commit with --no-verify to skip this check.\n',
      );
    } else if (code !== 0) {
      process.stderr.write(
        `\nbakery pre-commit: bakery validate exited ${code}; the commit is stopped. Run \`pnpm bakery validate ${folders.join(' ')}\` to see why.\n`,
      );
    }
    return code;
  } finally {
    process.chdir(top);
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await run();
} catch (error) {
  if (isMissingModule(error)) process.exitCode = notInstalled();
  else {
    const detail = process.env.BAKERY_DEBUG
      ? error instanceof Error
        ? error.stack
        : String(error)
      : error instanceof Error
        ? error.message.split('\n')[0]
        : String(error);
    process.stderr.write(
      `bakery pre-commit: could not validate the staged recipes (${detail}); commit with --no-verify to skip this check.\n`,
    );
    process.exitCode = 1;
  }
}
