import { sortFindings } from '../engine.js';
import { allRules } from '../rules/index.js';
import type { Finding, RuleMeta } from '../types.js';
import type { FormatOptions } from './types.js';

/** Formatters sort themselves so their output never depends on the order findings were produced in. */
export function ordered(findings: readonly Finding[]): Finding[] {
  return sortFindings([...findings]);
}

export function ruleTable(options: FormatOptions): Map<string, RuleMeta> {
  return new Map((options.rules ?? allRules()).map((rule) => [rule.id, rule]));
}

/** Metadata for a finding's rule; rules from other tools (cfn-lint) are described from the finding itself. */
export function ruleFor(finding: Finding, table: ReadonlyMap<string, RuleMeta>): RuleMeta {
  return table.get(finding.ruleId) ?? { id: finding.ruleId, slug: finding.slug, severity: finding.severity, description: finding.slug };
}

/** Where a rule is documented, for the `Source` of the JSON format. */
export function ruleSource(finding: Finding): string {
  if (finding.source === 'cfn-lint') return 'https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md';
  return `docs/rules.md#${finding.ruleId.toLowerCase()}`;
}

/** Files in a stable order: every file with findings plus every file read. */
export function filesOf(findings: readonly Finding[], sources: ReadonlyMap<string, string> | undefined): string[] {
  return [...new Set([...findings.map((f) => f.file), ...(sources?.keys() ?? [])])].sort((a, b) => a.localeCompare(b));
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
