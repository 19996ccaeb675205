import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type CatalogState,
  defaultCatalogState,
  deployedStateOf,
  diffTemplates,
  formatPlan,
  isSourceArtifactExtra,
  loadBundle,
  observedCatalogOf,
  PLAN_FORMATS,
  type PlanFormat,
  planCatalog,
  planDocument,
  planRecipes,
  RECIPE_PARAMETERS,
  type ResourceChange,
  type Template,
  unzipBundle,
} from '@ami-bakery/bundle';
import { DEFAULT_STACK_PREFIX, readSourceCommit, resolveBase } from '@ami-bakery/recipe-bundler';
import { formatters } from '@ami-bakery/recipe-schema';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { sourcesOf } from '../findings-output.js';
import { type Io, wantsColor } from '../io.js';
import { type BundleRun, bundleFolders, retiredOf, sideBundle, unchangedRecipe } from '../plan/bundles.js';
import { baseRecipes, changedRecipes, extractRecipesAt, toolchainChanged } from '../plan/git-tree.js';
import { remotePlan } from '../plan/remote.js';
import { workspaceRootOf } from '../targets.js';
import { workspaceRecipes } from '../workspace.js';

export default defineCommand({
  name: 'plan',
  summary: 'Show what a merge would deploy: recipes created, updated, deleted, image builds, and each resource change.',
  usage: 'bakery plan [--base REF | --base-bundle PATH | --remote] [--format stylish|json|markdown] [options]',
  details: [
    'Bundles the working tree and the base in memory (nothing is written) and runs the planner the',
    "bakery's deployer runs: per recipe create / update / unchanged / delete, the version changes and",
    'the image builds that will start, and per resource add / modify / remove / replace. A replacement',
    "is predicted from the resource types' create-only properties (CloudFormation resource schemas);",
    'no AWS call is made.',
    '',
    'The base is a git ref (default BAKERY_BASE, NX_BASE, else the merge-base of HEAD with origin/main',
    'or main), bundled with the toolchain of the working tree; a recipe whose folder did not change',
    'since the base is not bundled and shows as unchanged. When the toolchain itself changed, the',
    'plan says so: the deployed templates may differ more than shown. --base-bundle compares with a',
    'bundle instead (a folder or the zip the pipeline deploys), exactly.',
    '',
    '--remote (AWS credentials for the bakery account and region) plans against the recipe stacks',
    'actually deployed and shows the change sets CloudFormation computes, which are deleted, never',
    'executed.',
    '',
    'Exit code: 0 the plan was shown, 1 a recipe does not bundle or the deployer would refuse the',
    'plan (PLAN001, PLAN002), 2 for a usage error.',
  ].join('\n'),
  options: {
    base: {
      type: 'string',
      valueName: 'REF',
      description: 'Git ref to compare with (default BAKERY_BASE, NX_BASE, else the merge-base with origin/main or main).',
    },
    'base-bundle': { type: 'string', valueName: 'PATH', description: 'Compare with this bundle (a folder or a zip) instead of a git ref.' },
    format: { type: 'string', short: 'f', valueName: 'FORMAT', description: 'stylish (default), json or markdown.' },
    remote: { type: 'boolean', description: 'Plan against the deployed stacks with real change sets (never executed).' },
    region: { type: 'string', valueName: 'REGION', description: '--remote: the bakery region (default AWS_REGION).' },
    'role-arn': { type: 'string', valueName: 'ARN', description: '--remote: the recipe deploy role the change sets name.' },
    parameters: { type: 'string', valueName: 'JSON', description: '--remote: template parameter values (default env RECIPE_PARAMETERS).' },
    'stack-prefix': { type: 'string', valueName: 'PREFIX', description: `Recipe stack name prefix (default ${DEFAULT_STACK_PREFIX}).` },
    'no-prune': { type: 'boolean', description: 'Plan as the deployer with pruning off: recipes that left are kept.' },
  },
  async run(args, io) {
    const format = (args.values.format ?? 'stylish') as PlanFormat;
    if (!PLAN_FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${PLAN_FORMATS.join(', ')}, not '${args.values.format}'`);
    if (args.positionals.length > 0) throw new UsageError(`plan takes no PATH, got: ${args.positionals.join(' ')}`);
    const modes = [args.values.base !== undefined, args.values['base-bundle'] !== undefined, args.values.remote === true].filter(
      Boolean,
    ).length;
    if (modes > 1) throw new UsageError('--base, --base-bundle and --remote exclude each other');
    const stackPrefix = args.values['stack-prefix'] ?? DEFAULT_STACK_PREFIX;
    if (!/^[A-Za-z][A-Za-z0-9-]{0,99}$/.test(stackPrefix))
      throw new UsageError(`--stack-prefix '${stackPrefix}' cannot start a stack name`);
    const prune = args.values['no-prune'] !== true;
    const root = workspaceRootOf(io, 'run bakery plan inside the workspace');
    const headCommit = readSourceCommit(root);
    const headDirs = new Map(workspaceRecipes(root).map((file) => [path.basename(path.dirname(file)), path.dirname(file)]));
    const retired = retiredOf(root);
    if (retired.problems.length > 0) {
      io.stderr.write(`${retired.problems.join('\n')}\n`);
      return 1;
    }

    if (args.values.remote === true)
      return runRemote(args.values, io, { root, headCommit, headDirs, retired: retired.retired, stackPrefix, prune, format });

    let baseLabel: string;
    let baseSide: { manifest: ReturnType<typeof sideBundle>['manifest']; templates: ReadonlyMap<string, Template> };
    let baseCatalogs: ReadonlyMap<string, CatalogState>;
    let head: BundleRun;
    const notes: string[] = [];
    const unchanged = new Set<string>();
    if (args.values['base-bundle'] !== undefined) {
      const loaded = readBundlePath(path.resolve(io.cwd, args.values['base-bundle']), stackPrefix);
      baseLabel = args.values['base-bundle'];
      baseSide = loaded;
      baseCatalogs = loaded.catalogs;
      head = bundleFolders([...headDirs.values()], { cwd: io.cwd, sourceCommit: headCommit, stackPrefix });
    } else {
      const resolved = resolveBase(root, { ...(args.values.base !== undefined ? { base: args.values.base } : {}), env: io.env });
      if (!resolved.ok) throw new UsageError(`${resolved.reason}; give --base REF, or --base-bundle PATH`);
      const base = resolved.base.commit;
      baseLabel = `${resolved.base.ref} (${base.slice(0, 7)})`;
      const changed = changedRecipes(root, base);
      const atBase = baseRecipes(root, base);
      if (toolchainChanged(root, base))
        notes.push(
          "the bundling toolchain changed since the base: both sides are bundled with the working tree's, so deployed templates may change more than shown (use --base-bundle for the exact plan)",
        );
      const headToBundle: string[] = [];
      const headUnchanged = [];
      for (const [name, dir] of headDirs) {
        const same = atBase.has(name) && !changed.has(name) ? unchangedRecipe(dir, name, stackPrefix) : undefined;
        if (same) {
          headUnchanged.push(same);
          unchanged.add(name);
        } else headToBundle.push(dir);
      }
      head = bundleFolders(headToBundle, { cwd: io.cwd, sourceCommit: headCommit, stackPrefix });
      head.recipes.push(...headUnchanged);
      const baseNames = [...atBase].filter((name) => !unchanged.has(name));
      const baseRun = bundleBase(root, base, baseNames, stackPrefix);
      for (const failed of baseRun.failed)
        notes.push(`${failed.name} does not bundle at the base with today's toolchain: planned as not deployed`);
      baseRun.recipes.push(...headUnchanged);
      baseSide = sideBundle(baseRun.recipes, baseRun.templates, unchanged, { sourceCommit: base, retired: [] });
      baseCatalogs = catalogsOf(baseRun.recipes);
    }

    if (head.failed.length > 0) return reportBundleFailures(head, io);
    const headSide = sideBundle(head.recipes, head.templates, unchanged, { sourceCommit: headCommit, retired: retired.retired });
    const plan = planRecipes(headSide.manifest, deployedStateOf(baseSide.manifest, { stackPrefix }), { stackPrefix, prune });
    const resources = new Map<string, { changes: readonly ResourceChange[]; from: 'templates' }>();
    for (const item of plan.items) {
      if (item.action === 'unchanged' || unchanged.has(item.recipe)) continue;
      resources.set(item.recipe, {
        changes: diffTemplates(baseSide.templates.get(item.recipe), headSide.templates.get(item.recipe)),
        from: 'templates',
      });
    }
    const subject: Record<string, string> = {
      base: baseLabel,
      head: headCommit ? `working tree (${headCommit.slice(0, 7)})` : 'working tree',
    };
    notes.forEach((note, i) => {
      subject[notes.length === 1 ? 'note' : `note ${i + 1}`] = note;
    });
    // The catalog: the head's catalogs against what the base's would have left applied (no candidate offline).
    const observed = new Map([...baseCatalogs].map(([name, state]) => [name, observedCatalogOf(state)]));
    const catalog = planCatalog(catalogsOf(head.recipes), observed, { planCandidate: false });
    io.stdout.write(
      formatPlan(planDocument({ kind: 'plan', plan, subject, stackPrefix, prune, partial: false, resources, catalog }), format),
    );
    return plan.refusals.length > 0 ? 1 : 0;
  },
});

/** Each bundled recipe's catalog; one without a catalog has the default (stable only, nothing promoted). */
function catalogsOf(recipes: readonly { name: string; catalog?: CatalogState }[]): Map<string, CatalogState> {
  return new Map(recipes.map((r) => [r.name, r.catalog ?? defaultCatalogState()]));
}

/** The base's recipes, from its commit, bundled in a temporary folder (removed afterwards). */
function bundleBase(root: string, base: string, names: readonly string[], stackPrefix: string): BundleRun {
  if (names.length === 0) return { recipes: [], templates: new Map(), failed: [] };
  const temp = mkdtempSync(path.join(tmpdir(), 'bakery-plan-'));
  try {
    extractRecipesAt(root, base, temp, names);
    return bundleFolders(
      names.map((name) => path.join(temp, 'recipes', name)),
      { cwd: temp, sourceCommit: base, stackPrefix },
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A bundle folder or zip as the base. */
function readBundlePath(
  file: string,
  stackPrefix: string,
): {
  manifest: ReturnType<typeof sideBundle>['manifest'];
  templates: ReadonlyMap<string, Template>;
  catalogs: ReadonlyMap<string, CatalogState>;
} {
  let files: Map<string, Uint8Array>;
  try {
    if (statSync(file).isDirectory()) files = readFolder(file);
    else {
      const unzipped = unzipBundle(new Uint8Array(readFileSync(file)));
      if (unzipped.problems.length > 0)
        throw new UsageError(`--base-bundle ${file}: ${unzipped.problems.map((p) => `${p.id} ${p.message}`).join('; ')}`);
      files = unzipped.files;
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--base-bundle ${file} cannot be read: ${(error as Error).message}`);
  }
  const { bundle, problems } = loadBundle(files, { allowExtra: isSourceArtifactExtra, stackPrefix });
  if (!bundle)
    throw new UsageError(
      `--base-bundle ${file} is not a valid bundle:\n${problems.map((p) => `  ${p.id} ${p.path ?? p.recipe ?? ''}: ${p.message}`).join('\n')}`,
    );
  return {
    manifest: bundle.manifest,
    templates: new Map(bundle.recipes.map((r) => [r.entry.name, r.template])),
    catalogs: new Map(bundle.recipes.map((r) => [r.entry.name, r.catalog ?? defaultCatalogState()])),
  };
}

function readFolder(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(at, entry.name), rel);
      else if (entry.isFile()) files.set(rel, new Uint8Array(readFileSync(path.join(at, entry.name))));
    }
  };
  walk(dir, '');
  return files;
}

function reportBundleFailures(head: BundleRun, io: Io): number {
  const findings = head.failed.flatMap((f) => f.findings);
  io.stderr.write(
    `bakery plan: ${head.failed.map((f) => f.name).join(', ')} ${head.failed.length === 1 ? 'does' : 'do'} not bundle; fix the errors below first.\n\n`,
  );
  io.stderr.write(formatters.stylish(findings, { sources: sourcesOf(findings, io.cwd), color: wantsColor(io) }));
  return 1;
}

async function runRemote(
  values: { region?: string; 'role-arn'?: string; parameters?: string },
  io: Io,
  context: {
    root: string;
    headCommit: string | null;
    headDirs: Map<string, string>;
    retired: import('@ami-bakery/bundle').RetiredRecipe[];
    stackPrefix: string;
    prune: boolean;
    format: PlanFormat;
  },
): Promise<number> {
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('--remote needs the bakery region: --region REGION or AWS_REGION');
  const parameterValues = parseParameters(values.parameters ?? io.env.RECIPE_PARAMETERS);
  const head = bundleFolders([...context.headDirs.values()], {
    cwd: io.cwd,
    sourceCommit: context.headCommit,
    stackPrefix: context.stackPrefix,
  });
  if (head.failed.length > 0) return reportBundleFailures(head, io);
  const side = sideBundle(head.recipes, head.templates, new Set(), { sourceCommit: context.headCommit, retired: context.retired });
  const remote = await remotePlan(side.manifest, head.recipes, {
    region,
    stackPrefix: context.stackPrefix,
    prune: context.prune,
    parameterValues,
    ...(values['role-arn'] ? { roleArn: values['role-arn'] } : {}),
  });
  const subject: Record<string, string> = {
    deployed: `${context.stackPrefix}* stacks in ${region}`,
    head: context.headCommit ? `working tree (${context.headCommit.slice(0, 7)})` : 'working tree',
  };
  remote.notes.forEach((note, i) => {
    subject[remote.notes.length === 1 ? 'note' : `note ${i + 1}`] = note;
  });
  io.stdout.write(
    formatPlan(
      planDocument({
        kind: 'plan',
        plan: remote.plan,
        subject,
        stackPrefix: context.stackPrefix,
        prune: context.prune,
        partial: false,
        resources: remote.resources,
      }),
      context.format,
    ),
  );
  return remote.plan.refusals.length > 0 ? 1 : 0;
}

function parseParameters(text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError('--parameters (or RECIPE_PARAMETERS) is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UsageError('--parameters must be a JSON object of parameter name -> text');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(RECIPE_PARAMETERS as readonly string[]).includes(key))
      throw new UsageError(`--parameters: ${key} is not a recipe template parameter (${RECIPE_PARAMETERS.join(', ')})`);
    if (typeof value !== 'string') throw new UsageError(`--parameters: ${key} must be text`);
    out[key] = value;
  }
  return out;
}
