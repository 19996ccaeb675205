/**
 * The security invariants (@ami-bakery/invariants, the same `.guard` rule set the deployer and the
 * bakery account's Guard hook run) in `bakery validate`, `lint` and `build`: every recipe is
 * bundled in memory, the rule set runs on its template, and each violation is shown at the recipe
 * or component line its value came from (the bundler's source links). Invariant findings can never
 * be suppressed; neither can the recipe rules an invariant backs (RB3003, RB3004, RB3006); and a
 * suppression that names either is itself an error (RB6000) at that suppression.
 */
import { createGuardEngine, type GuardEngine, INVARIANTS, RECIPE_RULES_BACKED_BY_INVARIANTS, type Violation } from '@ami-bakery/invariants';
import type { BundleResult } from '@ami-bakery/recipe-bundler';
import { ENGINE_RULES, type Finding, type JsonPath, parseYaml, type RuleMeta, rangeOf, registerRuleMeta } from '@ami-bakery/recipe-schema';
import { mapToSource, parseTemplateText, type ReadSource, readSourceFrom, templateRangeOf } from '@ami-bakery/template-checks';

/** A suppression naming an invariant, or a recipe rule an invariant backs. */
export const INVARIANT_SUPPRESSION: RuleMeta = {
  id: 'RB6000',
  slug: 'invariant-not-suppressible',
  severity: 'error',
  description:
    'No suppression names a security invariant (RB6001-RB6010) or a recipe rule one backs (RB3003, RB3004, RB3006): they cannot be switched off.',
};

/** The invariants as rules: id, slug, severity error, what always holds. */
export const INVARIANT_RULES: readonly RuleMeta[] = INVARIANTS.map((invariant) => ({
  id: invariant.id,
  slug: invariant.slug,
  severity: 'error' as const,
  description: invariant.description,
}));

registerRuleMeta(INVARIANT_SUPPRESSION, ...INVARIANT_RULES);

/** Whether a rule id may never be suppressed: an invariant, or a recipe rule an invariant backs. */
export function isUnsuppressible(ruleId: string): boolean {
  return /^RB6\d{3}$/.test(ruleId) || RECIPE_RULES_BACKED_BY_INVARIANTS.has(ruleId);
}

let shared: GuardEngine | undefined;

/** One engine per process; `BAKERY_CFN_GUARD` in the command's environment names another cfn-guard binary. */
function engine(env: Readonly<Record<string, string | undefined>>): GuardEngine {
  const binary = env.BAKERY_CFN_GUARD;
  if (binary) return createGuardEngine({ backend: 'binary', binary });
  shared ??= createGuardEngine();
  return shared;
}

function violationFinding(
  violation: Violation,
  display: string,
  locate: () => ReturnType<typeof parseTemplateText>['parsed'] | undefined,
): Finding {
  return {
    ruleId: violation.ruleId,
    slug: violation.slug,
    severity: 'error',
    message: `${violation.message} (security invariant: no suppression switches it off; the deployer and the Guard hook refuse it too)`,
    file: display,
    range: templateRangeOf(locate(), violation.path),
    path: violation.path,
    source: 'bakery',
  };
}

export interface InvariantTemplate {
  /** The bundle result of one recipe (only `ok` results with a template are checked). */
  result: BundleResult;
  /** Where the generated template is shown (its place in the bundle folder). */
  display: string;
}

/**
 * The invariant findings of bundled recipes, at the recipe or component line each value came from
 * (the template line when no source link covers it). One Guard engine run for all of them. When
 * the engine cannot run, one RB0002 error per recipe: a template nobody checked is refused.
 */
export async function invariantFindings(
  templates: readonly InvariantTemplate[],
  cwd: string,
  options: { engine?: GuardEngine; readSource?: ReadSource; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<Finding[]> {
  const checked = templates.filter(({ result }) => result.ok && result.template !== undefined);
  if (checked.length === 0) return [];
  const readSource = options.readSource ?? readSourceFrom(cwd);
  let byName: Map<string, Violation[]>;
  try {
    byName = await (options.engine ?? engine(options.env ?? {})).check(
      checked.map(({ result }) => ({ name: result.name, template: result.template })),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return checked.map(({ display }) => ({
      ruleId: ENGINE_RULES.ruleFailed.id,
      slug: ENGINE_RULES.ruleFailed.slug,
      severity: 'error' as const,
      message: `The security invariants could not be checked (${reason}); the template is refused until they can. Install the dependencies (pnpm install), or set BAKERY_CFN_GUARD to a cfn-guard 3 binary.`,
      file: display,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
      path: [],
      source: 'bakery' as const,
    }));
  }
  return checked.flatMap(({ result, display }) => {
    let parsed: ReturnType<typeof parseTemplateText>['parsed'] | undefined;
    const locate = () =>
      (parsed ??= result.templateText === undefined ? undefined : parseTemplateText(result.templateText, display).parsed);
    return (byName.get(result.name) ?? []).map((violation) =>
      mapToSource(violationFinding(violation, display, locate), result.links, readSource),
    );
  });
}

function suppressionEntries(parsed: ReturnType<typeof parseYaml>['parsed']): { index: number; id: string }[] {
  const data = parsed.data as { suppressions?: unknown } | undefined;
  const list = Array.isArray(data?.suppressions) ? data.suppressions : [];
  return list.flatMap((entry, index) => {
    const id = (entry as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? [{ index, id }] : [];
  });
}

/**
 * Findings of one recipe with the invariants enforced: findings of unsuppressible rules lose any
 * suppression; each suppression naming one becomes an RB6000 error at its `id` (and no longer
 * counts as an unused suppression).
 */
export function enforceUnsuppressible(findings: readonly Finding[], recipeFile: string, recipeText: string | undefined): Finding[] {
  const kept = findings.map((finding) => {
    if (!finding.suppressed || !isUnsuppressible(finding.ruleId)) return finding;
    const { suppressed: _, ...rest } = finding;
    return rest;
  });
  if (recipeText === undefined) return kept;
  const parsed = parseYaml(recipeText, recipeFile).parsed;
  const named = suppressionEntries(parsed).filter(({ id }) => isUnsuppressible(id));
  if (named.length === 0) return kept;
  const flagged = new Set(named.map(({ index }) => index));
  const unusedOfFlagged = (finding: Finding): boolean =>
    finding.ruleId === ENGINE_RULES.unusedSuppression.id &&
    finding.file === recipeFile &&
    finding.path[0] === 'suppressions' &&
    flagged.has(Number(finding.path[1]));
  const errors: Finding[] = named.map(({ index, id }) => {
    const path: JsonPath = ['suppressions', index, 'id'];
    const backs = RECIPE_RULES_BACKED_BY_INVARIANTS.get(id);
    const what = backs ? `${id} is backed by the security invariant ${backs.id} (${backs.slug})` : `${id} is a security invariant`;
    return {
      ruleId: INVARIANT_SUPPRESSION.id,
      slug: INVARIANT_SUPPRESSION.slug,
      severity: 'error',
      message: `${what}, which no suppression switches off; remove this suppression and fix the recipe instead.`,
      file: recipeFile,
      range: rangeOf(parsed, path),
      path,
      source: 'bakery',
    };
  });
  return [...kept.filter((finding) => !unusedOfFlagged(finding)), ...errors];
}
