/**
 * The version gate as the commands run it: one git base for the whole run, resolved once, and
 * one cached git runner, so a hundred recipes do not start a hundred times as many git processes.
 */
import { checkVersions, type GitRunner, resolveBase, VERSION_RULES } from '@ami-bakery/recipe-bundler';
import { ENGINE_RULES, type Finding, parseYaml } from '@ami-bakery/recipe-schema';
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

const GATE_RULES: ReadonlySet<string> = new Set([VERSION_RULES.notBumped.id, VERSION_RULES.decreased.id]);

/**
 * Validation reports a suppression that none of its findings matched (RB0006) without seeing the
 * gate's findings; a suppression a gate finding matched is used all the same. Drops those notices.
 */
export function withoutGateSuppressionNotices(findings: readonly Finding[], readSource: (file: string) => string | undefined): Finding[] {
  const suppressedGate = findings.filter((f) => f.suppressed && GATE_RULES.has(f.ruleId));
  if (suppressedGate.length === 0) return [...findings];
  return findings.filter((finding) => {
    if (finding.ruleId !== ENGINE_RULES.unusedSuppression.id || finding.path[0] !== 'suppressions') return true;
    const text = readSource(finding.file);
    if (text === undefined) return true;
    const entries = (parseYaml(text, finding.file).parsed.data as { suppressions?: unknown } | null)?.suppressions;
    const entry = Array.isArray(entries) ? (entries[Number(finding.path[1])] as { id?: unknown; path?: unknown } | undefined) : undefined;
    if (typeof entry?.id !== 'string') return true;
    const wanted = typeof entry.path === 'string' ? entry.path.split('.').filter(Boolean) : [];
    const used = suppressedGate.some(
      (gate) => gate.file === finding.file && gate.ruleId === entry.id && wanted.every((segment, i) => String(gate.path[i]) === segment),
    );
    return !used;
  });
}
