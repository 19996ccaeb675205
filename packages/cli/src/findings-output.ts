/**
 * The findings output every checking command shares with `validate`: `--format`, `--output`,
 * `--report` (repeatable, format from the file name) and `--quiet`.
 */
import path from 'node:path';
import { type Finding, FORMAT_NAMES, type FormatName, formatters, isFormatName, readInputFile } from '@ami-bakery/recipe-schema';
import type { OptionSpecs } from './command.js';
import { UsageError } from './errors.js';
import { type Io, wantsColor } from './io.js';
import { cliVersion } from './version.js';
import { writeFileAtomic } from './write.js';

export const OUTPUT_OPTIONS = {
  format: { type: 'string', short: 'f', valueName: 'FORMAT', description: `Output format: ${FORMAT_NAMES.join(', ')} (default stylish).` },
  output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the output to FILE instead of stdout.' },
  report: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description: 'Also write a complete report to FILE, as SARIF (.sarif), JUnit (.xml) or JSON (.json). Repeatable.',
  },
  quiet: { type: 'boolean', short: 'q', description: 'Show errors only (reports stay complete).' },
} as const satisfies OptionSpecs;

export interface OutputValues {
  format?: string | undefined;
  output?: string | undefined;
  report?: string[] | undefined;
  quiet?: boolean | undefined;
}

/** Report formats recognised from a file name, for `--report`. */
const REPORT_EXTENSIONS: ReadonlyArray<[suffix: string, format: FormatName]> = [
  ['.sarif', 'sarif'],
  ['.sarif.json', 'sarif'],
  ['.xml', 'junit'],
  ['.json', 'json'],
];

export interface OutputPlan {
  format: FormatName;
  output: string | undefined;
  reports: { file: string; format: FormatName }[];
  quiet: boolean;
}

/** Check the output options before any work is done, so a typo costs nothing. */
export function planOutput(values: OutputValues, io: Io): OutputPlan {
  const format = values.format ?? 'stylish';
  if (!isFormatName(format)) throw new UsageError(`unknown format '${format}'; use one of: ${FORMAT_NAMES.join(', ')}`);
  const reports = (values.report ?? []).map((file) => ({ file: path.resolve(io.cwd, file), format: reportFormat(file) }));
  const output = values.output === undefined ? undefined : path.resolve(io.cwd, values.output);
  return { format, output, reports, quiet: values.quiet === true };
}

export function writeFindings(plan: OutputPlan, findings: readonly Finding[], sources: ReadonlyMap<string, string>, io: Io): void {
  const shown = plan.quiet ? findings.filter(isFailing) : findings;
  const text = formatters[plan.format](shown, {
    sources,
    toolVersion: cliVersion(),
    color: plan.format === 'stylish' && plan.output === undefined && wantsColor(io),
  });
  writeReports(plan, findings, sources);
  if (plan.output === undefined) io.stdout.write(text);
  else writeFileAtomic(plan.output, text);
}

/** Every `--report` file, always complete (`--quiet` only changes what is shown). */
export function writeReports(plan: OutputPlan, findings: readonly Finding[], sources: ReadonlyMap<string, string>): void {
  const toolVersion = cliVersion();
  for (const report of plan.reports) writeFileAtomic(report.file, formatters[report.format](findings, { sources, toolVersion }));
}

export function isFailing(finding: Finding): boolean {
  return finding.severity === 'error' && !finding.suppressed;
}

/** Counts that decide a run: unsuppressed errors and warnings. */
export function tally(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const finding of findings) {
    if (finding.suppressed) continue;
    if (finding.severity === 'error') errors++;
    else if (finding.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

/**
 * The text of every file findings point into, for the stylish excerpt. `known` wins (generated
 * templates exist only in memory); other files are read relative to `cwd`, like any input: only a
 * regular UTF-8 file in its own folder, so an excerpt never shows what a link leads to.
 */
export function sourcesOf(findings: readonly Finding[], cwd: string, known: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const sources = new Map<string, string>();
  for (const finding of findings) {
    if (sources.has(finding.file)) continue;
    const text = known.get(finding.file) ?? readText(path.resolve(cwd, finding.file));
    if (text !== undefined) sources.set(finding.file, text);
  }
  return sources;
}

function readText(file: string): string | undefined {
  const read = readInputFile(file, { root: path.dirname(file) });
  return read.ok ? read.text : undefined;
}

function reportFormat(file: string): FormatName {
  const lower = file.toLowerCase();
  const match = REPORT_EXTENSIONS.find(([suffix]) => lower.endsWith(suffix));
  if (!match) throw new UsageError(`cannot tell the report format of '${file}'; end its name in .sarif, .xml or .json`);
  return match[1];
}
