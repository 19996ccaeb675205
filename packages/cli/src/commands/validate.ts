import path from 'node:path';
import {
  type Finding,
  FORMAT_NAMES,
  type FormatName,
  formatters,
  isFormatName,
  validateFile,
  validateRecipeFile,
} from '@ami-bakery/recipe-schema';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { BASE_OPTION, versionGate, withoutGateSuppressionNotices } from '../gate.js';
import { type Input, resolveInputs } from '../inputs.js';
import { type Io, wantsColor } from '../io.js';
import { cliVersion } from '../version.js';
import { findWorkspaceRoot, workspaceRecipes } from '../workspace.js';
import { writeFileAtomic } from '../write.js';

/** Report formats recognised from a file name, for `--report`. */
const REPORT_EXTENSIONS: ReadonlyArray<[suffix: string, format: FormatName]> = [
  ['.sarif', 'sarif'],
  ['.sarif.json', 'sarif'],
  ['.xml', 'junit'],
  ['.json', 'json'],
];

export default defineCommand({
  name: 'validate',
  summary: 'Check recipes and AWSTOE component documents: YAML syntax, schema and rules.',
  usage: 'bakery validate [PATH...] [options]',
  details: [
    'PATH is a recipe folder, a recipe.yaml, an AWSTOE component document, or a folder that is',
    'walked for *.yaml / *.yml files (node_modules, dist and dot-folders are skipped; a folder',
    'holding a recipe.yaml counts as that recipe). Without PATH: every recipes/*/recipe.yaml of the',
    'workspace.',
    '',
    'Every recipe also passes the version gate: content changed since the git base (--base) needs a',
    'higher version (RB4001). Outside a git work tree the gate is skipped with an info finding (RB4003).',
    '',
    'Exit code: 0 when no unsuppressed error remains, 1 when one does, 2 for a usage error.',
  ].join('\n'),
  options: {
    format: { type: 'string', short: 'f', valueName: 'FORMAT', description: `Output format: ${FORMAT_NAMES.join(', ')} (default stylish).` },
    output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the output to FILE instead of stdout.' },
    report: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'Also write a complete report to FILE, as SARIF (.sarif), JUnit (.xml) or JSON (.json). Repeatable.',
    },
    quiet: { type: 'boolean', short: 'q', description: 'Show errors only (reports stay complete).' },
    base: BASE_OPTION,
  },
  run(args, io) {
    const format = args.values.format ?? 'stylish';
    if (!isFormatName(format)) throw new UsageError(`unknown format '${format}'; use one of: ${FORMAT_NAMES.join(', ')}`);
    const reports = (args.values.report ?? []).map((file) => ({ file: path.resolve(io.cwd, file), format: reportFormat(file) }));
    const output = args.values.output === undefined ? undefined : path.resolve(io.cwd, args.values.output);

    const inputs = args.positionals.length > 0 ? resolveInputs(args.positionals, io.cwd) : workspaceInputs(io);
    const gate = versionGate(args.values.base, io);
    const validated = validateAll(inputs, io.cwd);
    const sources = validated.sources;
    for (const input of inputs) if (input.kind === 'recipe') validated.findings.push(...gate.check(path.dirname(input.absolute)));
    const findings = withoutGateSuppressionNotices(validated.findings, (file) => sources.get(file));

    const shown = args.values.quiet ? findings.filter(isFailing) : findings;
    const toolVersion = cliVersion();
    const text = formatters[format](shown, { sources, toolVersion, color: format === 'stylish' && output === undefined && wantsColor(io) });
    for (const report of reports) writeFileAtomic(report.file, formatters[report.format](findings, { sources, toolVersion }));
    if (output === undefined) io.stdout.write(text);
    else writeFileAtomic(output, text);
    return findings.some(isFailing) ? 1 : 0;
  },
});

function isFailing(finding: Finding): boolean {
  return finding.severity === 'error' && !finding.suppressed;
}

function reportFormat(file: string): FormatName {
  const lower = file.toLowerCase();
  const match = REPORT_EXTENSIONS.find(([suffix]) => lower.endsWith(suffix));
  if (!match) throw new UsageError(`cannot tell the report format of '${file}'; end its name in .sarif, .xml or .json`);
  return match[1];
}

function workspaceInputs(io: Io): Input[] {
  const root = findWorkspaceRoot(io.cwd);
  if (root === undefined) throw new UsageError(`no pnpm-workspace.yaml at or above ${io.cwd}; name the recipes to validate`);
  const recipes = workspaceRecipes(root);
  if (recipes.length === 0) io.stderr.write(`bakery: no recipes/*/recipe.yaml under ${root}\n`);
  return recipes.map((absolute) => ({ kind: 'recipe', absolute }));
}

/** Validate every input; a component reached both through its recipe and directly is reported once. */
function validateAll(inputs: readonly Input[], cwd: string): { findings: Finding[]; sources: Map<string, string> } {
  const sources = new Map<string, string>();
  const byKey = new Map<string, Finding>();
  for (const input of inputs) {
    const result = input.kind === 'recipe' ? validateRecipeFile(input.absolute, { cwd }) : validateFile(input.absolute, { cwd });
    for (const [file, text] of result.sources) sources.set(file, text);
    for (const finding of result.findings) {
      const { start, end } = finding.range;
      const key = [finding.file, finding.ruleId, start.line, start.column, end.line, end.column, finding.message].join('\u0000');
      // The recipe's view wins: it knows the platform and applies the recipe's suppressions.
      if (!byKey.has(key) || input.kind === 'recipe') byKey.set(key, finding);
    }
  }
  return { findings: [...byKey.values()], sources };
}
