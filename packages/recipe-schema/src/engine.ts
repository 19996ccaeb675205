/**
 * Runs rules and turns their hits into located findings. A rule that throws becomes an RB0002
 * finding and the run goes on (as in cdk-nag and cfn-lint).
 */
import { type ParsedYaml, rangeOf } from './location.js';
import type { Rule } from './rule.js';
import { ENGINE_RULES } from './rules/meta.js';
import type { SchemaHit } from './schema-validator.js';
import type { Finding, RuleHit, RuleMeta } from './types.js';

export function hitToFinding(rule: RuleMeta, hit: RuleHit, parsed: ParsedYaml): Finding {
  return {
    ruleId: rule.id,
    slug: rule.slug,
    severity: rule.severity,
    message: hit.message,
    file: parsed.file,
    range: rangeOf(parsed, hit.path, hit.at),
    path: hit.path,
    source: 'bakery',
  };
}

export function schemaHitsToFindings(hits: SchemaHit[], parsed: ParsedYaml): Finding[] {
  return hits.map((hit) => hitToFinding(hit.rule, hit, parsed));
}

export function runRules<C>(rules: ReadonlyArray<Rule & { check(ctx: C): RuleHit[] }>, ctx: C, parsed: ParsedYaml): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    let hits: RuleHit[];
    try {
      hits = rule.check(ctx);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      findings.push(
        hitToFinding(
          ENGINE_RULES.ruleFailed,
          { path: [], message: `Rule ${rule.id} (${rule.slug}) failed on this file: ${reason}. Please report it; the other rules still ran.` },
          parsed,
        ),
      );
      continue;
    }
    for (const hit of hits) findings.push(hitToFinding(rule, hit, parsed));
  }
  return findings;
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
