/**
 * Runs rules and turns their hits into located findings. A rule that throws becomes an RB0002
 * finding and the run goes on (as in cdk-nag and cfn-lint).
 */
import { type ParsedYaml, rangeOf } from './location.js';
import type { Rule } from './rule.js';
import { ENGINE_RULES } from './rules/meta.js';
import type { SchemaHit } from './schema-validator.js';
import type { Finding, JsonPath, RuleHit, RuleMeta } from './types.js';

export function hitToFinding(rule: RuleMeta, hit: RuleHit, parsed: ParsedYaml): Finding {
  return {
    ruleId: rule.id,
    slug: rule.slug,
    severity: rule.severity,
    message: hit.message,
    file: parsed.file,
    range: rangeOf(parsed, hit.path, hit.at, hit.find),
    path: hit.path,
    source: 'bakery',
  };
}

export function schemaHitsToFindings(hits: SchemaHit[], parsed: ParsedYaml): Finding[] {
  return hits.map((hit) => hitToFinding(hit.rule, hit, parsed));
}

/**
 * Run `rules` on one document. Hits at or under a path in `skip` (a part the schema already
 * rejected) are dropped, and a hit repeated at the same place with the same message counts once:
 * one defect, one finding.
 */
export function runRules<C>(
  rules: ReadonlyArray<Rule & { check(ctx: C): RuleHit[] }>,
  ctx: C,
  parsed: ParsedYaml,
  skip: readonly JsonPath[] = [],
): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    let hits: RuleHit[];
    try {
      hits = rule.check(ctx);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      findings.push(
        hitToFinding(
          ENGINE_RULES.ruleFailed,
          {
            path: [],
            message: `Rule ${rule.id} (${rule.slug}) failed on this file: ${reason}. Please report it; the other rules still ran.`,
          },
          parsed,
        ),
      );
      continue;
    }
    for (const hit of hits) {
      if (!(rule as { supersedesSchema?: boolean }).supersedesSchema && skip.some((p) => isWithin(hit.path, p))) continue;
      const finding = hitToFinding(rule, hit, parsed);
      const key = [finding.ruleId, finding.range.start.line, finding.range.start.column, finding.message].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings;
}

/** Whether `path` is `ancestor` or lies under it. */
export function isWithin(path: JsonPath, ancestor: JsonPath): boolean {
  return ancestor.length <= path.length && ancestor.every((segment, i) => String(path[i]) === String(segment));
}

/** Paths the schema rejected as a whole; rules do not look there again. */
export function failedSubtrees(hits: readonly SchemaHit[]): JsonPath[] {
  return hits.flatMap((hit) => (hit.subtree ? [hit.subtree] : []));
}

/**
 * Schema findings without those a superseding rule explains better at the same path (see
 * ComponentRule.supersedesSchema): one defect, one finding.
 */
export function withoutSuperseded(
  schemaFindings: Finding[],
  ruleFindings: readonly Finding[],
  superseding: ReadonlySet<string>,
): Finding[] {
  const paths = new Set(ruleFindings.filter((f) => superseding.has(f.ruleId)).map((f) => f.path.join('\u0000')));
  return schemaFindings.filter((f) => !paths.has(f.path.join('\u0000')));
}

/** Stable order: file, then position, then rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.message.localeCompare(b.message),
  );
}
