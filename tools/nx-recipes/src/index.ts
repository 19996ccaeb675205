/**
 * Local Nx plugin: every `recipes/<name>/recipe.yaml` becomes a project `<name>` with `validate`,
 * `lint`, `bundle-recipe` and `bundle` targets. Each cached target declares the toolchain files it
 * runs through, so a change to the schema package re-runs (and never replays from cache) every
 * recipe's validation, and a dependency edge to those packages makes `nx affected` pick every
 * recipe up.
 *
 * Bundling is split so that its cached part restores everything it wrote: `bundle-recipe` writes
 * only `dist/bundle/recipes/<name>/`, and `bundle` then rebuilds the shared index
 * (`manifest.json`) from the recipe folders present.
 */
import {
  type CreateDependencies,
  type CreateNodes,
  type CreateNodesResult,
  createNodesFromFiles,
  DependencyType,
  type NxPlugin,
  type RawProjectGraphDependency,
  type TargetConfiguration,
} from 'nx/src/devkit-exports.js';

export const RECIPE_GLOB = 'recipes/*/recipe.yaml';
/**
 * How targets call the CLI: the launcher the root `bakery` script runs, called directly. Every
 * recipe task pays for this start, and `pnpm bakery` would add pnpm's own (about 0.4 s).
 */
export const BAKERY = 'node packages/cli/bin/bakery.mjs';
export const RECIPE_TAG = 'type:recipe';

/**
 * Folder names that are safe as an Nx project name and unquoted in a shell command. A recipe
 * folder named otherwise gets no project (its `name` would fail the schema's pattern anyway).
 */
const RECIPE_FILE = /^recipes\/([A-Za-z0-9][A-Za-z0-9._-]*)\/recipe\.yaml$/;

/** The workspace packages a recipe target runs through, by folder. */
const TOOLCHAIN = {
  schema: 'packages/recipe-schema',
  cli: 'packages/cli',
  bundler: 'packages/recipe-bundler',
  templateChecks: 'packages/template-checks',
  cfnLint: 'packages/cfn-lint',
  /** Benchmark tables and the generators that turn them into AWSTOE documents. */
  hardening: 'packages/hardening',
  /** The security invariants (.guard rules) every recipe template must meet. */
  invariants: 'packages/invariants',
  /** The bundle format: manifest types, the image catalog model, the verifier. */
  bundle: 'packages/bundle',
} as const;

/** What a package contributes when it runs: its sources, bundled data and manifest, never its tests. */
function productionFiles(folder: string): string[] {
  return [`{workspaceRoot}/${folder}/src/**/*`, `{workspaceRoot}/${folder}/package.json`];
}

const SCHEMA_FILES = [...productionFiles(TOOLCHAIN.schema), `{workspaceRoot}/${TOOLCHAIN.schema}/schemas/**/*`];
/**
 * Packages every recipe target runs through whatever it does: the generators (validate and bundle
 * render the generated components), the invariants (validate and lint check them) and the bundle
 * format. Their data folders count: a changed table or .guard rule changes the result.
 */
const SHARED_FILES = [
  ...productionFiles(TOOLCHAIN.hardening),
  ...productionFiles(TOOLCHAIN.invariants),
  `{workspaceRoot}/${TOOLCHAIN.invariants}/rules/**/*`,
  ...productionFiles(TOOLCHAIN.bundle),
  `{workspaceRoot}/${TOOLCHAIN.bundle}/data/**/*`,
];
/** The CLI's sources and its launcher, which builds and runs the bundle. */
const CLI_FILES = [...productionFiles(TOOLCHAIN.cli), `{workspaceRoot}/${TOOLCHAIN.cli}/bin/**/*`];
/**
 * The commit the version gate compares with (validate): the explicit base, else the merge-base
 * with main, so a moved base never replays a cached pass.
 */
const GIT_BASE = {
  runtime:
    'git rev-parse --verify -q "${BAKERY_BASE:-$NX_BASE}^{commit}" 2>/dev/null; git merge-base HEAD origin/main 2>/dev/null || git merge-base HEAD main 2>/dev/null || echo no-git-base',
};
/** The root `bakery` script and every locked dependency version (ajv, yaml, ...). */
const WORKSPACE_FILES = ['{workspaceRoot}/package.json', '{workspaceRoot}/pnpm-lock.yaml'];
const RECIPE_FILES = '{projectRoot}/**/*';
/**
 * The Node.js the CLI runs on (the `node` first on PATH, as for the task itself): a result from
 * one Node version is never replayed under another. nx.json's `sharedGlobals` holds the same input
 * for the package targets (test, typecheck, build, synth).
 */
export const NODE_VERSION_INPUT = { runtime: 'node -v' } as const;

/**
 * The cfn-lint the lint task will run, for the hash: where it is on PATH and its version.
 * `cfn-lint --version` imports all of cfn-lint (about 4 s behind a pyenv shim) and Nx runs this
 * for every lint hash, cache hits included; the package metadata gives the same version in a
 * tenth of that. The slow probe stays for an explicit BAKERY_CFN_LINT and for a cfn-lint that
 * python3 does not know (pipx).
 */
export const CFN_LINT_VERSION_INPUT = {
  runtime:
    'command -v cfn-lint; if [ -z "$BAKERY_CFN_LINT" ] && python3 -c "import importlib.metadata as m; print(m.version(\'cfn-lint\'))" 2>/dev/null; then :; else "${BAKERY_CFN_LINT:-cfn-lint}" --version 2>&1 || echo cfn-lint-missing; fi',
} as const;

type Inputs = NonNullable<TargetConfiguration['inputs']>;

export function validateTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command: `${BAKERY} validate {projectRoot} --report reports/validate/{projectName}.sarif` },
    cache: true,
    inputs: [
      RECIPE_FILES,
      ...SCHEMA_FILES,
      ...productionFiles(TOOLCHAIN.bundler),
      ...SHARED_FILES,
      ...CLI_FILES,
      ...WORKSPACE_FILES,
      { externalDependencies: ['ajv', 'yaml'] },
      NODE_VERSION_INPUT,
      { env: 'BAKERY_BASE' },
      { env: 'NX_BASE' },
      GIT_BASE,
    ] satisfies Inputs,
    outputs: ['{workspaceRoot}/reports/validate/{projectName}.sarif'],
    metadata: {
      description: 'Check recipe.yaml and its components: YAML, JSON Schema, recipe rules and the version gate. Writes a SARIF report.',
      technologies: ['ami-bakery'],
    },
  };
}

export function lintTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command: `${BAKERY} lint {projectRoot} --report reports/lint/{projectName}.sarif` },
    cache: true,
    inputs: [
      RECIPE_FILES,
      ...SCHEMA_FILES,
      ...productionFiles(TOOLCHAIN.bundler),
      ...productionFiles(TOOLCHAIN.templateChecks),
      ...productionFiles(TOOLCHAIN.cfnLint),
      ...SHARED_FILES,
      ...CLI_FILES,
      ...WORKSPACE_FILES,
      { externalDependencies: ['ajv', 'yaml'] },
      NODE_VERSION_INPUT,
      // cfn-lint is a Python tool outside the lockfile; its version changes what it reports.
      CFN_LINT_VERSION_INPUT,
      { env: 'BAKERY_CFN_LINT' },
      { env: 'CI' },
    ] satisfies Inputs,
    outputs: ['{workspaceRoot}/reports/lint/{projectName}.sarif'],
    metadata: {
      description:
        'Lint the CloudFormation template the recipe bundles to: built-in template checks, then cfn-lint. Writes a SARIF report.',
      technologies: ['ami-bakery', 'cloudformation'],
    },
  };
}

/** The recipe manifest records HEAD as `sourceCommit`, so a replay must not hand over another commit's. */
const GIT_HEAD = { runtime: 'git rev-parse --verify -q "HEAD^{commit}" 2>/dev/null || echo no-git-head' };

export function bundleRecipeTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command: `${BAKERY} bundle {projectRoot} --out dist/bundle --no-index` },
    cache: true,
    dependsOn: ['validate'],
    inputs: [
      RECIPE_FILES,
      ...SCHEMA_FILES,
      ...productionFiles(TOOLCHAIN.bundler),
      ...SHARED_FILES,
      ...CLI_FILES,
      ...WORKSPACE_FILES,
      { externalDependencies: ['ajv', 'yaml'] },
      NODE_VERSION_INPUT,
      GIT_HEAD,
    ] satisfies Inputs,
    outputs: ['{workspaceRoot}/dist/bundle/recipes/{projectName}'],
    metadata: {
      description: 'Write the recipe CloudFormation template and manifest to dist/bundle/recipes/<name>, and nothing else.',
      technologies: ['ami-bakery', 'cloudformation'],
    },
  };
}

export function bundleTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command: `${BAKERY} bundle --index-only --out dist/bundle` },
    // Never replayed from cache: the index lists every recipe folder on disk, also those no task
    // of this run wrote, so no input list describes it. A rerun bundles no recipe: it reads the
    // folders and writes manifest.json (the bakery stack is never part of a bundle).
    cache: false,
    dependsOn: ['bundle-recipe'],
    outputs: ['{workspaceRoot}/dist/bundle/manifest.json'],
    metadata: {
      description:
        'Bundle the recipe (bundle-recipe), then rebuild dist/bundle/manifest.json from every recipe folder in dist/bundle/recipes.',
      technologies: ['ami-bakery', 'cloudformation'],
    },
  };
}

/** The project for one recipe file, or nothing when the file is not `recipes/<name>/recipe.yaml`. */
export function recipeProject(file: string): CreateNodesResult {
  const name = RECIPE_FILE.exec(file.split('\\').join('/'))?.[1];
  if (name === undefined) return {};
  const root = `recipes/${name}`;
  return {
    projects: {
      [root]: {
        name,
        root,
        tags: [RECIPE_TAG],
        targets: { validate: validateTarget(), lint: lintTarget(), 'bundle-recipe': bundleRecipeTarget(), bundle: bundleTarget() },
      },
    },
  };
}

export const createNodesV2: CreateNodes = [
  RECIPE_GLOB,
  (files, options, context) => createNodesFromFiles((file) => recipeProject(file), files, options, context),
];

/** Nx 22+ reads `createNodes` with the v2 signature; older versions read `createNodesV2`. */
export const createNodes: CreateNodes = createNodesV2;

/**
 * Recipes depend on the toolchain packages (an implicit edge: nothing imports them), so a change
 * to the schema package makes every recipe affected. Packages missing from the graph are skipped.
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const projects = Object.entries(context.projects);
  const toolchainRoots: readonly string[] = Object.values(TOOLCHAIN);
  const packages = projects
    .filter(([, project]) => toolchainRoots.includes(project.root))
    .map(([name]) => name)
    .sort();
  const recipes = projects
    .filter(([, project]) => project.tags?.includes(RECIPE_TAG))
    .map(([name]) => name)
    .sort();
  return recipes.flatMap((source) =>
    packages.map((target): RawProjectGraphDependency => ({ source, target, type: DependencyType.implicit })),
  );
};

const plugin: NxPlugin = { name: 'nx-recipes', createNodes, createNodesV2, createDependencies };
export default plugin;
