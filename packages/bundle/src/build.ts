/**
 * Building bundle v2 data in memory: the manifest entry of a bundled recipe, the manifest, the
 * path -> bytes map. `bakery plan` uses these to bundle two trees without writing them; the bundle
 * writer may use them so both sides share one definition.
 */
import jsyaml from 'js-yaml';
import { type CatalogState, catalogHash, catalogJson, catalogPath } from './catalog.js';
import { compareCodeUnits, sortKeys, templateHash } from './hash.js';
import { type BundleManifestV2, type BundleRecipeEntry, FORMAT_VERSION, isObject, type RetiredRecipe } from './manifest.js';
import { isRecipeName, MANIFEST_PATH, quote, recipeManifestPath, templatePath } from './names.js';

interface BundledRecipe {
  readonly name: string;
  readonly version: string;
  readonly stackName: string;
  readonly contentHash: string;
  readonly templateText: string;
  readonly parameters: readonly string[];
  readonly buildOnVersionChange: boolean;
  /** The per-recipe manifest the bundler wrote; `templateHash` and `buildOnVersionChange` are added. */
  readonly recipeManifest: Readonly<Record<string, unknown>>;
  /** The recipe's catalog: written as recipes/<name>/catalog.json and hashed in the entry. Absent: no catalog. */
  readonly catalog?: CatalogState;
}

function manifestEntryOf(recipe: BundledRecipe): BundleRecipeEntry {
  return {
    name: recipe.name,
    version: recipe.version,
    stackName: recipe.stackName,
    template: templatePath(recipe.name),
    contentHash: recipe.contentHash,
    templateHash: templateHash(recipe.templateText),
    parameters: [...recipe.parameters].sort(compareCodeUnits),
    buildOnVersionChange: recipe.buildOnVersionChange,
    ...(recipe.catalog ? { catalogHash: catalogHash(catalogJson(recipe.catalog)) } : {}),
  };
}

function buildManifestV2(
  recipes: readonly BundledRecipe[],
  context: { sourceCommit: string | null; partial: boolean; retired: readonly RetiredRecipe[] },
): BundleManifestV2 {
  return {
    formatVersion: FORMAT_VERSION,
    sourceCommit: context.sourceCommit,
    partial: context.partial,
    retired: [...context.retired].sort((a, b) => compareCodeUnits(a.name, b.name)),
    recipes: recipes.map(manifestEntryOf).sort((a, b) => compareCodeUnits(a.name, b.name)),
  };
}

/** 2-space JSON with sorted keys and a trailing newline: the on-disk form of every manifest. */
function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** The bundle's files: manifest.json and each recipe's template.yaml, manifest.json and (when it has one) catalog.json. */
function bundleFiles(
  recipes: readonly BundledRecipe[],
  context: { sourceCommit: string | null; partial: boolean; retired: readonly RetiredRecipe[] },
): Map<string, Uint8Array> {
  const encoder = new TextEncoder();
  const manifest = buildManifestV2(recipes, context);
  const files = new Map<string, Uint8Array>();
  files.set(MANIFEST_PATH, encoder.encode(stableJson(manifest)));
  for (const recipe of recipes) {
    const entry = manifestEntryOf(recipe);
    files.set(templatePath(recipe.name), encoder.encode(recipe.templateText));
    files.set(
      recipeManifestPath(recipe.name),
      encoder.encode(
        stableJson({ ...recipe.recipeManifest, templateHash: entry.templateHash, buildOnVersionChange: entry.buildOnVersionChange }),
      ),
    );
    if (recipe.catalog) files.set(catalogPath(recipe.name), encoder.encode(catalogJson(recipe.catalog)));
  }
  return files;
}

/** `schedule.buildOnVersionChange` of a parsed recipe: true unless set to false. */
function buildOnVersionChangeOf(recipe: unknown): boolean {
  const schedule = isObject(recipe) ? recipe.schedule : undefined;
  return !(isObject(schedule) && schedule.buildOnVersionChange === false);
}

/**
 * The two settings of a recipe.yaml the planner needs without bundling it: its version and
 * `schedule.buildOnVersionChange`. Undefined version when the text does not parse or has none.
 */
function recipeSettings(text: string): { version: string | undefined; buildOnVersionChange: boolean } {
  let data: unknown;
  try {
    data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: true });
  } catch {
    return { version: undefined, buildOnVersionChange: true };
  }
  const version = isObject(data) && typeof data.version === 'string' ? data.version : undefined;
  return { version, buildOnVersionChange: buildOnVersionChangeOf(data) };
}

/**
 * Reads `recipes/retired.yaml`: a list of `{name, reason}`. Problems are returned as text
 * (the writer turns them into findings); a missing file is an empty list.
 */
function parseRetiredFile(text: string | undefined): { retired: RetiredRecipe[]; problems: string[] } {
  if (text === undefined) return { retired: [], problems: [] };
  let data: unknown;
  try {
    data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false });
  } catch (error) {
    const e = error as { reason?: string; message?: string };
    return { retired: [], problems: [`recipes/retired.yaml is not YAML: ${e.reason ?? (e.message ?? '').split('\n')[0]}`] };
  }
  if (data === null || data === undefined) return { retired: [], problems: [] };
  if (!Array.isArray(data)) return { retired: [], problems: ['recipes/retired.yaml must be a list of {name, reason}'] };
  const retired: RetiredRecipe[] = [];
  const problems: string[] = [];
  data.forEach((item, index) => {
    const name = isObject(item) ? item.name : undefined;
    const reason = isObject(item) ? item.reason : undefined;
    if (!isRecipeName(name)) problems.push(`recipes/retired.yaml item ${index + 1}: name ${quote(name)} is not a recipe name`);
    else if (typeof reason !== 'string' || reason.trim() === '')
      problems.push(`recipes/retired.yaml item ${index + 1} (${name}): give a reason`);
    else if (retired.some((r) => r.name === name)) problems.push(`recipes/retired.yaml: ${name} is listed twice`);
    else retired.push({ name, reason: reason.trim() });
  });
  return { retired, problems };
}

export {
  type BundledRecipe,
  buildManifestV2,
  buildOnVersionChangeOf,
  bundleFiles,
  manifestEntryOf,
  parseRetiredFile,
  recipeSettings,
  stableJson,
};
