/**
 * Writing bundles for `bundle` and `build` (format 2, docs/contracts.md), under the bundle
 * folder's lock:
 *
 * - a run over the recipes (`bakery bundle`, `bakery build`) writes the whole bundle, the
 *   manifest derived from the recipe folders complete on disk, and puts it in place at once;
 * - `--no-index` (the cached Nx step) replaces only the folders of the recipes it bundles;
 * - `--index-only` (the Nx index step) writes the bundle again from the folders present.
 *
 * Every write reflects the workspace: folders of recipes that left it leave the bundle, a bundle
 * without one of its recipes is marked partial, and `recipes/retired.yaml` is carried over.
 */
import path from 'node:path';
import type { RetiredRecipe } from '@ami-bakery/bundle';
import {
  type BundleResult,
  BundleWriteError,
  readRetired,
  type SkippedFolder,
  type WriteBundleOptions,
  type WriteBundleResult,
  writeBundle,
  writeRecipeFolders,
} from '@ami-bakery/recipe-bundler';
import { displayPath, type Finding } from '@ami-bakery/recipe-schema';
import type { OptionSpecs } from './command.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { lockTimeoutFrom, withLock } from './lock.js';
import { findWorkspaceRoot, type RecipeNames } from './workspace.js';

export const BUNDLE_OPTIONS = {
  out: { type: 'string', valueName: 'DIR', description: 'Bundle folder (default dist/bundle under the workspace root).' },
  'no-stack': { type: 'boolean', description: 'Accepted and ignored: the bundle holds no bakery stack any more (it is control plane).' },
} as const satisfies OptionSpecs;

export function bundleFolder(out: string | undefined, io: Io): string {
  if (out !== undefined) {
    if (out.trim() === '') throw new UsageError('--out needs a folder');
    return path.resolve(io.cwd, out);
  }
  const root = findWorkspaceRoot(io.cwd);
  if (root === undefined) throw new UsageError(`no pnpm-workspace.yaml at or above ${io.cwd}; pass --out DIR`);
  return path.join(root, 'dist', 'bundle');
}

/** What a bundle write knows about the workspace. */
export interface BundleContext {
  io: Io;
  /** The workspace root; undefined outside one (then nothing is pruned and nothing is partial). */
  root: string | undefined;
  names: RecipeNames;
}

export interface Retired {
  retired: RetiredRecipe[];
  findings: Finding[];
}

/** `recipes/retired.yaml` of the workspace (findings on it fail the run; nothing is indexed then). */
export function retiredOf(context: BundleContext): Retired {
  if (context.root === undefined) return { retired: [], findings: [] };
  const list = readRetired(context.root, new Set(context.names.names()), (absolute) => displayPath(context.io.cwd, absolute));
  return { retired: list.retired, findings: list.findings };
}

export interface Written {
  /** Recipe folder per bundled recipe name. */
  folders: Map<string, string>;
  /** The bundle written, or undefined when only folders were (`--no-index`). */
  bundle: WriteBundleResult | undefined;
}

/**
 * Writes the bundle with the bundled recipes (those with `ok`). `full`: the run covered every
 * recipe of the workspace, so the bundle holds exactly its results; else the folders of other
 * recipes stay. Recipes refused in this run leave the bundle (their old folders are stale).
 */
export function writeBundled(
  results: readonly BundleResult[],
  outDir: string,
  context: BundleContext,
  retired: Retired,
  full: boolean,
): Written {
  const bundled = results.filter((r) => r.ok);
  const refused = results.filter((r) => !r.ok).map((r) => r.name);
  const options: WriteBundleOptions = {
    ...(context.root ? { workspaceRecipes: context.names.names() } : {}),
    retired: retired.retired,
    keepOthers: !full,
    refused,
  };
  const bundle = locked(outDir, context, () => writeBundle(results, outDir, options));
  return { folders: new Map(bundled.map((r) => [r.name, path.join(outDir, 'recipes', r.name)])), bundle };
}

/** `--no-index`: replaces the folders of the bundled recipes and removes those of refused ones; the index stays. */
export function writeFoldersOnly(results: readonly BundleResult[], outDir: string, context: BundleContext): Written {
  const refused = results.filter((r) => !r.ok).map((r) => r.name);
  const folders = locked(outDir, context, () => writeRecipeFolders(results, outDir, refused));
  return { folders, bundle: undefined };
}

export type IndexOutcome = { empty: true; skipped: SkippedFolder[] } | { empty: false; bundle: WriteBundleResult };

/** `--index-only`: the bundle again from the recipe folders present; nothing written when there is none. */
export function writeIndex(outDir: string, sourceCommit: string | null, context: BundleContext, retired: Retired): IndexOutcome {
  const bundle = locked(outDir, context, () =>
    writeBundle([], outDir, {
      ...(context.root ? { workspaceRecipes: context.names.names() } : {}),
      retired: retired.retired,
      sourceCommit,
      skipWhenEmpty: true,
    }),
  );
  return bundle.wrote ? { empty: false, bundle } : { empty: true, skipped: bundle.skipped };
}

function locked<T>(outDir: string, context: BundleContext, work: () => T): T {
  return withLock(
    outDir,
    () => {
      try {
        return work();
      } catch (error) {
        // The bundle folder cannot be written (permissions, a file in the way): the user's to fix.
        if (error instanceof BundleWriteError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
    },
    { timeoutMs: lockTimeoutFrom(context.io.env), onWait: (message) => context.io.stderr.write(`bakery: ${message}\n`) },
  );
}

/** One line per change to the bundle besides the recipes written: recipes that left it, folders left out, partial. */
export function bundleNotes(bundle: WriteBundleResult | undefined, context: BundleContext): string[] {
  if (bundle === undefined) return [];
  const lines: string[] = [];
  for (const name of bundle.dropped)
    lines.push(`${name}  left the bundle (not a recipe of the workspace any more, or refused in this run)`);
  for (const skip of bundle.skipped) lines.push(`${displayPath(context.io.cwd, skip.folder)}  left out: ${skip.reason}`);
  if (bundle.manifest.partial) {
    const present = new Set(bundle.manifest.recipes.map((r) => r.name));
    const missing = context.names.names().filter((name) => !present.has(name));
    lines.push(`partial bundle: it lacks ${missing.join(', ')}; bakery publish refuses it unless --allow-delete`);
  }
  return lines;
}
