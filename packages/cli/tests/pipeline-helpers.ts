/** Shared set-up of the lint / bundle / build / bump / new tests: the pipeline fixture workspace, temporary folders, git. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';
import { afterEach } from 'vitest';

export const PIPELINE = fileURLToPath(new URL('./fixtures/pipeline/', import.meta.url)).replace(/\/$/, '');
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/** A cfn-lint that does not exist: runs are deterministic whether or not cfn-lint is installed. */
export const NO_CFN_LINT = { BAKERY_CFN_LINT: '/nonexistent/cfn-lint' };
export const CFN_LINT_MISSING_NOTICE =
  "bakery: cfn-lint skipped: cfn-lint not found at '/nonexistent/cfn-lint'; install it with `pip install cfn-lint` (Python 3.9+) to run the full CloudFormation linter.\n";

export const cfnLintInstalled = execaSync('cfn-lint', ['--version'], { reject: false }).exitCode === 0;
if (!cfnLintInstalled) {
  if (process.env.CI === 'true') throw new Error('cfn-lint is not on PATH; CI (CI=true) requires it for the CLI tests.');
  console.warn('cfn-lint is not on PATH: the CLI tests that run the real cfn-lint are skipped.');
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bakery-pipeline-'));
  temps.push(dir);
  return dir;
}

/** A copy of the pipeline fixture workspace outside any git work tree. */
export function workspaceCopy(): string {
  const dir = tempDir();
  cpSync(PIPELINE, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` (posix paths, sorted) with its bytes, to compare whole folders. */
export function snapshotFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const absolute = path.join(dir, file);
    try {
      files[file.split(path.sep).join('/')] = readFileSync(absolute, 'utf8');
    } catch {
      // a folder
    }
  }
  return files;
}

/** `git` in `cwd` with a fixed identity and no user or system configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execaSync('git', args, {
    cwd,
    env: {
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  }).stdout;
}

/** A git repository on branch main holding a copy of the pipeline workspace, committed. */
export function gitWorkspace(): string {
  const dir = workspaceCopy();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'recipes');
  return dir;
}
