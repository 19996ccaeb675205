import path from 'node:path';
import { displayPath, type Finding, isInside, readInputFile, readProblemFinding } from '@ami-bakery/recipe-schema';
import { checkTemplateFile } from '@ami-bakery/template-checks';
import { bundleUnique } from '../bundling.js';
import { defineCommand } from '../command.js';
import { isFailing, OUTPUT_OPTIONS, planOutput, sourcesOf, writeFindings } from '../findings-output.js';
import { enforceUnsuppressible, type InvariantTemplate, invariantFindings } from '../invariants.js';
import { resolveTargets } from '../targets.js';
import { cfnLintAll, checkBundledTemplate, generatedTemplateDisplay, type LintTemplate, skippedNotice } from '../template-lint.js';
import { findWorkspaceRoot, RecipeNames } from '../workspace.js';

export default defineCommand({
  name: 'lint',
  summary: 'Lint the CloudFormation each recipe bundles to: built-in template checks, then cfn-lint.',
  usage: 'bakery lint [PATH...] [options]',
  details: [
    'PATH is a recipe folder or its recipe.yaml, a folder holding recipes, or a CloudFormation',
    'template that already exists (*.template.json, *.template.yaml, template.yaml). Without PATH:',
    'every recipes/*/recipe.yaml of the workspace.',
    '',
    'Each recipe is bundled in memory and its template checked; findings on values that come from',
    'the recipe or a component are shown at that line. Then one cfn-lint process checks every',
    'template. Without cfn-lint on PATH (or BAKERY_CFN_LINT) it is skipped with a notice, except',
    'with CI=true, where that is an error (RB5091). A recipe with errors is not linted: its errors',
    'are shown instead (bakery validate tells more).',
    '',
    'Each bundled template is also checked against the security invariants (RB6001-RB6010, the rule',
    'set the deployer and the Guard hook run); they cannot be suppressed (RB6000).',
    '',
    'Exit code: 0 when no unsuppressed error remains, 1 when one does, 2 for a usage error.',
  ].join('\n'),
  options: OUTPUT_OPTIONS,
  async run(args, io) {
    const plan = planOutput(args.values, io);
    const targets = resolveTargets(args.positionals, io, { templates: true });
    const root = findWorkspaceRoot(io.cwd);
    const outDir = path.join(root ?? io.cwd, 'dist', 'bundle');
    const names = new RecipeNames(root, targets.recipes);

    const findings: Finding[] = [];
    const generated = new Map<string, string>();
    const checked = new Map<string, string>();
    const templates: LintTemplate[] = [];
    const bundled: InvariantTemplate[] = [];
    for (const dir of targets.recipes) {
      const result = bundleUnique(dir, { cwd: io.cwd, sourceCommit: null }, names);
      const recipeFile = displayPath(io.cwd, path.join(dir, 'recipe.yaml'));
      const recipeText = readText(path.join(dir, 'recipe.yaml'), dir);
      if (recipeText !== undefined) checked.set(recipeFile, recipeText);
      if (!result.ok || result.templateText === undefined) {
        findings.push(...result.findings.filter(isFailing));
        continue;
      }
      const display = generatedTemplateDisplay(outDir, result.name, io.cwd);
      generated.set(display, result.templateText);
      findings.push(...checkBundledTemplate(result, display, io.cwd));
      templates.push({ kind: 'generated', display, text: result.templateText, links: result.links });
      bundled.push({ result, display });
    }
    findings.push(...(await invariantFindings(bundled, io.cwd, { env: io.env })));
    for (const absolute of targets.templates) {
      const display = displayPath(io.cwd, absolute);
      // A template named on the command line: a regular file inside the workspace, or neither
      // bakery nor cfn-lint reads it (cfn-lint would echo what it read in its messages).
      const read = readInputFile(absolute, { root: scopeOf(absolute, root) });
      if (!read.ok) {
        findings.push(readProblemFinding(read.problem, display, 'the workspace'));
        continue;
      }
      checked.set(display, read.text);
      findings.push(...checkTemplateFile(absolute, { cwd: io.cwd, root: scopeOf(absolute, root) }));
      templates.push({ kind: 'file', absolute });
    }

    const cfnLint = await cfnLintAll(templates, io);
    const notice = skippedNotice(cfnLint);
    if (notice) io.stderr.write(notice);
    findings.push(...cfnLint.findings);

    let enforced: Finding[] = findings;
    for (const [file, text] of checked) if (file.endsWith('recipe.yaml')) enforced = enforceUnsuppressible(enforced, file, text);
    const sources = new Map([...checked, ...sourcesOf(enforced, io.cwd, generated)]);
    writeFindings(plan, enforced, sources, io);
    return enforced.some(isFailing) ? 1 : 0;
  },
});

function readText(file: string, root: string): string | undefined {
  const read = readInputFile(file, { root });
  return read.ok ? read.text : undefined;
}

/** Where a file named on the command line must stay: the workspace when it is in it, else its own folder. */
function scopeOf(absolute: string, root: string | undefined): string {
  return root !== undefined && isInside(absolute, root) ? root : path.dirname(absolute);
}
