/**
 * Bundle format v2: the top-level `manifest.json` and the per-recipe `recipes/<name>/manifest.json`
 * as the deployer reads them (docs/contracts.md, "Bundle format v2"). The parser is strict: an
 * unknown key, a wrong type or an unsafe name is a problem, never silently ignored.
 */
import { LIMITS } from './limits.js';
import { COMMIT, HASH, isRecipeName, quote, RECIPE_NAME_MAX, RECIPE_NAME_MIN, SEMVER, STACK_NAME, templatePath } from './names.js';
import { type BundleProblem, problem } from './problems.js';

const FORMAT_VERSION = 2;

/** Template parameters the deployer knows how to fill (values from env RECIPE_PARAMETERS). */
const RECIPE_PARAMETERS = [
  'ArtifactBucketName',
  'ArtifactKeyArn',
  'EvidenceBucketName',
  'LifecyclePermissionsBoundaryArn',
  'ManagementAccountId',
  'OrganizationId',
  'PermissionsBoundaryArn',
] as const;

type RecipeParameter = (typeof RECIPE_PARAMETERS)[number];

/** One recipe of the top-level manifest. */
interface BundleRecipeEntry {
  readonly name: string;
  /** Semantic version MAJOR.MINOR.PATCH. */
  readonly version: string;
  /** The stack name the bundler used (`<its prefix><name>`); the deployer names stacks with its own prefix. */
  readonly stackName: string;
  /** Always `recipes/<name>/template.yaml`. */
  readonly template: string;
  /** `sha256:<hex>` over the canonical recipe and components (what the version gate compares). */
  readonly contentHash: string;
  /** `sha256:<hex>` of the template.yaml bytes. */
  readonly templateHash: string;
  /** Template parameters the template declares, sorted; the deployer passes exactly these. */
  readonly parameters: readonly string[];
  /** Start an image build when the version changes (recipe `schedule.buildOnVersionChange`, default true). */
  readonly buildOnVersionChange: boolean;
  /**
   * `sha256:<hex>` of `recipes/<name>/catalog.json`; absent when the recipe has no catalog (no
   * catalog.yaml and no catalog settings). Never part of the content or template hash.
   */
  readonly catalogHash?: string;
}

/** A recipe taken out on purpose (`recipes/retired.yaml`): its stack may be deleted. */
interface RetiredRecipe {
  readonly name: string;
  readonly reason: string;
}

/** The top-level `manifest.json`, format 2. */
interface BundleManifestV2 {
  readonly formatVersion: 2;
  readonly sourceCommit: string | null;
  /** True when the bundle lacks recipes of the workspace: a partial bundle never deletes stacks. */
  readonly partial: boolean;
  readonly retired: readonly RetiredRecipe[];
  readonly recipes: readonly BundleRecipeEntry[];
}

/** The per-recipe manifest: what the deployer compares with the top-level entry. Other keys are the bundler's business. */
interface RecipeManifestV2 {
  readonly name: string;
  readonly version: string;
  readonly contentHash: string;
  readonly templateHash?: string;
  readonly stackName?: string;
  readonly buildOnVersionChange?: boolean;
  readonly [key: string]: unknown;
}

const TOP_KEYS = ['formatVersion', 'partial', 'recipes', 'retired', 'sourceCommit'];
const ENTRY_KEYS = [
  'buildOnVersionChange',
  'catalogHash',
  'contentHash',
  'name',
  'parameters',
  'stackName',
  'template',
  'templateHash',
  'version',
];
const RETIRED_KEYS = ['name', 'reason'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed top-level manifest. Returns the manifest when nothing is wrong with it, and
 * every problem found either way (a manifest with problems is never returned).
 */
function parseManifest(data: unknown, path = 'manifest.json'): { manifest: BundleManifestV2 | undefined; problems: BundleProblem[] } {
  const problems: BundleProblem[] = [];
  const at = { path };
  if (!isObject(data)) {
    problems.push(problem('BUNDLE002', 'manifest.json is not a JSON object', at));
    return { manifest: undefined, problems };
  }
  for (const key of Object.keys(data)) {
    if (!TOP_KEYS.includes(key))
      problems.push(problem('BUNDLE005', `unknown key ${quote(key)} (format ${FORMAT_VERSION} has ${TOP_KEYS.join(', ')})`, at));
  }
  if (data.formatVersion !== FORMAT_VERSION) {
    const hint =
      data.formatVersion === 1 ? ': the bundle was written by an older bakery CLI; bundle and publish again with the current one' : '';
    problems.push(problem('BUNDLE003', `formatVersion is ${quote(data.formatVersion)}, expected ${FORMAT_VERSION}${hint}`, at));
  }
  if (!(data.sourceCommit === null || (typeof data.sourceCommit === 'string' && COMMIT.test(data.sourceCommit)))) {
    problems.push(
      problem('BUNDLE004', `sourceCommit must be a git commit id (40 or 64 hex digits) or null, not ${quote(data.sourceCommit)}`, at),
    );
  }
  if (typeof data.partial !== 'boolean')
    problems.push(problem('BUNDLE004', `partial must be true or false, not ${quote(data.partial)}`, at));

  const retired = parseRetired(data.retired, problems, path);
  const recipes = parseEntries(data.recipes, problems, path);
  const recipeNames = new Set(recipes.map((r) => r.name));
  for (const entry of retired) {
    if (recipeNames.has(entry.name)) {
      problems.push(
        problem(
          'BUNDLE024',
          `${entry.name} is listed both as a recipe and as retired; remove it from recipes/retired.yaml or from recipes/`,
          { path, recipe: entry.name },
        ),
      );
    }
  }
  if (problems.length > 0) return { manifest: undefined, problems };
  return {
    manifest: { formatVersion: 2, sourceCommit: data.sourceCommit as string | null, partial: data.partial as boolean, retired, recipes },
    problems,
  };
}

function parseRetired(value: unknown, problems: BundleProblem[], path: string): RetiredRecipe[] {
  if (!Array.isArray(value)) {
    problems.push(problem('BUNDLE004', `retired must be a list of {name, reason}, not ${quote(value)}`, { path }));
    return [];
  }
  if (value.length > LIMITS.maxRetired) {
    problems.push(problem('BUNDLE020', `retired lists ${value.length} recipes; at most ${LIMITS.maxRetired} are read`, { path }));
    return [];
  }
  const out: RetiredRecipe[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const where = `retired[${index}]`;
    if (!isObject(item)) {
      problems.push(problem('BUNDLE004', `${where} must be an object {name, reason}`, { path }));
      return;
    }
    for (const key of Object.keys(item))
      if (!RETIRED_KEYS.includes(key)) problems.push(problem('BUNDLE005', `${where} has unknown key ${quote(key)}`, { path }));
    const name = item.name;
    if (!isRecipeName(name)) {
      problems.push(
        problem(
          'BUNDLE006',
          `${where}.name ${quote(name)} is not a recipe name (${RECIPE_NAME_MIN}-${RECIPE_NAME_MAX} lower-case letters, digits, single hyphens)`,
          { path },
        ),
      );
      return;
    }
    if (typeof item.reason !== 'string' || item.reason.trim() === '' || item.reason.length > LIMITS.maxReasonLength) {
      problems.push(
        problem('BUNDLE004', `${where}.reason must be a non-empty text of at most ${LIMITS.maxReasonLength} characters`, {
          path,
          recipe: name,
        }),
      );
      return;
    }
    if (seen.has(name)) {
      problems.push(problem('BUNDLE007', `${name} is retired twice`, { path, recipe: name }));
      return;
    }
    seen.add(name);
    out.push({ name, reason: item.reason });
  });
  return out;
}

function parseEntries(value: unknown, problems: BundleProblem[], path: string): BundleRecipeEntry[] {
  if (!Array.isArray(value)) {
    problems.push(problem('BUNDLE004', `recipes must be a list, not ${quote(value)}`, { path }));
    return [];
  }
  if (value.length > LIMITS.maxRecipes) {
    problems.push(
      problem('BUNDLE020', `the bundle lists ${value.length} recipes; at most ${LIMITS.maxRecipes} are deployed from one bundle`, { path }),
    );
    return [];
  }
  const out: BundleRecipeEntry[] = [];
  const seen = new Set<string>();
  let previous: string | undefined;
  value.forEach((item, index) => {
    const entry = parseEntry(item, index, problems, path);
    if (!entry) return;
    if (seen.has(entry.name)) {
      problems.push(problem('BUNDLE007', `recipe ${entry.name} is listed twice`, { path, recipe: entry.name }));
      return;
    }
    if (previous !== undefined && entry.name < previous) {
      problems.push(
        problem('BUNDLE008', `recipes must be sorted by name: ${entry.name} comes after ${previous}`, { path, recipe: entry.name }),
      );
    }
    previous = entry.name;
    seen.add(entry.name);
    out.push(entry);
  });
  return out;
}

function parseEntry(item: unknown, index: number, problems: BundleProblem[], path: string): BundleRecipeEntry | undefined {
  const where = `recipes[${index}]`;
  if (!isObject(item)) {
    problems.push(problem('BUNDLE004', `${where} must be an object`, { path }));
    return undefined;
  }
  const name = item.name;
  if (!isRecipeName(name)) {
    problems.push(
      problem(
        'BUNDLE006',
        `${where}.name ${quote(name)} is not a recipe name (${RECIPE_NAME_MIN}-${RECIPE_NAME_MAX} lower-case letters, digits, single hyphens)`,
        { path },
      ),
    );
    return undefined;
  }
  const at = { path, recipe: name };
  const before = problems.length;
  for (const key of Object.keys(item))
    if (!ENTRY_KEYS.includes(key)) problems.push(problem('BUNDLE005', `${where} (${name}) has unknown key ${quote(key)}`, at));
  if (typeof item.version !== 'string' || !SEMVER.test(item.version))
    problems.push(problem('BUNDLE004', `version ${quote(item.version)} is not MAJOR.MINOR.PATCH`, at));
  const stackName = item.stackName;
  if (
    typeof stackName !== 'string' ||
    !STACK_NAME.test(stackName) ||
    stackName.length > LIMITS.maxStackNameLength ||
    !stackName.endsWith(name)
  ) {
    problems.push(
      problem(
        'BUNDLE027',
        `stackName ${quote(stackName)} must be a CloudFormation stack name of at most ${LIMITS.maxStackNameLength} characters ending in the recipe name`,
        at,
      ),
    );
  }
  if (item.template !== templatePath(name))
    problems.push(problem('BUNDLE009', `template is ${quote(item.template)}, expected ${quote(templatePath(name))}`, at));
  for (const key of ['contentHash', 'templateHash'] as const) {
    if (typeof item[key] !== 'string' || !HASH.test(item[key] as string))
      problems.push(problem('BUNDLE004', `${key} ${quote(item[key])} is not sha256:<64 hex digits>`, at));
  }
  if (item.catalogHash !== undefined && (typeof item.catalogHash !== 'string' || !HASH.test(item.catalogHash)))
    problems.push(problem('BUNDLE004', `catalogHash ${quote(item.catalogHash)} is not sha256:<64 hex digits>`, at));
  if (typeof item.buildOnVersionChange !== 'boolean')
    problems.push(problem('BUNDLE004', `buildOnVersionChange must be true or false, not ${quote(item.buildOnVersionChange)}`, at));
  const parameters = item.parameters;
  if (!Array.isArray(parameters) || parameters.some((p) => typeof p !== 'string')) {
    problems.push(problem('BUNDLE004', `parameters must be a list of parameter names, not ${quote(parameters)}`, at));
  } else {
    const unknown = parameters.filter((p) => !(RECIPE_PARAMETERS as readonly string[]).includes(p));
    for (const p of unknown)
      problems.push(problem('BUNDLE023', `parameter ${quote(p)} is not one the deployer fills (${RECIPE_PARAMETERS.join(', ')})`, at));
    const sorted = [...parameters].sort();
    if (new Set(parameters).size !== parameters.length || sorted.some((p, i) => p !== parameters[i])) {
      problems.push(problem('BUNDLE004', 'parameters must be sorted and unique', at));
    }
  }
  if (problems.length > before) return undefined;
  return {
    name,
    version: item.version as string,
    stackName: stackName as string,
    template: item.template as string,
    contentHash: item.contentHash as string,
    templateHash: item.templateHash as string,
    parameters: [...(parameters as string[])],
    buildOnVersionChange: item.buildOnVersionChange as boolean,
    ...(typeof item.catalogHash === 'string' ? { catalogHash: item.catalogHash } : {}),
  };
}

/** Compares a per-recipe manifest with the top-level entry; every disagreement is a problem. */
function checkRecipeManifest(data: unknown, entry: BundleRecipeEntry, path: string): BundleProblem[] {
  const at = { path, recipe: entry.name };
  if (!isObject(data)) return [problem('BUNDLE015', 'the recipe manifest is not a JSON object', at)];
  const problems: BundleProblem[] = [];
  for (const key of ['name', 'version', 'contentHash'] as const) {
    if (data[key] !== entry[key])
      problems.push(problem('BUNDLE014', `${key} is ${quote(data[key])} here but ${quote(entry[key])} in manifest.json`, at));
  }
  for (const key of ['templateHash', 'stackName', 'buildOnVersionChange'] as const) {
    if (key in data && data[key] !== entry[key])
      problems.push(problem('BUNDLE014', `${key} is ${quote(data[key])} here but ${quote(entry[key])} in manifest.json`, at));
  }
  return problems;
}

export {
  type BundleManifestV2,
  type BundleRecipeEntry,
  checkRecipeManifest,
  FORMAT_VERSION,
  isObject,
  parseManifest,
  RECIPE_PARAMETERS,
  type RecipeManifestV2,
  type RecipeParameter,
  type RetiredRecipe,
};
