/**
 * cfn-lint's `--format json` output → findings. Pure: no process, no file system except through
 * `readSource` when source links are given.
 */
import path from 'node:path';
import { displayPath, type Finding, type Range, type RuleMeta, type Severity } from '@ami-bakery/recipe-schema';
import { mapToSource, type ReadSource, type SourceLink } from '@ami-bakery/template-checks';
import { CFN_LINT_RULES } from './rules.js';

export interface MapOptions {
  /** Folder cfn-lint ran in: its `Filename`s are relative to it, and findings are displayed relative to it. */
  cwd: string;
  /** Templates as passed to cfn-lint; the first one carries findings that name no file. */
  templates: readonly string[];
  /** Source links per template file (any path form that resolves against `cwd`). */
  links?: ReadonlyMap<string, readonly SourceLink[]>;
  readSource?: ReadSource;
}

/** First characters of bad output quoted in an RB5093 finding. */
const QUOTE_LENGTH = 200;

/** Parse cfn-lint's stdout into findings; output that is not the promised JSON becomes RB5093. */
export function mapCfnLintOutput(stdout: string, options: MapOptions): Finding[] {
  let matches: unknown;
  try {
    matches = JSON.parse(stdout);
  } catch {
    return [toolFinding(CFN_LINT_RULES.badOutput, `cfn-lint printed something that is not JSON: ${quote(stdout)}. Check that nothing in .cfnlintrc overrides the output format or file, and that the cfn-lint on PATH is the Python cfn-lint.`, options)];
  }
  if (!Array.isArray(matches)) {
    return [toolFinding(CFN_LINT_RULES.badOutput, `cfn-lint printed JSON that is not a list of matches: ${quote(stdout)}. Check the cfn-lint version (1.x expected).`, options)];
  }
  const links = normalizeLinks(options);
  const findings: Finding[] = [];
  for (const match of matches) {
    const finding = toFinding(match, options);
    if (finding === undefined) {
      findings.push(toolFinding(CFN_LINT_RULES.badOutput, `cfn-lint reported a match this tool cannot read: ${quote(JSON.stringify(match) ?? String(match))}. Check the cfn-lint version (1.x expected).`, options));
      continue;
    }
    const fileLinks = links.get(path.resolve(options.cwd, finding.file));
    findings.push(fileLinks && options.readSource ? mapToSource(finding, fileLinks, options.readSource) : finding);
  }
  return findings;
}

/** A finding about cfn-lint itself, placed at the top of the first template. */
export function toolFinding(rule: RuleMeta, message: string, options: Pick<MapOptions, 'cwd' | 'templates'>): Finding {
  const first = options.templates[0];
  return {
    ruleId: rule.id,
    slug: rule.slug,
    severity: rule.severity,
    message,
    file: first === undefined ? '.' : displayPath(options.cwd, path.resolve(options.cwd, first)),
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
    path: [],
    source: 'bakery',
  };
}

interface Match {
  Filename?: unknown;
  Level?: unknown;
  Location?: { Start?: { LineNumber?: unknown; ColumnNumber?: unknown }; End?: { LineNumber?: unknown; ColumnNumber?: unknown }; Path?: unknown };
  Message?: unknown;
  Rule?: { Id?: unknown; ShortDescription?: unknown };
}

function toFinding(raw: unknown, options: MapOptions): Finding | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const match = raw as Match;
  const ruleId = match.Rule?.Id;
  if (typeof ruleId !== 'string' || ruleId === '') return undefined;
  // cfn-lint reports some configuration errors (E0003: a file glob that matched nothing) with no file.
  const filename = typeof match.Filename === 'string' && match.Filename !== '' ? match.Filename : options.templates[0];
  return {
    ruleId,
    slug: slugOf(match.Rule?.ShortDescription, ruleId),
    severity: severityOf(match.Level, ruleId),
    message: typeof match.Message === 'string' && match.Message !== '' ? match.Message : `${ruleId} (no message from cfn-lint)`,
    file: filename === undefined ? '.' : displayPath(options.cwd, path.resolve(options.cwd, filename)),
    range: rangeOf(match.Location),
    path: pathOf(match.Location?.Path),
    source: 'cfn-lint',
  };
}

function severityOf(level: unknown, ruleId: string): Severity {
  if (level === 'Error') return 'error';
  if (level === 'Warning') return 'warning';
  if (level === 'Informational') return 'info';
  // cfn-lint's ids carry the severity in their first letter when the level is missing.
  return ruleId.startsWith('E') ? 'error' : ruleId.startsWith('I') ? 'info' : 'warning';
}

function slugOf(shortDescription: unknown, ruleId: string): string {
  const slug = typeof shortDescription === 'string' ? shortDescription.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') : '';
  return slug === '' ? ruleId.toLowerCase() : slug;
}

/** cfn-lint's positions are 1-based with an exclusive end column: the same convention as ours. */
function rangeOf(location: Match['Location']): Range {
  const start = { line: positive(location?.Start?.LineNumber), column: positive(location?.Start?.ColumnNumber) };
  let end = { line: positive(location?.End?.LineNumber), column: positive(location?.End?.ColumnNumber) };
  if (end.line < start.line || (end.line === start.line && end.column <= start.column)) end = { line: start.line, column: start.column + 1 };
  return { start, end };
}

function positive(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
}

function pathOf(value: unknown): Array<string | number> {
  if (!Array.isArray(value)) return [];
  return value.filter((segment): segment is string | number => typeof segment === 'string' || typeof segment === 'number');
}

function normalizeLinks(options: MapOptions): Map<string, readonly SourceLink[]> {
  const out = new Map<string, readonly SourceLink[]>();
  for (const [file, links] of options.links ?? []) out.set(path.resolve(options.cwd, file), links);
  return out;
}

function quote(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '(nothing)';
  return JSON.stringify(trimmed.length > QUOTE_LENGTH ? `${trimmed.slice(0, QUOTE_LENGTH)}...` : trimmed);
}
