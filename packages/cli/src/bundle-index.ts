/**
 * The bundle in two halves, so Nx can cache the first: each recipe's own folder
 * (`recipes/<name>/`, a function of that recipe's sources), and the bundle index (`manifest.json`
 * and the bakery stack template), a function of whichever recipe folders are present. A cache
 * replay restores only a recipe folder, so the index is rebuilt from the folders afterwards.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  type BundleManifestEntry,
  type BundleResult,
  BundleWriteError,
  buildBundleManifest,
  manifestEntry,
  type RecipeManifest,
  stableJson,
  writeBundle,
} from '@ami-bakery/recipe-bundler';
import { parse } from 'yaml';
import { writeBakeryStack } from './bakery-stack.js';
import { OutputWriteError, UsageError } from './errors.js';
import { withLock } from './lock.js';
import { writeFileAtomic } from './write.js';

const RECIPES_DIR = 'recipes';
/** The recipe folder names the bundler writes; other folders (a scratch folder, a README's) are not recipes. */
const RECIPE_FOLDER = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Writes the folders of the bundled results (those with `ok`) and nothing else: `manifest.json`
 * and the stack template stay as they are. Returns the folder per recipe name.
 */
export function writeRecipeFolders(results: readonly BundleResult[], outDir: string): Map<string, string> {
  const bundled = results.filter((r) => r.ok);
  const folders = new Map(bundled.map((r) => [r.name, path.join(outDir, RECIPES_DIR, r.name)]));
  if (bundled.length === 0) return folders;
  withLock(outDir, () => {
    // The bundler stays the one writer of the folder format: it writes a scratch bundle beside
    // outDir (same file system), whose folders are then renamed into place whole.
    let scratch: string;
    try {
      scratch = mkdtempSync(path.join(path.dirname(outDir), `.${path.basename(outDir)}.folders-`));
    } catch (cause) {
      throw new OutputWriteError(outDir, { cause });
    }
    try {
      writeBundle(bundled, scratch);
      mkdirSync(path.join(outDir, RECIPES_DIR), { recursive: true });
      for (const [name, folder] of folders) {
        rmSync(folder, { recursive: true, force: true });
        renameSync(path.join(scratch, RECIPES_DIR, name), folder);
      }
    } catch (cause) {
      if (cause instanceof BundleWriteError) throw new UsageError(cause.message, { cause });
      throw new OutputWriteError(outDir, { cause });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
  return folders;
}

export interface IndexedFolder {
  name: string;
  version: string;
  folder: string;
}

export type IndexOutcome =
  | {
      /** No recipe folder under `<outDir>/recipes`: nothing written. */
      empty: true;
      skipped: SkippedFolder[];
    }
  | {
      empty: false;
      recipes: IndexedFolder[];
      /** Recipe folders left out of the manifest, and why. */
      skipped: SkippedFolder[];
      manifestFile: string;
      /** The stack template written, or why not; undefined with `noStack`. */
      stack: { file: string } | { skipped: string } | undefined;
    };

export interface SkippedFolder {
  folder: string;
  reason: string;
}

/**
 * Rewrites `manifest.json` from every complete recipe folder under `<outDir>/recipes` (the bytes
 * `bakery bundle` writes for the same folders), then the bakery stack template for it unless
 * `noStack`. `sourceCommit` is the commit the index is built at.
 */
export async function writeIndex(outDir: string, sourceCommit: string | null, noStack: boolean): Promise<IndexOutcome> {
  const read = withLock(outDir, () => {
    const { entries, skipped } = readRecipeFolders(outDir);
    if (entries.length === 0) return { empty: true as const, skipped };
    const manifest = buildBundleManifest(entries, sourceCommit);
    const manifestText = stableJson(manifest);
    const manifestFile = path.join(outDir, 'manifest.json');
    writeFileAtomic(manifestFile, manifestText);
    return { empty: false as const, skipped, manifest, manifestText, manifestFile };
  });
  if (read.empty) return read;
  const recipes = read.manifest.recipes.map((r) => ({ name: r.name, version: r.version, folder: path.join(outDir, RECIPES_DIR, r.name) }));
  const base = { empty: false as const, recipes, skipped: read.skipped, manifestFile: read.manifestFile };
  if (noStack) return { ...base, stack: undefined };
  const file = await writeBakeryStack(outDir, read.manifest, read.manifestText);
  return { ...base, stack: file ? { file } : { skipped: 'another bundle run rewrote the manifest meanwhile and writes the stack for it' } };
}

/**
 * The manifest entry of each recipe folder. An incomplete folder is left out rather than failing
 * the run: under Nx it may be another recipe's cache replay still being restored, and that
 * recipe's own index run comes after it.
 */
function readRecipeFolders(outDir: string): { entries: BundleManifestEntry[]; skipped: SkippedFolder[] } {
  const dir = path.join(outDir, RECIPES_DIR);
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && RECIPE_FOLDER.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [] };
    throw new OutputWriteError(dir, { cause });
  }
  const entries: BundleManifestEntry[] = [];
  const skipped: SkippedFolder[] = [];
  for (const name of names) {
    const folder = path.join(dir, name);
    const entry = readEntry(folder, name);
    if (typeof entry === 'string') skipped.push({ folder, reason: entry });
    else entries.push(entry);
  }
  return { entries, skipped };
}

/** The folder's manifest entry, or why it has none. */
function readEntry(folder: string, name: string): BundleManifestEntry | string {
  const manifestText = readOptional(path.join(folder, 'manifest.json'));
  if (manifestText === undefined) return 'no manifest.json';
  const templateText = readOptional(path.join(folder, 'template.yaml'));
  if (templateText === undefined) return 'no template.yaml';
  let manifest: Partial<RecipeManifest>;
  try {
    manifest = JSON.parse(manifestText) as Partial<RecipeManifest>;
  } catch {
    return 'manifest.json is not JSON';
  }
  if (manifest.name !== name) return `manifest.json names recipe ${JSON.stringify(manifest.name)}, not the folder's`;
  if (typeof manifest.version !== 'string' || typeof manifest.stackName !== 'string' || typeof manifest.contentHash !== 'string')
    return 'manifest.json lacks version, stackName or contentHash';
  let template: unknown;
  try {
    // The bundler writes YAML 1.1 (CloudFormation's dialect) and reads it back the same way.
    template = parse(templateText, { version: '1.1' });
  } catch {
    return 'template.yaml is not YAML';
  }
  const parameters = (template as { Parameters?: unknown } | null)?.Parameters;
  const names = typeof parameters === 'object' && parameters !== null ? Object.keys(parameters).sort() : [];
  return manifestEntry({ manifest: manifest as RecipeManifest, parameters: names });
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
