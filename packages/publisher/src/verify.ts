/**
 * The bundle check every reader runs before using a bundle (format 2, docs/contracts.md):
 * `verifyBundle(files)` returns every problem at once, each named by a stable id, the recipe and
 * the path, and an empty list for a bundle that can be used.
 *
 * It follows the contract text of `@ami-bakery/bundle`'s `verifyBundle` (same signature and
 * problem shape), so the publisher can switch to that package without changing its callers.
 */
import { createHash } from 'node:crypto';

interface BundleProblem {
  /** Stable, kebab-case: what kind of problem. */
  readonly id: string;
  readonly recipe?: string;
  readonly path?: string;
  readonly message: string;
}

interface RetiredRecipe {
  readonly name: string;
  readonly reason: string;
}

/** One entry of `recipes` in the top-level manifest. */
interface BundleRecipe {
  readonly name: string;
  readonly version: string;
  readonly stackName: string;
  readonly template: string;
  readonly contentHash: string;
  readonly templateHash: string;
  readonly parameters: readonly string[];
  readonly buildOnVersionChange: boolean;
  /** `sha256:<hex>` of recipes/<name>/catalog.json, when the recipe has an image catalog. */
  readonly catalogHash?: string;
}

interface BundleManifest {
  readonly formatVersion: 2;
  readonly sourceCommit: string | null;
  readonly partial: boolean;
  readonly retired: readonly RetiredRecipe[];
  readonly recipes: readonly BundleRecipe[];
}

const FORMAT_VERSION = 2;
const MANIFEST = 'manifest.json';
const NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const HASH = /^sha256:[0-9a-f]{64}$/;
const PARAMETER = /^[A-Za-z0-9]{1,255}$/;

const DECODER = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array): string | undefined {
  try {
    return DECODER.decode(bytes);
  } catch {
    return undefined;
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses the top-level manifest; problems go to `problems`. Returns the manifest when its shape
 * is right (entries with a wrong shape are left out of `recipes` and reported).
 */
function parseManifest(
  bytes: Uint8Array | undefined,
  problems: BundleProblem[],
  mentioned: Set<string> = new Set(),
): BundleManifest | undefined {
  const problem = (id: string, message: string, recipe?: string) =>
    problems.push({ id, path: MANIFEST, message, ...(recipe !== undefined ? { recipe } : {}) });
  if (bytes === undefined) {
    problem('manifest-missing', 'manifest.json is missing: the bundle has no index.');
    return undefined;
  }
  const text = decode(bytes);
  let raw: unknown;
  try {
    raw = text === undefined ? undefined : JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (!isObject(raw)) {
    problem('manifest-invalid', 'manifest.json is not a UTF-8 JSON object.');
    return undefined;
  }
  if (raw.formatVersion !== FORMAT_VERSION) {
    problem('format-version', `manifest.json has formatVersion ${JSON.stringify(raw.formatVersion)}; this reader takes ${FORMAT_VERSION}.`);
    return undefined;
  }
  let ok = true;
  if (raw.sourceCommit !== null && typeof raw.sourceCommit !== 'string') {
    problem('manifest-invalid', 'sourceCommit is neither a string nor null.');
    ok = false;
  }
  if (typeof raw.partial !== 'boolean') {
    problem('manifest-invalid', 'partial is not true or false.');
    ok = false;
  }
  const retired: RetiredRecipe[] = [];
  if (!Array.isArray(raw.retired)) {
    problem('manifest-invalid', 'retired is not a list.');
    ok = false;
  } else {
    raw.retired.forEach((entry: unknown, index: number) => {
      if (
        isObject(entry) &&
        typeof entry.name === 'string' &&
        NAME.test(entry.name) &&
        typeof entry.reason === 'string' &&
        entry.reason.trim() !== ''
      ) {
        retired.push({ name: entry.name, reason: entry.reason });
      } else problem('manifest-invalid', `retired[${index}] is not { name, reason } with a recipe name and a reason.`);
    });
  }
  if (!Array.isArray(raw.recipes)) {
    problem('manifest-invalid', 'recipes is not a list.');
    return undefined;
  }
  const recipes: BundleRecipe[] = [];
  const names = new Set<string>();
  raw.recipes.forEach((entry: unknown, index: number) => {
    const name = isObject(entry) && typeof entry.name === 'string' ? entry.name : undefined;
    const label = name !== undefined ? name : `recipes[${index}]`;
    if (name !== undefined) mentioned.add(name);
    if (!isObject(entry) || name === undefined || !NAME.test(name)) {
      problem('recipe-entry-invalid', `${label} has no valid name (lower-case letters, digits and hyphens).`);
      return;
    }
    const wrong: string[] = [];
    if (typeof entry.version !== 'string' || !SEMVER.test(entry.version)) wrong.push('version (MAJOR.MINOR.PATCH)');
    if (typeof entry.stackName !== 'string' || entry.stackName === '') wrong.push('stackName');
    if (entry.template !== `recipes/${name}/template.yaml`) wrong.push(`template (recipes/${name}/template.yaml)`);
    if (typeof entry.contentHash !== 'string' || !HASH.test(entry.contentHash)) wrong.push('contentHash (sha256:<hex>)');
    if (typeof entry.templateHash !== 'string' || !HASH.test(entry.templateHash)) wrong.push('templateHash (sha256:<hex>)');
    if (!Array.isArray(entry.parameters) || !entry.parameters.every((p: unknown) => typeof p === 'string' && PARAMETER.test(p)))
      wrong.push('parameters (names)');
    if (typeof entry.buildOnVersionChange !== 'boolean') wrong.push('buildOnVersionChange (true or false)');
    if (entry.catalogHash !== undefined && (typeof entry.catalogHash !== 'string' || !HASH.test(entry.catalogHash)))
      wrong.push('catalogHash (sha256:<hex>)');
    if (wrong.length > 0) {
      problem('recipe-entry-invalid', `The entry of ${name} has a missing or wrong ${wrong.join(', ')}.`, name);
      return;
    }
    if (names.has(name)) {
      problem('duplicate-recipe', `${name} is listed twice.`, name);
      return;
    }
    names.add(name);
    recipes.push(entry as unknown as BundleRecipe);
  });
  for (const entry of retired) {
    if (names.has(entry.name))
      problem(
        'retired-and-present',
        `${entry.name} is both retired and in the bundle; a commit either keeps or retires a recipe.`,
        entry.name,
      );
  }
  if (!ok) return undefined;
  return {
    formatVersion: FORMAT_VERSION,
    sourceCommit: raw.sourceCommit as string | null,
    partial: raw.partial as boolean,
    retired,
    recipes,
  };
}

/**
 * Every problem of the bundle `files` (path relative to the bundle root, `/`-separated -> bytes):
 * the manifest's shape, then per entry its folder, per-recipe manifest and template, their hashes
 * and versions, and nothing in the bundle that the manifest does not account for.
 */
function verifyBundle(files: ReadonlyMap<string, Uint8Array>): BundleProblem[] {
  const problems: BundleProblem[] = [];
  // Entries with a wrong shape are reported once; their folders are not extra on top of that.
  const mentioned = new Set<string>();
  const manifest = parseManifest(files.get(MANIFEST), problems, mentioned);
  const expected = new Set<string>([MANIFEST]);
  const listed = new Set<string>();
  for (const recipe of manifest?.recipes ?? []) {
    const { name } = recipe;
    listed.add(name);
    const folder = `recipes/${name}/`;
    const recipeManifestPath = `${folder}manifest.json`;
    const templatePath = `${folder}template.yaml`;
    expected.add(recipeManifestPath).add(templatePath);
    const problem = (id: string, path: string, message: string) => problems.push({ id, recipe: name, path, message });
    if (![...files.keys()].some((p) => p.startsWith(folder))) {
      problem('folder-missing', folder, `${folder} is missing: manifest.json lists ${name}.`);
      continue;
    }
    const recipeManifest = files.get(recipeManifestPath);
    if (recipeManifest === undefined) problem('recipe-manifest-missing', recipeManifestPath, `${recipeManifestPath} is missing.`);
    else {
      const text = decode(recipeManifest);
      let parsed: unknown;
      try {
        parsed = text === undefined ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!isObject(parsed)) problem('recipe-manifest-invalid', recipeManifestPath, `${recipeManifestPath} is not a UTF-8 JSON object.`);
      else {
        for (const key of ['name', 'version', 'stackName', 'contentHash'] as const) {
          if (parsed[key] !== recipe[key]) {
            problem(
              'recipe-manifest-mismatch',
              recipeManifestPath,
              `${recipeManifestPath} has ${key} ${JSON.stringify(parsed[key])}, manifest.json ${JSON.stringify(recipe[key])}.`,
            );
          }
        }
      }
    }
    if (recipe.catalogHash !== undefined) {
      // The image catalog travels next to the template, hashed in the entry (docs/contracts.md, "Image catalog").
      const catalogPath = `${folder}catalog.json`;
      expected.add(catalogPath);
      const catalog = files.get(catalogPath);
      if (catalog === undefined)
        problem('catalog-missing', catalogPath, `${catalogPath} is missing: manifest.json gives ${name} a catalogHash.`);
      else if (sha256(catalog) !== recipe.catalogHash)
        problem(
          'catalog-hash-mismatch',
          catalogPath,
          `${catalogPath} does not match its catalogHash in manifest.json (it changed after bundling).`,
        );
    }
    const template = files.get(templatePath);
    if (template === undefined) problem('template-missing', templatePath, `${templatePath} is missing.`);
    else if (template.byteLength === 0) problem('template-empty', templatePath, `${templatePath} is empty.`);
    else if (decode(template) === undefined || template.includes(0))
      problem('template-not-text', templatePath, `${templatePath} is not UTF-8 text.`);
    else if (sha256(template) !== recipe.templateHash) {
      problem(
        'template-hash-mismatch',
        templatePath,
        `${templatePath} does not match its templateHash in manifest.json (it changed after bundling).`,
      );
    }
  }
  for (const path of [...files.keys()].sort()) {
    if (expected.has(path)) continue;
    const [top, name] = path.split('/');
    // A folder of a recipe the manifest does not list is one finding, not one per file.
    if (top === 'recipes' && name !== undefined && mentioned.has(name) && !listed.has(name)) continue;
    if (top === 'recipes' && name !== undefined && !listed.has(name) && manifest !== undefined) {
      const folder = `recipes/${name}/`;
      if (!problems.some((p) => p.path === folder))
        problems.push({ id: 'extra-file', recipe: name, path: folder, message: `${folder} is not listed in manifest.json.` });
      continue;
    }
    if (manifest === undefined && top === 'recipes') continue;
    problems.push({
      id: 'extra-file',
      path,
      message: `${path} is not part of the bundle format (manifest.json, recipes/<name>/{manifest.json,template.yaml,catalog.json}).`,
    });
  }
  return problems;
}

export type { BundleManifest, BundleProblem, BundleRecipe, RetiredRecipe };
export { parseManifest, verifyBundle };
