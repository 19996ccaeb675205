/**
 * Writing bundles (format 2, docs/contracts.md):
 *
 * ```
 * <outDir>/manifest.json                 formatVersion 2, derived from the recipe folders on disk
 * <outDir>/recipes/<name>/template.yaml
 * <outDir>/recipes/<name>/manifest.json
 * ```
 *
 * A bundle is written whole: the new one is built in a temporary folder beside `outDir` (recipe
 * folders of this run, folders of earlier runs that stay, then the manifest read back from what
 * is complete there) and put in place by `replaceFolder`, so a reader, or a run killed at any
 * moment, sees the previous bundle or the new one, never a mix. A recipe folder alone (`--no-index`,
 * the cached Nx step) is replaced the same way one level down.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BundleManifestV2, type BundleRecipeEntry, FORMAT_VERSION, type RetiredRecipe } from '@ami-bakery/bundle';
import type { BundleResult, RecipeManifest } from './bundle.js';
import { compareCodeUnits, stableJson } from './canonical.js';
import { CATALOG_JSON } from './catalog.js';
import { BundleWriteError } from './errors.js';
import { copyFolder, removeFolder, replaceFolder } from './fs-util.js';
import { RECIPES_DIR, readRecipeFolders, SAFE_NAME, type SkippedFolder } from './read-bundle.js';

export function manifestEntry(result: {
  manifest: RecipeManifest;
  parameters: string[];
  templateHash: string;
  catalogHash?: string | undefined;
}): BundleRecipeEntry {
  const { name, version, stackName, contentHash } = result.manifest;
  return {
    name,
    version,
    stackName,
    template: `${RECIPES_DIR}/${name}/template.yaml`,
    contentHash,
    templateHash: result.templateHash,
    parameters: [...result.parameters],
    // Read defensively: a folder written before the setting existed builds on a version change.
    buildOnVersionChange: result.manifest.buildOnVersionChange !== false,
    ...(result.catalogHash !== undefined ? { catalogHash: result.catalogHash } : {}),
  };
}

export interface ManifestOptions {
  sourceCommit: string | null;
  partial?: boolean;
  retired?: readonly RetiredRecipe[];
}

export function buildBundleManifest(entries: readonly BundleRecipeEntry[], options: ManifestOptions): BundleManifestV2 {
  return {
    formatVersion: FORMAT_VERSION,
    sourceCommit: options.sourceCommit,
    partial: options.partial ?? false,
    retired: [...(options.retired ?? [])].sort((a, b) => compareCodeUnits(a.name, b.name)).map((r) => ({ name: r.name, reason: r.reason })),
    recipes: [...entries].sort((a, b) => compareCodeUnits(a.name, b.name)),
  };
}

export interface WriteBundleOptions {
  /**
   * The recipe names of the workspace. Folders of any other name leave the bundle (a deleted or
   * renamed recipe); a bundle without one of them is `partial`. Unknown (no workspace): every
   * folder stays and the bundle is never marked partial.
   */
  workspaceRecipes?: readonly string[];
  retired?: readonly RetiredRecipe[];
  /**
   * Keep the recipe folders of earlier runs for recipes not in `results` (a run over some
   * recipes, or the index step). False: the bundle holds exactly `results` (a full run). Default true.
   */
  keepOthers?: boolean;
  /** Recipes this run bundled and refused: their folders of earlier runs are stale and leave the bundle. */
  refused?: readonly string[];
  /** Default: the bundled recipes' own, else the earlier manifest's. */
  sourceCommit?: string | null;
  /** Write nothing (and say so) when no recipe folder would be in the bundle. Default false. */
  skipWhenEmpty?: boolean;
}

export interface WriteBundleResult {
  /** False when `skipWhenEmpty` found nothing to write. */
  wrote: boolean;
  /** Files written from the results, and manifest.json, relative to outDir (posix), sorted. */
  written: string[];
  manifest: BundleManifestV2;
  /** Recipe folders of earlier runs that left the bundle, by recipe name. */
  dropped: string[];
  /** Folders that were incomplete and were left out, and why. */
  skipped: SkippedFolder[];
}

type Bundled = BundleResult & { manifest: RecipeManifest; templateText: string };

class NothingToWrite extends Error {}

/** Writes the bundle with the recipe folders of `results` (those with `ok`), atomically (module comment). */
export function writeBundle(results: readonly BundleResult[], outDir: string, options: WriteBundleOptions = {}): WriteBundleResult {
  const root = path.resolve(outDir);
  const bundled = bundledOf(results);
  const names = new Set(bundled.map((r) => r.name));
  const refused = new Set(options.refused ?? []);
  const workspace = options.workspaceRecipes ? new Set(options.workspaceRecipes) : undefined;
  const previous = readRecipeFolders(root);
  const dropped: string[] = [];
  let outcome: { manifest: BundleManifestV2; skipped: SkippedFolder[] } | undefined;
  try {
    replaceFolder(root, (dir) => {
      mkdirSync(path.join(dir, RECIPES_DIR));
      if (options.keepOthers !== false) {
        for (const entry of previous.entries) {
          if (names.has(entry.name) || refused.has(entry.name)) continue;
          if (workspace && !workspace.has(entry.name)) {
            dropped.push(entry.name);
            continue;
          }
          copyFolder(path.join(root, RECIPES_DIR, entry.name), path.join(dir, RECIPES_DIR, entry.name));
        }
      } else {
        for (const entry of previous.entries) if (!names.has(entry.name)) dropped.push(entry.name);
      }
      for (const result of bundled) writeRecipeFiles(result, path.join(dir, RECIPES_DIR, result.name));
      // The manifest is what is complete on disk, read back, not what was meant to be written.
      const { entries, skipped } = readRecipeFolders(dir);
      for (const skip of skipped) rmSync(skip.folder, { recursive: true, force: true });
      if (entries.length === 0 && options.skipWhenEmpty) throw new NothingToWrite();
      const present = new Set(entries.map((e) => e.name));
      const manifest = buildBundleManifest(entries, {
        sourceCommit: options.sourceCommit !== undefined ? options.sourceCommit : (bundled[0]?.manifest.sourceCommit ?? null),
        partial: workspace !== undefined && [...workspace].some((name) => !present.has(name)),
        retired: options.retired ?? [],
      });
      writeFileSync(path.join(dir, 'manifest.json'), stableJson(manifest));
      outcome = {
        manifest,
        skipped: skipped.map((s) => ({ folder: path.join(root, RECIPES_DIR, path.basename(s.folder)), reason: s.reason })),
      };
    });
  } catch (cause) {
    if (cause instanceof NothingToWrite) {
      return {
        wrote: false,
        written: [],
        manifest: buildBundleManifest([], { sourceCommit: null }),
        dropped: [],
        skipped: previous.skipped,
      };
    }
    if (cause instanceof BundleWriteError) throw cause;
    throw new BundleWriteError(`Cannot write the bundle to ${root}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const done = outcome as unknown as { manifest: BundleManifestV2; skipped: SkippedFolder[] };
  const written = bundled.flatMap((r) => [
    ...(r.catalogText !== undefined ? [`${RECIPES_DIR}/${r.name}/${CATALOG_JSON}`] : []),
    `${RECIPES_DIR}/${r.name}/manifest.json`,
    `${RECIPES_DIR}/${r.name}/template.yaml`,
  ]);
  return {
    wrote: true,
    written: [...written, 'manifest.json'].sort(compareCodeUnits),
    manifest: done.manifest,
    dropped: dropped.sort(compareCodeUnits),
    skipped: [...previous.skipped, ...done.skipped],
  };
}

/**
 * Replaces only the recipe folders of `results` (those with `ok`) and removes the folders of
 * `refused` recipes, leaving manifest.json as it is: the cached Nx step, followed by the index
 * step. Each folder is replaced whole. Returns the folder per recipe name.
 */
export function writeRecipeFolders(results: readonly BundleResult[], outDir: string, refused: readonly string[] = []): Map<string, string> {
  const root = path.resolve(outDir);
  const bundled = bundledOf(results);
  const folders = new Map<string, string>();
  try {
    for (const result of bundled) {
      const folder = path.join(root, RECIPES_DIR, result.name);
      replaceFolder(folder, (dir) => writeRecipeFiles(result, dir));
      folders.set(result.name, folder);
    }
    for (const name of refused) {
      if (!SAFE_NAME.test(name) || folders.has(name)) continue;
      removeFolder(path.join(root, RECIPES_DIR, name));
    }
  } catch (cause) {
    throw new BundleWriteError(`Cannot write the bundle to ${root}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return folders;
}

function bundledOf(results: readonly BundleResult[]): Bundled[] {
  const bundled = results.filter((r): r is Bundled => r.ok && !!r.manifest && r.templateText !== undefined);
  const names = new Set<string>();
  for (const result of bundled) {
    if (!SAFE_NAME.test(result.name))
      throw new BundleWriteError(`Refusing to write recipe folder "${result.name}": not a valid recipe name`);
    if (names.has(result.name)) throw new BundleWriteError(`Two results for recipe "${result.name}"; bundle each recipe once`);
    names.add(result.name);
  }
  return bundled;
}

function writeRecipeFiles(result: Bundled, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'template.yaml'), result.templateText);
  writeFileSync(path.join(dir, 'manifest.json'), stableJson(result.manifest));
  // The catalog travels next to the template; the index step reads its hash back (read-bundle.ts).
  if (result.catalogText !== undefined) writeFileSync(path.join(dir, CATALOG_JSON), result.catalogText);
}
