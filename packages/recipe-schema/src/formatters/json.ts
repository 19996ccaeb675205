/**
 * cfn-lint's JSON format (`cfn-lint --format json`), so tools that read cfn-lint output read ours:
 * a flat array, keys sorted, 4-space indent. `Suppressed` is our only addition and appears only on
 * suppressed findings.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../types.js';
import { ordered, ruleFor, ruleSource, ruleTable } from './shared.js';
import type { Formatter } from './types.js';

const LEVEL: Record<Severity, 'Error' | 'Warning' | 'Informational'> = { error: 'Error', warning: 'Warning', info: 'Informational' };

export const json: Formatter = (findings, options = {}) => {
  const rules = ruleTable(options);
  const matches = ordered(findings).map((finding) => {
    const rule = ruleFor(finding, rules);
    const match: Record<string, unknown> = {
      Filename: finding.file,
      Id: matchId(finding),
      Level: LEVEL[finding.severity],
      Location: {
        End: { ColumnNumber: finding.range.end.column, LineNumber: finding.range.end.line },
        Path: [...finding.path],
        Start: { ColumnNumber: finding.range.start.column, LineNumber: finding.range.start.line },
      },
      Message: finding.message,
      ParentId: null,
      Rule: { Description: rule.description, Id: finding.ruleId, ShortDescription: rule.slug, Source: ruleSource(finding) },
    };
    if (finding.suppressed) match.Suppressed = { Reason: finding.suppressed.reason };
    return match;
  });
  return `${JSON.stringify(matches, null, 4)}\n`;
};

/** Like cfn-lint: a UUID-shaped MD5 of what identifies the match, so re-runs give the same id. */
export function matchId(finding: Finding): string {
  const { start, end } = finding.range;
  const hex = createHash('md5')
    .update(JSON.stringify([finding.file, finding.ruleId, start.line, start.column, end.line, end.column, finding.path, finding.message]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
