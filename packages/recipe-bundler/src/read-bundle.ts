/**
 * Reads back the recipe folders of a bundle (`recipes/<name>/{manifest.json,template.yaml}`):
 * the top-level manifest is always derived from what is complete on disk, by every writer.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { BundleRecipeEntry } from '@ami-bakery/bundle';
import { readInputBytes } from '@ami-bakery/recipe-schema';
import { parse } from 'yaml';
import type { RecipeManifest } from './bundle.js';
import { compareCodeUnits, sha256Hex } from './canonical.js';
import { CATALOG_JSON } from './catalog.js';
// write.ts imports this module too; both sides only call each other's functions, never at load time.
import { manifestEntry } from './write.js';

export const RECIPES_DIR = 'recipes';
export const SAFE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Largest bundle file read back: CloudFormation takes templates of up to 1 MB from S3. */
export const MAX_BUNDLE_FILE_BYTES = 1_048_576;

/** A recipe folder left out of the index, and why. */
export interface SkippedFolder {
  folder: string;
  reason: string;
}

/**
 * The manifest entry of each recipe folder, sorted by name. An incomplete folder is left out with
 * its reason rather than failing: under Nx it may be another recipe's cache replay still being
 * restored. A missing `recipes/` folder reads as empty; other read errors are thrown.
 */
export function readRecipeFolders(outDir: string): { entries: BundleRecipeEntry[]; skipped: SkippedFolder[] } {
  const dir = path.join(outDir, RECIPES_DIR);
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && SAFE_NAME.test(entry.name))
      .map((entry) => entry.name)
      .sort(compareCodeUnits);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [] };
    throw cause;
  }
  const entries: BundleRecipeEntry[] = [];
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
function readEntry(folder: string, name: string): BundleRecipeEntry | string {
  const manifestBytes = readBundleFile(folder, 'manifest.json');
  if (typeof manifestBytes === 'string') return manifestBytes;
  const templateBytes = readBundleFile(folder, 'template.yaml');
  if (typeof templateBytes === 'string') return templateBytes;
  let manifest: Partial<RecipeManifest>;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes)) as Partial<RecipeManifest>;
  } catch {
    return 'manifest.json is not UTF-8 JSON';
  }
  if (manifest.name !== name) return `manifest.json names recipe ${JSON.stringify(manifest.name)}, not the folder's`;
  if (typeof manifest.version !== 'string' || typeof manifest.stackName !== 'string' || typeof manifest.contentHash !== 'string')
    return 'manifest.json lacks version, stackName or contentHash';
  let template: unknown;
  try {
    // The bundler writes YAML 1.1 (CloudFormation's dialect) and reads it back the same way.
    template = parse(new TextDecoder('utf-8', { fatal: true }).decode(templateBytes), { version: '1.1' });
  } catch {
    return 'template.yaml is not UTF-8 YAML';
  }
  const parameters = (template as { Parameters?: unknown } | null)?.Parameters;
  const parameterNames = typeof parameters === 'object' && parameters !== null ? Object.keys(parameters).sort(compareCodeUnits) : [];
  // catalog.json is optional: present, it is hashed into the entry exactly as written.
  const catalogBytes = existsSync(path.join(folder, CATALOG_JSON)) ? readBundleFile(folder, CATALOG_JSON) : undefined;
  if (typeof catalogBytes === 'string') return catalogBytes;
  return manifestEntry({
    manifest: manifest as RecipeManifest,
    parameters: parameterNames,
    templateHash: `sha256:${sha256Hex(templateBytes)}`,
    ...(catalogBytes !== undefined ? { catalogHash: `sha256:${sha256Hex(catalogBytes)}` } : {}),
  });
}

/** The bytes of one regular file of the folder, or why it cannot be used. */
function readBundleFile(folder: string, file: string): Buffer | string {
  const read = readInputBytes(path.join(folder, file), { root: folder, maxBytes: MAX_BUNDLE_FILE_BYTES });
  if (read.ok) return read.bytes;
  switch (read.problem.kind) {
    case 'missing':
      return `no ${file}`;
    case 'too-large':
      return `${file} is over ${MAX_BUNDLE_FILE_BYTES} bytes`;
    default:
      return `${file} is not a regular file of the folder`;
  }
}
