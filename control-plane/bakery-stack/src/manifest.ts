import { InvalidManifestError } from './errors.js';

/** Parameters a recipe template may declare and the deploy stage knows how to fill. */
const RECIPE_PARAMETERS = ['ArtifactBucketName', 'PermissionsBoundaryArn', 'OrganizationId', 'ManagementAccountId'] as const;
type RecipeParameter = (typeof RECIPE_PARAMETERS)[number];

/** One recipe of the top-level `manifest.json` (docs/contracts.md). */
interface BundleManifestRecipe {
  name: string;
  version: string;
  stackName: string;
  template: string;
  contentHash: string;
  parameters: readonly string[];
}

/** Top-level `dist/bundle/manifest.json`. Extra keys are ignored so older stacks keep building. */
interface BundleManifest {
  formatVersion: number;
  sourceCommit: string | null;
  recipes: readonly BundleManifestRecipe[];
}

/** A recipe as the pipeline deploys it: checked and in a stable order. */
interface DeployableRecipe {
  name: string;
  templatePath: string;
  parameters: RecipeParameter[];
}

/** Stage action names allow these characters; recipe names are a strict subset. */
const RECIPE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** CodePipeline caps a stage at 50 actions; larger manifests spill into further Deploy stages. */
const MAX_ACTIONS_PER_STAGE = 50;

function isRecipeParameter(name: string): name is RecipeParameter {
  return (RECIPE_PARAMETERS as readonly string[]).includes(name);
}

function templatePathProblem(name: string, template: unknown): string | undefined {
  if (typeof template !== 'string' || template === '') return `recipe ${name}: "template" must be the template path inside the bundle`;
  if (template.startsWith('/') || template.split('/').includes('..') || template.includes('\\')) {
    return `recipe ${name}: template path ${JSON.stringify(template)} must be relative to the bundle root, with "/" and no ".."`;
  }
  if (!/^[\w./-]+$/.test(template))
    return `recipe ${name}: template path ${JSON.stringify(template)} may only use letters, digits, "_", ".", "-" and "/"`;
  return undefined;
}

/**
 * Checks what the pipeline relies on and returns the recipes sorted by name. Throws
 * InvalidManifestError naming every problem at once.
 */
function deployableRecipes(manifest: BundleManifest): DeployableRecipe[] {
  const problems: string[] = [];
  if (manifest === null || typeof manifest !== 'object') throw new InvalidManifestError(['the manifest is not an object']);
  if (manifest.formatVersion !== 1)
    problems.push(
      `formatVersion ${JSON.stringify(manifest.formatVersion)} is not supported: rebuild the bundle with this version of the tools (formatVersion 1)`,
    );
  if (!Array.isArray(manifest.recipes)) {
    problems.push('"recipes" must be a list');
    throw new InvalidManifestError(problems);
  }
  const seen = new Set<string>();
  const recipes: DeployableRecipe[] = [];
  for (const [index, recipe] of manifest.recipes.entries()) {
    const name = recipe?.name;
    if (typeof name !== 'string' || !RECIPE_NAME.test(name)) {
      problems.push(
        `recipes[${index}]: name ${JSON.stringify(name)} must be 1-63 lowercase letters, digits or hyphens, starting with a letter or digit`,
      );
      continue;
    }
    if (seen.has(name)) problems.push(`recipe ${name} appears twice: recipe names must be unique`);
    seen.add(name);
    const templateProblem = templatePathProblem(name, recipe.template);
    if (templateProblem) problems.push(templateProblem);
    const declared: string[] = Array.isArray(recipe.parameters) ? recipe.parameters.map(String) : [];
    if (!Array.isArray(recipe.parameters)) problems.push(`recipe ${name}: "parameters" must be a list of template parameter names`);
    const unknown = declared.filter((p) => !isRecipeParameter(p));
    if (unknown.length > 0) {
      problems.push(
        `recipe ${name}: parameter(s) ${unknown.join(', ')} cannot be supplied by the pipeline (known: ${RECIPE_PARAMETERS.join(', ')})`,
      );
    }
    recipes.push({ name, templatePath: String(recipe.template), parameters: [...new Set(declared.filter(isRecipeParameter))].sort() });
  }
  if (problems.length > 0) throw new InvalidManifestError(problems);
  return recipes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Splits the recipes into Deploy stages of at most 50 actions: `Deploy`, `Deploy-2`, ... */
function deployStages<T>(recipes: readonly T[]): { name: string; recipes: T[] }[] {
  const stages: { name: string; recipes: T[] }[] = [];
  for (let start = 0; start < recipes.length; start += MAX_ACTIONS_PER_STAGE) {
    const n = stages.length + 1;
    stages.push({ name: n === 1 ? 'Deploy' : `Deploy-${n}`, recipes: recipes.slice(start, start + MAX_ACTIONS_PER_STAGE) });
  }
  return stages;
}

export {
  type BundleManifest,
  type BundleManifestRecipe,
  type DeployableRecipe,
  deployableRecipes,
  deployStages,
  MAX_ACTIONS_PER_STAGE,
  RECIPE_PARAMETERS,
  type RecipeParameter,
};
