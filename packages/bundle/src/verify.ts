/**
 * Verifies a bundle held in memory as path -> bytes (a folder read from disk, or the pipeline's
 * source zip): the manifest, every recipe's folder, hashes, templates and sizes. Every problem is
 * reported at once; hostile input never makes it throw.
 */
import { type CatalogState, catalogHash, catalogPath, catalogPathText, parseCatalog } from './catalog.js';
import { templateHash } from './hash.js';
import { LIMITS, type Limits } from './limits.js';
import { type BundleManifestV2, type BundleRecipeEntry, checkRecipeManifest, isObject, parseManifest } from './manifest.js';
import { isRecipeName, MANIFEST_PATH, quote, RECIPES_DIR, recipeManifestPath, templatePath, unsafePathReason } from './names.js';
import { type BundleProblem, problem, sortProblems } from './problems.js';
import { RECIPE_RESOURCE_TYPES } from './schemas.js';
import { parseTemplateText } from './yaml.js';

/** A CloudFormation template as plain data. */
type Template = Record<string, unknown>;

interface VerifyOptions {
  /** Files outside the bundle format that may sit next to it (the source artifact's publish record, a README). */
  allowExtra?: (path: string) => boolean;
  /** Resource types a template may contain; default: those of the resource-schema fixture. */
  allowedResourceTypes?: ReadonlySet<string>;
  /** The deployer's stack prefix: `<prefix><name>` must be a valid stack name. */
  stackPrefix?: string;
  limits?: Partial<Limits>;
}

/** One recipe of a verified bundle. */
interface LoadedRecipe {
  readonly entry: BundleRecipeEntry;
  readonly templateBytes: Uint8Array;
  readonly templateText: string;
  readonly template: Template;
  /** The recipe's catalog (catalog.json); undefined when the entry has no catalogHash. */
  readonly catalog: CatalogState | undefined;
}

interface LoadedBundle {
  readonly manifest: BundleManifestV2;
  /** In manifest order (sorted by name). */
  readonly recipes: readonly LoadedRecipe[];
}

interface LoadResult {
  /** Set only when there is no problem at all. */
  readonly bundle: LoadedBundle | undefined;
  /** Sorted by path, recipe, id. */
  readonly problems: readonly BundleProblem[];
}

/** Files the source artifact carries next to the bundle: the publish record and the seed's README. */
const SOURCE_ARTIFACT_EXTRAS: readonly string[] = ['.bakery/published.json', 'README.md'];

function isSourceArtifactExtra(path: string): boolean {
  return SOURCE_ARTIFACT_EXTRAS.includes(path);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Checks `files` and reads the bundle they hold: the one function publish and the deployer share. */
function loadBundle(files: ReadonlyMap<string, Uint8Array>, options: VerifyOptions = {}): LoadResult {
  try {
    const problems = collect(files, options);
    return problems.problems.length > 0
      ? { bundle: undefined, problems: sortProblems(problems.problems) }
      : { bundle: problems.bundle, problems: [] };
  } catch (error) {
    // A bug here must not let a bundle through: report it as a problem and refuse.
    return {
      bundle: undefined,
      problems: [problem('BUNDLE002', `the bundle could not be verified: ${(error as Error)?.message ?? String(error)}`)],
    };
  }
}

/** Every problem of the bundle in `files`, sorted; empty when it can be deployed. */
function verifyBundle(files: ReadonlyMap<string, Uint8Array>, options: VerifyOptions = {}): BundleProblem[] {
  return [...loadBundle(files, options).problems];
}

function collect(
  files: ReadonlyMap<string, Uint8Array>,
  options: VerifyOptions,
): { bundle: LoadedBundle | undefined; problems: BundleProblem[] } {
  const limits: Limits = { ...LIMITS, ...options.limits };
  const problems: BundleProblem[] = [];
  const allowedTypes = options.allowedResourceTypes ?? RECIPE_RESOURCE_TYPES;

  if (files.size > limits.maxFiles) {
    problems.push(problem('BUNDLE020', `the bundle holds ${files.size} files; at most ${limits.maxFiles} are read`));
    return { bundle: undefined, problems };
  }
  let total = 0;
  for (const bytes of files.values()) total += bytes.byteLength;
  if (total > limits.maxBundleBytes) {
    problems.push(problem('BUNDLE020', `the bundle holds ${total} bytes; at most ${limits.maxBundleBytes} are read`));
    return { bundle: undefined, problems };
  }
  for (const path of files.keys()) {
    const reason = unsafePathReason(path);
    if (reason) problems.push(problem('BUNDLE012', `${quote(path)}: ${reason}`));
  }

  const manifestBytes = files.get(MANIFEST_PATH);
  let raw: unknown;
  if (manifestBytes === undefined) {
    problems.push(
      problem('BUNDLE001', 'manifest.json is missing: this is not a bundle (bakery bundle writes one)', { path: MANIFEST_PATH }),
    );
  } else if (manifestBytes.byteLength > limits.maxManifestBytes) {
    problems.push(
      problem('BUNDLE028', `manifest.json has ${manifestBytes.byteLength} bytes; at most ${limits.maxManifestBytes} are read`, {
        path: MANIFEST_PATH,
      }),
    );
  } else {
    const text = decode(manifestBytes);
    if (text === undefined) problems.push(problem('BUNDLE002', 'manifest.json is not UTF-8 text', { path: MANIFEST_PATH }));
    else {
      try {
        raw = JSON.parse(text);
      } catch (error) {
        problems.push(problem('BUNDLE002', `manifest.json is not JSON: ${(error as Error).message}`, { path: MANIFEST_PATH }));
      }
    }
  }
  const parsed = raw === undefined ? undefined : parseManifest(raw, MANIFEST_PATH);
  if (parsed) problems.push(...parsed.problems);

  // Names the manifest claims, valid entry or not: their folders are not "extra" files on top of the entry's problems.
  const claimed = new Set<string>();
  const withCatalog = new Set<string>();
  if (isObject(raw) && Array.isArray(raw.recipes)) {
    for (const item of raw.recipes.slice(0, limits.maxRecipes)) {
      if (!isObject(item) || !isRecipeName(item.name)) continue;
      claimed.add(item.name);
      if (item.catalogHash !== undefined) withCatalog.add(item.name);
    }
  }
  for (const path of files.keys()) {
    if (path === MANIFEST_PATH || options.allowExtra?.(path)) continue;
    const parts = path.split('/');
    const name = parts[1];
    const inRecipe = parts[0] === RECIPES_DIR && parts.length === 3 && name !== undefined && claimed.has(name);
    if (inRecipe && (parts[2] === 'template.yaml' || parts[2] === 'manifest.json')) continue;
    if (inRecipe && parts[2] === 'catalog.json') {
      if (withCatalog.has(name)) continue;
      problems.push(
        problem('BUNDLE011', `manifest.json gives ${name} no catalogHash, so its catalog.json is not part of the bundle; bundle again`, {
          path,
          recipe: name,
        }),
      );
      continue;
    }
    const recipe = parts[0] === RECIPES_DIR && name !== undefined && isRecipeName(name) ? name : undefined;
    const why =
      recipe !== undefined && !claimed.has(recipe)
        ? `recipes/${recipe}/ is not a recipe of manifest.json`
        : 'the bundle format has no such file';
    problems.push(
      problem('BUNDLE011', `${why}; remove it (a recipe folder holds only template.yaml, manifest.json and catalog.json)`, {
        path,
        recipe,
      }),
    );
  }

  const recipes: LoadedRecipe[] = [];
  for (const entry of parsed?.manifest?.recipes ?? validEntries(raw)) {
    const loaded = checkRecipe(entry, files, limits, allowedTypes, options.stackPrefix, problems);
    if (loaded) recipes.push(loaded);
  }
  const manifest = parsed?.manifest;
  return { bundle: manifest && problems.length === 0 ? { manifest, recipes } : undefined, problems };
}

/** Entries good enough to check their files even when the manifest as a whole has problems. */
function validEntries(raw: unknown): BundleRecipeEntry[] {
  if (!isObject(raw) || !Array.isArray(raw.recipes)) return [];
  const out: BundleRecipeEntry[] = [];
  raw.recipes.slice(0, LIMITS.maxRecipes).forEach((item) => {
    if (!isObject(item) || !isRecipeName(item.name)) return;
    // Re-parse the single entry through a one-recipe manifest to reuse the field checks without duplicating them.
    const one = parseManifest({ formatVersion: 2, sourceCommit: null, partial: false, retired: [], recipes: [item] });
    const entry = one.manifest?.recipes[0];
    if (entry) out.push(entry);
  });
  return out;
}

function checkRecipe(
  entry: BundleRecipeEntry,
  files: ReadonlyMap<string, Uint8Array>,
  limits: Limits,
  allowedTypes: ReadonlySet<string>,
  stackPrefix: string | undefined,
  problems: BundleProblem[],
): LoadedRecipe | undefined {
  const recipe = entry.name;
  const before = problems.length;
  if (stackPrefix !== undefined && `${stackPrefix}${recipe}`.length > limits.maxStackNameLength) {
    problems.push(
      problem(
        'BUNDLE027',
        `stack name ${stackPrefix}${recipe} is longer than ${limits.maxStackNameLength} characters; shorten the recipe name`,
        { recipe },
      ),
    );
  }
  const manifestPath = recipeManifestPath(recipe);
  const manifestBytes = files.get(manifestPath);
  if (manifestBytes === undefined) {
    problems.push(problem('BUNDLE010', 'the recipe manifest is missing', { recipe, path: manifestPath }));
  } else if (manifestBytes.byteLength > limits.maxRecipeManifestBytes) {
    problems.push(
      problem('BUNDLE028', `the recipe manifest has ${manifestBytes.byteLength} bytes; at most ${limits.maxRecipeManifestBytes} are read`, {
        recipe,
        path: manifestPath,
      }),
    );
  } else {
    const text = decode(manifestBytes);
    let data: unknown;
    try {
      data = text === undefined ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (data === undefined) problems.push(problem('BUNDLE015', 'the recipe manifest is not UTF-8 JSON', { recipe, path: manifestPath }));
    else problems.push(...checkRecipeManifest(data, entry, manifestPath));
  }

  const catalog = checkCatalog(entry, files, limits, problems);

  const path = templatePath(recipe);
  const bytes = files.get(path);
  if (bytes === undefined) {
    problems.push(problem('BUNDLE010', 'the template is missing', { recipe, path }));
    return undefined;
  }
  if (bytes.byteLength > limits.maxTemplateBytes) {
    problems.push(
      problem(
        'BUNDLE019',
        `the template has ${bytes.byteLength} bytes; CloudFormation takes at most ${limits.maxTemplateBytes} from S3. Split the recipe or shorten its components`,
        {
          recipe,
          path,
        },
      ),
    );
    return undefined;
  }
  if (bytes.byteLength === 0) {
    problems.push(problem('BUNDLE018', 'the template is empty', { recipe, path }));
    return undefined;
  }
  const actual = templateHash(bytes);
  if (actual !== entry.templateHash) {
    problems.push(
      problem(
        'BUNDLE013',
        `the template's sha256 is ${actual}, manifest.json says ${entry.templateHash}: the file changed after bundling`,
        { recipe, path },
      ),
    );
  }
  const text = decode(bytes);
  if (text === undefined || text.includes('\u0000')) {
    problems.push(
      problem('BUNDLE016', text === undefined ? 'the template is not UTF-8 text' : 'the template contains a NUL character', {
        recipe,
        path,
      }),
    );
    return undefined;
  }
  const parsed = parseTemplateText(text);
  if (!parsed.ok) {
    const where = parsed.line !== undefined ? ` at ${path}:${parsed.line}:${parsed.column ?? 1}` : '';
    problems.push(problem('BUNDLE017', `the template does not parse${where}: ${parsed.message}`, { recipe, path }));
    return undefined;
  }
  const template = checkTemplateShape(parsed.value, entry, limits, allowedTypes, path, problems);
  if (!template || problems.length > before) return undefined;
  return { entry, templateBytes: bytes, templateText: text, template, catalog };
}

/** The recipe's catalog.json when the entry names one: present, of the hash given, and a valid catalog. */
function checkCatalog(
  entry: BundleRecipeEntry,
  files: ReadonlyMap<string, Uint8Array>,
  limits: Limits,
  problems: BundleProblem[],
): CatalogState | undefined {
  if (entry.catalogHash === undefined) return undefined;
  const recipe = entry.name;
  const path = catalogPath(recipe);
  const bytes = files.get(path);
  if (bytes === undefined) {
    problems.push(problem('BUNDLE010', 'the catalog is missing (manifest.json gives a catalogHash)', { recipe, path }));
    return undefined;
  }
  if (bytes.byteLength > limits.maxCatalogBytes) {
    problems.push(
      problem('BUNDLE028', `the catalog has ${bytes.byteLength} bytes; at most ${limits.maxCatalogBytes} are read`, { recipe, path }),
    );
    return undefined;
  }
  const actual = catalogHash(bytes);
  if (actual !== entry.catalogHash) {
    problems.push(
      problem('BUNDLE029', `the catalog's sha256 is ${actual}, manifest.json says ${entry.catalogHash}: the file changed after bundling`, {
        recipe,
        path,
      }),
    );
  }
  const text = decode(bytes);
  let data: unknown;
  try {
    data = text === undefined ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (data === undefined) {
    problems.push(problem('BUNDLE030', 'the catalog is not UTF-8 JSON', { recipe, path }));
    return undefined;
  }
  const parsed = parseCatalog(data);
  for (const issue of parsed.issues)
    problems.push(problem('BUNDLE030', `${catalogPathText(issue.path)}: ${issue.message}`, { recipe, path }));
  return parsed.state;
}

function checkTemplateShape(
  value: unknown,
  entry: BundleRecipeEntry,
  limits: Limits,
  allowedTypes: ReadonlySet<string>,
  path: string,
  problems: BundleProblem[],
): Template | undefined {
  const at = { recipe: entry.name, path };
  if (!isObject(value)) {
    problems.push(problem('BUNDLE018', 'the template is not a mapping of sections', at));
    return undefined;
  }
  const resources = value.Resources;
  if (!isObject(resources) || Object.keys(resources).length === 0) {
    problems.push(problem('BUNDLE018', 'the template has no Resources', at));
    return undefined;
  }
  const ids = Object.keys(resources);
  if (ids.length > limits.maxResources)
    problems.push(problem('BUNDLE025', `the template has ${ids.length} resources; CloudFormation allows ${limits.maxResources}`, at));
  for (const id of ids.slice(0, limits.maxResources)) {
    const resource = resources[id];
    if (!isObject(resource) || typeof resource.Type !== 'string') {
      problems.push(problem('BUNDLE018', `resource ${quote(id)} has no Type`, at));
      continue;
    }
    if (!allowedTypes.has(resource.Type)) {
      problems.push(
        problem(
          'BUNDLE021',
          `resource ${quote(id)} is a ${quote(resource.Type)}, which a recipe template may not contain (allowed: ${[...allowedTypes].sort().join(', ')})`,
          at,
        ),
      );
    }
  }
  for (const [section, max] of [
    ['Parameters', limits.maxParameters],
    ['Outputs', limits.maxOutputs],
  ] as const) {
    const block = value[section];
    if (block !== undefined && block !== null && !isObject(block)) problems.push(problem('BUNDLE018', `${section} is not a mapping`, at));
    else if (isObject(block) && Object.keys(block).length > max)
      problems.push(
        problem('BUNDLE025', `the template has ${Object.keys(block).length} ${section.toLowerCase()}; CloudFormation allows ${max}`, at),
      );
  }
  const declared = isObject(value.Parameters) ? Object.keys(value.Parameters).sort() : [];
  const listed = [...entry.parameters].sort();
  if (declared.join(',') !== listed.join(',')) {
    problems.push(
      problem('BUNDLE022', `the template declares parameters [${declared.join(', ')}] but manifest.json lists [${listed.join(', ')}]`, at),
    );
  }
  return value;
}

export {
  isSourceArtifactExtra,
  type LoadedBundle,
  type LoadedRecipe,
  type LoadResult,
  loadBundle,
  SOURCE_ARTIFACT_EXTRAS,
  type Template,
  type VerifyOptions,
  verifyBundle,
};
