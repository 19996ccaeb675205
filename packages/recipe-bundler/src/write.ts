/**
 * Writing bundles: `recipes/<name>/{template.yaml,manifest.json}` per recipe and the top-level
 * `manifest.json` listing every recipe folder present. Only recipe folders of the given results
 * are replaced; nothing else in the output folder is touched or deleted.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BundleResult, RecipeManifest } from './bundle.js';
import { compareCodeUnits, stableJson } from './canonical.js';
import { BundleWriteError } from './errors.js';
import { writeAtomic } from './fs-util.js';
import { RECIPES_DIR, readRecipeFolders, SAFE_NAME } from './read-bundle.js';

export const BUNDLE_FORMAT_VERSION = 1;

export interface BundleManifestEntry {
  name: string;
  version: string;
  stackName: string;
  /** Template path relative to the bundle root. */
  template: string;
  contentHash: string;
  /** Template parameters the deploy stage must pass. */
  parameters: string[];
}

/** Top-level `manifest.json` (docs/contracts.md). */
export interface BundleManifest {
  formatVersion: number;
  sourceCommit: string | null;
  recipes: BundleManifestEntry[];
}

export function manifestEntry(result: { manifest: RecipeManifest; parameters: string[] }): BundleManifestEntry {
  const { name, version, stackName, contentHash } = result.manifest;
  return { name, version, stackName, template: `${RECIPES_DIR}/${name}/template.yaml`, contentHash, parameters: [...result.parameters] };
}

export function buildBundleManifest(entries: BundleManifestEntry[], sourceCommit: string | null): BundleManifest {
  return { formatVersion: BUNDLE_FORMAT_VERSION, sourceCommit, recipes: [...entries].sort((a, b) => compareCodeUnits(a.name, b.name)) };
}

export interface WriteBundleResult {
  /** Files written, relative to outDir (posix), sorted. */
  written: string[];
  manifest: BundleManifest;
}

/**
 * Writes the recipe folders of `results` (replacing those folders) and rewrites the top-level
 * manifest from every recipe folder now under `outDir/recipes`, so bundling recipes one at a
 * time (as `nx affected` does) still yields a complete manifest.
 */
export function writeBundle(results: readonly BundleResult[], outDir: string): WriteBundleResult {
  const root = path.resolve(outDir);
  const written: string[] = [];
  const bundled = results.filter((r): r is BundleResult & { manifest: RecipeManifest; templateText: string } => r.ok && !!r.manifest && r.templateText !== undefined);
  const names = new Set<string>();
  for (const result of bundled) {
    if (!SAFE_NAME.test(result.name)) throw new BundleWriteError(`Refusing to write recipe folder "${result.name}": not a valid recipe name`);
    if (names.has(result.name)) throw new BundleWriteError(`Two results for recipe "${result.name}"; bundle each recipe once`);
    names.add(result.name);
  }
  try {
    for (const result of bundled) {
      const dir = path.join(root, RECIPES_DIR, result.name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeAtomic(path.join(dir, 'template.yaml'), result.templateText);
      writeAtomic(path.join(dir, 'manifest.json'), stableJson(result.manifest));
      written.push(`${RECIPES_DIR}/${result.name}/manifest.json`, `${RECIPES_DIR}/${result.name}/template.yaml`);
    }
    const entries = new Map<string, BundleManifestEntry>();
    // Folders that are incomplete (another run still writing them) are left out, as before.
    for (const entry of readRecipeFolders(root).entries) entries.set(entry.name, entry);
    for (const result of bundled) entries.set(result.name, manifestEntry(result));
    const sourceCommit = bundled[0]?.manifest.sourceCommit ?? readExistingSourceCommit(root);
    const manifest = buildBundleManifest([...entries.values()], sourceCommit);
    mkdirSync(root, { recursive: true });
    writeAtomic(path.join(root, 'manifest.json'), stableJson(manifest));
    written.push('manifest.json');
    return { written: written.sort(compareCodeUnits), manifest };
  } catch (cause) {
    if (cause instanceof BundleWriteError) throw cause;
    throw new BundleWriteError(`Cannot write the bundle to ${root}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function readExistingSourceCommit(root: string): string | null {
  try {
    const existing = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as Partial<BundleManifest>;
    return typeof existing.sourceCommit === 'string' ? existing.sourceCommit : null;
  } catch {
    return null;
  }
}
