import { existsSync } from 'node:fs';
import path from 'node:path';
import { RETIRED_FILE, readRetired } from '@ami-bakery/recipe-bundler';
import { displayPath, type Finding, isInside, validateFile, validateRecipeFile } from '@ami-bakery/recipe-schema';
import { bundleSafely } from '../bundling.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { isFailing, OUTPUT_OPTIONS, planOutput, sourcesOf, writeFindings } from '../findings-output.js';
import { BASE_OPTION, versionGate, withoutGateSuppressionNotices } from '../gate.js';
import { type Input, resolveInputs } from '../inputs.js';
import { enforceUnsuppressible, invariantFindings } from '../invariants.js';
import type { Io } from '../io.js';
import { generatedTemplateDisplay } from '../template-lint.js';
import { findWorkspaceRoot, RecipeNames, workspaceRecipes } from '../workspace.js';

export default defineCommand({
  name: 'validate',
  summary: 'Check recipes and AWSTOE component documents: YAML syntax, schema and rules.',
  usage: 'bakery validate [PATH...] [options]',
  details: [
    'PATH is a recipe folder, a recipe.yaml, an AWSTOE component document, or a folder that is',
    'walked for *.yaml / *.yml files (node_modules, dist and dot-folders are skipped; a folder',
    'holding a recipe.yaml counts as that recipe). Without PATH: every recipes/*/recipe.yaml of the',
    'workspace, and recipes/retired.yaml (the retired list, RB0024).',
    '',
    'Every recipe also passes the version gate: content changed since the git base (--base) needs a',
    'higher version (RB4001). Outside a git work tree the gate is skipped with an info finding (RB4003);',
    'with CI=true a base that cannot be resolved (shallow clone, unknown NX_BASE) is an error (RB4004).',
    'Two recipe folders giving the same name are an error naming both (RB0023).',
    '',
    'A file is read only when it is a regular file inside its recipe folder (a file named here: inside',
    'the workspace) once links are resolved, of at most 1 MiB, and UTF-8 (RB0020, RB0021, RB0022).',
    '',
    'Every recipe is also bundled in memory and its template checked against the security invariants',
    '(RB6001-RB6010, the rule set the deployer and the Guard hook run), shown at the recipe line the',
    'value came from. Invariants cannot be suppressed, nor can the recipe rules they back (RB3003,',
    'RB3004, RB3006); a suppression naming one is an error (RB6000).',
    '',
    'Exit code: 0 when no unsuppressed error remains, 1 when one does, 2 for a usage error.',
  ].join('\n'),
  options: { ...OUTPUT_OPTIONS, base: BASE_OPTION },
  async run(args, io) {
    const plan = planOutput(args.values, io);

    const inputs = args.positionals.length > 0 ? resolveInputs(args.positionals, io.cwd) : workspaceInputs(io);
    const gate = versionGate(args.values.base, io);
    const root = findWorkspaceRoot(io.cwd);
    const retiredFile = root === undefined ? undefined : path.join(root, 'recipes', RETIRED_FILE);
    const recipeDirs = inputs.filter((input) => input.kind === 'recipe').map((input) => path.dirname(input.absolute));
    const names = new RecipeNames(root, recipeDirs);
    const validated = validateAll(
      inputs.filter((input) => input.absolute !== retiredFile),
      io.cwd,
      root,
    );
    const sources = validated.sources;
    for (const dir of recipeDirs) validated.findings.push(...gate.check(dir), ...names.findings(dir, io.cwd));
    // recipes/retired.yaml is neither a recipe nor a component: checked as the retired list.
    if (root !== undefined && inputs.some((input) => input.absolute === retiredFile)) {
      const list = readRetired(root, new Set(names.names()), (absolute) => displayPath(io.cwd, absolute));
      validated.findings.push(...list.findings);
      for (const [file, text] of sourcesOf(list.findings, io.cwd)) sources.set(file, text);
    }
    validated.findings.push(...(await recipeInvariants(inputs, io, sources)));
    let enforced: Finding[] = validated.findings;
    for (const input of inputs) {
      if (input.kind !== 'recipe') continue;
      const file = displayPath(io.cwd, input.absolute);
      enforced = enforceUnsuppressible(enforced, file, sources.get(file));
    }
    const findings = withoutGateSuppressionNotices(enforced, (file) => sources.get(file));

    writeFindings(plan, findings, sources, io);
    return findings.some(isFailing) ? 1 : 0;
  },
});

/**
 * The security invariants of every recipe that bundles (one with errors does not, and its errors
 * are already reported). Generated template texts join `sources` for findings no link moves.
 */
async function recipeInvariants(inputs: readonly Input[], io: Io, sources: Map<string, string>): Promise<Finding[]> {
  const outDir = path.join(findWorkspaceRoot(io.cwd) ?? io.cwd, 'dist', 'bundle');
  const templates = inputs.flatMap((input) => {
    if (input.kind !== 'recipe') return [];
    const result = bundleSafely(path.dirname(input.absolute), { cwd: io.cwd, sourceCommit: null });
    return result.ok ? [{ result, display: generatedTemplateDisplay(outDir, result.name, io.cwd) }] : [];
  });
  const findings = await invariantFindings(templates, io.cwd, { env: io.env });
  for (const { result, display } of templates)
    if (result.templateText !== undefined && findings.some((f) => f.file === display)) sources.set(display, result.templateText);
  return findings;
}

function workspaceInputs(io: Io): Input[] {
  const root = findWorkspaceRoot(io.cwd);
  if (root === undefined) throw new UsageError(`no pnpm-workspace.yaml at or above ${io.cwd}; name the recipes to validate`);
  const recipes = workspaceRecipes(root);
  if (recipes.length === 0) io.stderr.write(`bakery: no recipes/*/recipe.yaml under ${root}\n`);
  const inputs: Input[] = recipes.map((absolute) => ({ kind: 'recipe', absolute }));
  const retired = path.join(root, 'recipes', RETIRED_FILE);
  if (existsSync(retired)) inputs.push({ kind: 'file', absolute: retired });
  return inputs;
}

/** Validate every input; a component reached both through its recipe and directly is reported once. */
function validateAll(
  inputs: readonly Input[],
  cwd: string,
  root: string | undefined,
): { findings: Finding[]; sources: Map<string, string> } {
  const sources = new Map<string, string>();
  const byKey = new Map<string, Finding>();
  for (const input of inputs) {
    // A file named on the command line stays in the workspace (in its own folder outside one) once links are resolved.
    const scope = root !== undefined && isInside(input.absolute, root) ? root : path.dirname(input.absolute);
    const result =
      input.kind === 'recipe' ? validateRecipeFile(input.absolute, { cwd }) : validateFile(input.absolute, { cwd, root: scope });
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
