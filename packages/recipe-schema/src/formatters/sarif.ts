/**
 * SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. The driver lists every known rule
 * (not only those that fired) so a viewer can tell "ran and found nothing" from "unknown rule".
 */
import { pathToFileURL } from 'node:url';
import type { Finding, RuleMeta, Severity } from '../types.js';
import { ordered, ruleFor, ruleTable } from './shared.js';
import type { Formatter } from './types.js';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export const sarif: Formatter = (findings, options = {}) => {
  const sorted = ordered(findings);
  const table = ruleTable(options);
  for (const finding of sorted) if (!table.has(finding.ruleId)) table.set(finding.ruleId, ruleFor(finding, table));
  const rules = [...table.values()].sort((a, b) => a.id.localeCompare(b.id));
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bakery',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            rules: rules.map(descriptor),
          },
        },
        // Positions come from JavaScript strings, which count UTF-16 code units.
        columnKind: 'utf16CodeUnits',
        results: sorted.map((finding) => result(finding, index.get(finding.ruleId) ?? -1)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

function descriptor(rule: RuleMeta) {
  return {
    id: rule.id,
    name: rule.slug,
    shortDescription: { text: rule.description },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

function result(finding: Finding, ruleIndex: number) {
  const { start, end } = finding.range;
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(finding.file) },
          region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
        },
      },
    ],
    ...(finding.suppressed ? { suppressions: [{ kind: 'inSource', justification: finding.suppressed.reason }] } : {}),
  };
}

/** Relative paths stay relative (to the run's working folder); absolute ones become file URLs. */
function toUri(file: string): string {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return pathToFileURL(file).href;
  return file.split('/').map(encodeURIComponent).join('/');
}
