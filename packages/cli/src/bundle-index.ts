/**
 * The bundle in two halves, so Nx can cache the first: each recipe's own folder
 * (`recipes/<name>/`, a function of that recipe's sources), and the bundle index (`manifest.json`
 * and the bakery stack template), a function of whichever recipe folders are present. A cache
 * replay restores only a recipe folder, so the index is rebuilt from the folders afterwards.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  type BundleResult,
  BundleWriteError,
  buildBundleManifest,
  readRecipeFolders,
  type SkippedFolder,
  stableJson,
  writeBundle,
} from '@ami-bakery/recipe-bundler';
import { writeBakeryStack } from './bakery-stack.js';
import { OutputWriteError, UsageError } from './errors.js';
import { withLock } from './lock.js';
import { writeFileAtomic } from './write.js';

const RECIPES_DIR = 'recipes';

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

export type { SkippedFolder };

/**
 * Rewrites `manifest.json` from every complete recipe folder under `<outDir>/recipes` (the bytes
 * `bakery bundle` writes for the same folders), then the bakery stack template for it unless
 * `noStack`. `sourceCommit` is the commit the index is built at.
 */
export async function writeIndex(outDir: string, sourceCommit: string | null, noStack: boolean): Promise<IndexOutcome> {
  const read = withLock(outDir, () => {
    let folders: ReturnType<typeof readRecipeFolders>;
    try {
      folders = readRecipeFolders(outDir);
    } catch (cause) {
      throw new OutputWriteError(path.join(outDir, RECIPES_DIR), { cause });
    }
    const { entries, skipped } = folders;
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
