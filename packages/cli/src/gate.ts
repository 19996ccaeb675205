/**
 * The version gate as the commands run it: one git base for the whole run, resolved once, and
 * one cached git runner, so a hundred recipes do not start a hundred times as many git processes.
 */
import { checkVersions, type GitRunner, resolveBase } from '@ami-bakery/recipe-bundler';
import type { Finding } from '@ami-bakery/recipe-schema';
import type { OptionSpec } from './command.js';
import { UsageError } from './errors.js';
import { cachingGit } from './git-cache.js';
import type { Io } from './io.js';

export const BASE_OPTION = {
  type: 'string',
  valueName: 'REF',
  description:
    'Git ref the version gate compares with (default BAKERY_BASE, NX_BASE, else the merge-base of HEAD with origin/main or main).',
} as const satisfies OptionSpec;

export interface Gate {
  git: GitRunner;
  check(recipeDir: string): Finding[];
  /** Why the gate cannot run from the working folder (no work tree, no base); undefined when it can. */
  skipReason(): string | undefined;
}

/**
 * A gate for this run. An explicit `--base` git does not know is a usage error; outside a git
 * work tree the gate reports RB4003 (info) per recipe and passes.
 */
export function versionGate(base: string | undefined, io: Io): Gate {
  const git = cachingGit(undefined, io.env);
  if (base !== undefined) {
    if (base.trim() === '') throw new UsageError('--base needs a git ref');
    const resolved = resolveBase(io.cwd, { base, env: io.env, git });
    if (!resolved.ok && !/not inside a git work tree/.test(resolved.reason)) throw new UsageError(`${resolved.reason}; check --base`);
  }
  return {
    git,
    check: (recipeDir) => checkVersions(recipeDir, { base, cwd: io.cwd, env: io.env, git }),
    skipReason: () => {
      const resolved = resolveBase(io.cwd, { base, env: io.env, git });
      return resolved.ok ? undefined : resolved.reason;
    },
  };
}
