/**
 * The few git questions the bundler asks. Every call goes through a `GitRunner` so tests and
 * callers can inject one; the default runs the `git` binary with execa (no shell, so refs and
 * paths are never interpreted by one).
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';

export interface GitResult {
  ok: boolean;
  stdout: string;
}

/** Runs `git <args>` in `cwd`. Must not throw: a missing binary or a failing command gives `ok: false`. */
export type GitRunner = (args: readonly string[], cwd: string) => GitResult;

export const runGit: GitRunner = (args, cwd) => {
  const result = execaSync('git', [...args], {
    cwd,
    reject: false,
    // File contents are compared byte for byte; keep the final newline.
    stripFinalNewline: false,
    // A user's pager or terminal prompt must never block a bundle.
    env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
  });
  return { ok: result.exitCode === 0 && !result.failed, stdout: typeof result.stdout === 'string' ? result.stdout : '' };
};

/** The commit checked out in `cwd`, or null outside a git work tree. */
export function readSourceCommit(cwd: string, git: GitRunner = runGit): string | null {
  const result = git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], cwd);
  const sha = result.stdout.trim();
  return result.ok && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
}

/** Absolute, symlink-resolved root of the work tree containing `cwd`, if any. */
export function repoRoot(cwd: string, git: GitRunner = runGit): string | undefined {
  const result = git(['rev-parse', '--show-toplevel'], cwd);
  const top = result.stdout.trim();
  if (!result.ok || top === '') return undefined;
  return realpathOr(top);
}

/** `<ref>` resolved to a commit id, or undefined when git does not know it. */
export function resolveCommit(ref: string, cwd: string, git: GitRunner = runGit): string | undefined {
  // A ref starting with '-' would be read as an option.
  if (ref.startsWith('-')) return undefined;
  const result = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  const sha = result.stdout.trim();
  return result.ok && sha !== '' ? sha : undefined;
}

export interface BaseRef {
  /** The ref as the user knows it (for messages). */
  ref: string;
  commit: string;
}

export type BaseResolution = { ok: true; base: BaseRef } | { ok: false; reason: string };

/**
 * The git base a change is compared with: the given ref, else `BAKERY_BASE`, else `NX_BASE`
 * (what `nx affected` compares with), else the merge-base of HEAD with `origin/main` or `main`.
 */
export function resolveBase(cwd: string, options: { base?: string; env?: NodeJS.ProcessEnv; git?: GitRunner } = {}): BaseResolution {
  const git = options.git ?? runGit;
  const env = options.env ?? process.env;
  if (repoRoot(cwd, git) === undefined) return { ok: false, reason: `${cwd} is not inside a git work tree (or git is not installed)` };
  const explicit = nonEmpty(options.base) ?? nonEmpty(env.BAKERY_BASE) ?? nonEmpty(env.NX_BASE);
  if (explicit !== undefined) {
    const commit = resolveCommit(explicit, cwd, git);
    return commit ? { ok: true, base: { ref: explicit, commit } } : { ok: false, reason: `git does not know the base ref "${explicit}"` };
  }
  for (const candidate of ['origin/main', 'main']) {
    if (!resolveCommit(candidate, cwd, git)) continue;
    const result = git(['merge-base', 'HEAD', candidate], cwd);
    const commit = result.stdout.trim();
    if (result.ok && commit !== '') return { ok: true, base: { ref: `merge-base(HEAD, ${candidate})`, commit } };
  }
  return { ok: false, reason: 'no base given (BAKERY_BASE, NX_BASE) and neither origin/main nor main has a merge-base with HEAD' };
}

/** Text of `absolutePath` as committed in `commit`; undefined when the file is not in that commit. */
export function showFileAt(commit: string, absolutePath: string, git: GitRunner = runGit): string | undefined {
  const dir = path.dirname(absolutePath);
  const root = repoRoot(dir, git);
  if (root === undefined) return undefined;
  const relative = path.relative(root, realpathOr(absolutePath)).split(path.sep).join('/');
  if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) return undefined;
  const result = git(['show', `${commit}:${relative}`], root);
  return result.ok ? result.stdout : undefined;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // A file deleted in the work tree still has a committed version: resolve its folder instead.
    try {
      return path.join(realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return path.resolve(p);
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
