import path from 'node:path';
import { type BundleResult, VERSION_RULES } from '@ami-bakery/recipe-bundler';
import { displayPath, type Finding, formatters } from '@ami-bakery/recipe-schema';
import { readSourceFrom } from '@ami-bakery/template-checks';
import { BUNDLE_OPTIONS, type BundleContext, bundleFolder, bundleNotes, retiredOf, writeBundled } from '../bundle-output.js';
import { bundleUnique } from '../bundling.js';
import { defineCommand } from '../command.js';
import { isFailing, OUTPUT_OPTIONS, planOutput, sourcesOf, tally, writeReports } from '../findings-output.js';
import { BASE_OPTION, versionGate, withoutGateSuppressionNotices } from '../gate.js';
import { enforceUnsuppressible, invariantFindings } from '../invariants.js';
import { wantsColor } from '../io.js';
import { resolveTargets } from '../targets.js';
import {
  type CfnLintRun,
  cfnLintAll,
  checkBundledTemplate,
  generatedTemplateDisplay,
  isToolFinding,
  type LintTemplate,
  skippedNotice,
} from '../template-lint.js';
import { countsText, plural, table } from '../text.js';
import { findWorkspaceRoot, RecipeNames } from '../workspace.js';

interface RecipeRun {
  dir: string;
  result: BundleResult;
  templateDisplay: string;
  findings: Finding[];
}

export default defineCommand({
  name: 'build',
  summary: 'Validate, lint and bundle every recipe (or those named) in one run, with a summary table.',
  usage: 'bakery build [PATH...] [options]',
  details: [
    'PATH is a recipe folder or its recipe.yaml, or a folder holding recipes. Without PATH: every',
    'recipes/*/recipe.yaml of the workspace.',
    '',
    'Per recipe: validation and the version gate (bakery validate), bundling, the built-in',
    'template checks and the security invariants (never suppressible), one progress line each.',
    'Then one cfn-lint process over every template (skipped with a notice when it is not',
    'installed, an error with CI=true). Recipes without errors are written to the bundle folder',
    '(bakery bundle: written whole and put in place at once; without PATH it holds exactly the',
    'clean recipes and is marked partial when one was refused), then the findings and a table.',
    '',
    'Exit code: 0 when no unsuppressed error remains, 1 when one does, 2 for a usage error.',
  ].join('\n'),
  options: {
    base: BASE_OPTION,
    ...BUNDLE_OPTIONS,
    report: OUTPUT_OPTIONS.report,
    quiet: OUTPUT_OPTIONS.quiet,
  },
  async run(args, io) {
    const plan = planOutput({ report: args.values.report, quiet: args.values.quiet }, io);
    const outDir = bundleFolder(args.values.out, io);
    const targets = resolveTargets(args.positionals, io, { templates: false });
    const gate = versionGate(args.values.base, io);
    const root = findWorkspaceRoot(io.cwd);
    const context: BundleContext = { io, root, names: new RecipeNames(root, targets.recipes) };

    const readSource = readSourceFrom(io.cwd);
    const width = Math.max(0, ...targets.recipes.map((dir) => path.basename(dir).length));
    const runs: RecipeRun[] = [];
    for (const dir of targets.recipes) {
      const result = bundleUnique(dir, { cwd: io.cwd, git: gate.git }, context.names);
      const templateDisplay = generatedTemplateDisplay(outDir, result.name, io.cwd);
      const invariants = await invariantFindings([{ result, display: templateDisplay }], io.cwd, { readSource, env: io.env });
      const checked = [...result.findings, ...gate.check(dir), ...checkBundledTemplate(result, templateDisplay, io.cwd), ...invariants];
      const recipeFile = displayPath(io.cwd, path.join(dir, 'recipe.yaml'));
      const findings = withoutGateSuppressionNotices(enforceUnsuppressible(checked, recipeFile, readSource(recipeFile)), readSource);
      runs.push({ dir, result, templateDisplay, findings });
      const counts = tally(findings);
      io.stdout.write(
        `${counts.errors > 0 ? '✗' : '✓'} ${result.name.padEnd(width)}  ${(result.version || '-').padEnd(8)}  ${countsText(counts)}\n`,
      );
    }

    const templates: LintTemplate[] = runs.flatMap((run) =>
      run.result.ok && run.result.templateText !== undefined
        ? [{ kind: 'generated' as const, display: run.templateDisplay, text: run.result.templateText, links: run.result.links }]
        : [],
    );
    const cfnLint = await cfnLintAll(templates, io);
    const notice = skippedNotice(cfnLint);
    if (notice) io.stderr.write(notice);
    const general = attribute(cfnLint, runs, io.cwd);

    const retired = retiredOf(context);
    general.push(...retired.findings);
    const clean = retired.findings.length > 0 ? [] : runs.filter((run) => run.result.ok && !run.findings.some(isFailing));
    // A recipe with findings is refused like one that did not bundle: its old folder leaves the bundle.
    const results = runs.map((run) => (clean.includes(run) ? run.result : { ...run.result, ok: false }));
    const written =
      retired.findings.length > 0 ? undefined : writeBundled(results, outDir, context, retired, args.positionals.length === 0);

    const findings = [...runs.flatMap((run) => run.findings), ...general];
    // Outside git every recipe carries the same RB4003 notice: one line says it (reports keep them all).
    if (findings.some((f) => f.ruleId === VERSION_RULES.gateSkipped.id)) {
      io.stderr.write(`bakery: version gate skipped: ${gate.skipReason() ?? 'see the RB4003 findings (--report)'}\n`);
    }
    const shown = plan.quiet ? findings.filter(isFailing) : findings.filter((f) => f.ruleId !== VERSION_RULES.gateSkipped.id);
    const generated = new Map(templates.flatMap((t) => (t.kind === 'generated' ? [[t.display, t.text] as const] : [])));
    const sources = sourcesOf(findings, io.cwd, generated);
    if (shown.length > 0) io.stdout.write(`\n${formatters.stylish(shown, { sources, color: wantsColor(io) })}`);
    writeReports(plan, findings, sources);

    const rows = runs.map((run) => {
      const counts = tally(run.findings);
      const folder = clean.includes(run) ? written?.folders.get(run.result.name) : undefined;
      return [
        run.result.name,
        run.result.version || '-',
        String(counts.errors),
        String(counts.warnings),
        run.result.ok ? cfnLint.status : '-',
        folder === undefined ? '-' : displayPath(io.cwd, folder),
      ];
    });
    io.stdout.write(`\n${table(['recipe', 'version', 'errors', 'warnings', 'cfn-lint', 'bundle'], rows, new Set([2, 3]))}`);
    const total = tally(findings);
    io.stdout.write(
      `\n${clean.length} of ${plural(runs.length, 'recipe')} bundled to ${displayPath(io.cwd, outDir)}; ${countsText(total)}.\n`,
    );
    for (const line of bundleNotes(written?.bundle, context)) io.stdout.write(`${line}\n`);
    return total.errors > 0 ? 1 : 0;
  },
});

/**
 * Hands cfn-lint's findings to the recipe they are about (its files, or its generated template);
 * findings about cfn-lint itself belong to no recipe and are returned.
 */
function attribute(cfnLint: CfnLintRun, runs: RecipeRun[], cwd: string): Finding[] {
  const general: Finding[] = [];
  for (const finding of cfnLint.findings) {
    const absolute = path.resolve(cwd, finding.file);
    const owner = isToolFinding(finding)
      ? undefined
      : runs.find((run) => finding.file === run.templateDisplay || absolute.startsWith(`${run.dir}${path.sep}`));
    if (owner) owner.findings.push(finding);
    else general.push(finding);
  }
  return general;
}
