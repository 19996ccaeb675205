import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BundleNotFoundError, InvalidBundleError, InvalidManifestError } from './errors.js';
import { comparePaths } from './paths.js';

/** One entry of the top-level `manifest.json` (docs/contracts.md). */
interface BundleRecipe {
  readonly name: string;
  readonly version: string;
  readonly template: string;
  readonly stackName?: string;
  readonly contentHash?: string;
  readonly parameters?: readonly string[];
}

interface BundleManifest {
  readonly formatVersion: 1;
  readonly sourceCommit: string | null;
  readonly recipes: readonly BundleRecipe[];
}

/** A bundle as read from disk: paths are relative, `/`-separated and sorted. */
interface Bundle {
  readonly dir: string;
  readonly manifest: BundleManifest;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const MANIFEST = 'manifest.json';

/**
 * Reads `dist/bundle` as path → bytes. Only what the bundle contract allows is accepted, so a stale
 * recipe folder left over from an earlier build can never be published by accident.
 */
async function readBundle(bundleDir: string): Promise<Bundle> {
  const manifestPath = path.join(bundleDir, MANIFEST);
  let manifestText: string;
  try {
    manifestText = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new BundleNotFoundError(bundleDir, { cause: error });
  }
  const manifest = parseManifest(manifestPath, manifestText);

  const found = (await listFiles(bundleDir)).sort((a, b) => comparePaths(a.path, b.path));
  const problems: string[] = [];
  const recipeNames = new Set(manifest.recipes.map((r) => r.name));
  const files = new Map<string, Uint8Array>();
  for (const entry of found) {
    if (!entry.regular) {
      problems.push(`${entry.path} is not a regular file`);
      continue;
    }
    const problem = placementProblem(entry.path, recipeNames);
    if (problem) {
      problems.push(problem);
      continue;
    }
    files.set(entry.path, new Uint8Array(await readFile(path.join(bundleDir, entry.path))));
  }
  for (const recipe of manifest.recipes) {
    if (!recipe.template.startsWith(`recipes/${recipe.name}/`)) {
      problems.push(`the template of ${recipe.name} (${recipe.template}) is not under recipes/${recipe.name}/`);
    } else if (!files.has(recipe.template)) {
      problems.push(`${recipe.template}, named by manifest.json, is missing`);
    }
  }
  if (problems.length > 0) throw new InvalidBundleError(bundleDir, problems);

  const sorted = new Map([...files.entries()].sort(([a], [b]) => comparePaths(a, b)));
  return { dir: bundleDir, manifest, files: sorted };
}

function placementProblem(filePath: string, recipeNames: ReadonlySet<string>): string | undefined {
  if (filePath === MANIFEST) return undefined;
  const [top, second, ...rest] = filePath.split('/');
  if (top === 'bakery' && second !== undefined) return undefined;
  if (top === 'recipes' && second !== undefined && rest.length > 0) {
    return recipeNames.has(second) ? undefined : `recipes/${second}/ is not listed in manifest.json`;
  }
  return `${filePath} is outside manifest.json, recipes/<name>/ and bakery/`;
}

interface FoundFile {
  readonly path: string;
  readonly regular: boolean;
}

async function listFiles(root: string, prefix = ''): Promise<FoundFile[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const out: FoundFile[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, relative)));
    else out.push({ path: relative, regular: entry.isFile() });
  }
  return out;
}

function parseManifest(manifestPath: string, text: string): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidManifestError(manifestPath, 'it is not JSON', { cause: error });
  }
  const fail = (problem: string): never => {
    throw new InvalidManifestError(manifestPath, problem);
  };
  if (!isObject(raw)) return fail('the top level is not an object');
  if (raw.formatVersion !== 1) return fail(`formatVersion is ${JSON.stringify(raw.formatVersion)}, expected 1`);
  if (raw.sourceCommit !== null && typeof raw.sourceCommit !== 'string') return fail('sourceCommit is neither a string nor null');
  if (!Array.isArray(raw.recipes)) return fail('recipes is not an array');
  const names = new Set<string>();
  const recipes = raw.recipes.map((recipe: unknown, index: number): BundleRecipe => {
    if (!isObject(recipe)) return fail(`recipes[${index}] is not an object`);
    for (const key of ['name', 'version', 'template'] as const) {
      if (typeof recipe[key] !== 'string' || recipe[key] === '') return fail(`recipes[${index}].${key} is not a non-empty string`);
    }
    const name = recipe.name as string;
    if (name.includes('/') || name.startsWith('.')) return fail(`recipes[${index}].name ${JSON.stringify(name)} is not a folder name`);
    if (names.has(name)) return fail(`recipe ${name} is listed twice`);
    names.add(name);
    return recipe as unknown as BundleRecipe;
  });
  return { formatVersion: 1, sourceCommit: raw.sourceCommit as string | null, recipes };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { readBundle };
export type { Bundle, BundleManifest, BundleRecipe };
