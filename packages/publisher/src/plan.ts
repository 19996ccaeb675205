import type { Bundle } from './bundle.js';
import { type DriftEntry, PartialBundleError } from './errors.js';
import { gitBlobId } from './hash.js';
import { comparePaths, isFormat1Leftover } from './paths.js';
import type { PublishRecord } from './record.js';
import type { PlannedFile, PublishPlan, RecipeChange } from './types.js';

interface BundleFile extends PlannedFile {
  readonly content: Uint8Array;
}

/** What the target holds now, as far as publish is concerned. */
interface TargetState {
  /** Commit id or ETag read; null when the branch or object does not exist. */
  readonly base: string | null;
  /** Path → git blob id of the files at the paths publish cares about (the record itself excluded). */
  readonly current: ReadonlyMap<string, string>;
  readonly record: PublishRecord | null;
  /** Drift found while reading, beyond single files (an S3 object that is not a readable zip). */
  readonly drift?: readonly DriftEntry[];
}

interface Diff {
  readonly add: readonly BundleFile[];
  readonly change: readonly BundleFile[];
  readonly delete: readonly string[];
  /** Of `delete`: the format 1 `bakery/` folder, removed whether the record lists it or not. */
  readonly obsolete: readonly string[];
  readonly unchanged: readonly string[];
  readonly drift: readonly DriftEntry[];
}

function indexBundle(bundle: Bundle): Map<string, BundleFile> {
  const index = new Map<string, BundleFile>();
  for (const [filePath, content] of bundle.files) {
    index.set(filePath, { path: filePath, size: content.byteLength, blobId: gitBlobId(content), content });
  }
  return index;
}

/**
 * Compares the bundle with the target. Drift is whatever publishing would undo: a file publish
 * wrote that someone changed or deleted, or a file publish never wrote at a path it now needs.
 * A change that already matches the bundle, or a deletion of a file the bundle dropped anyway,
 * loses nothing and is not drift.
 */
function diffBundle(files: ReadonlyMap<string, BundleFile>, state: TargetState): Diff {
  const recorded = state.record?.files ?? {};
  const add: BundleFile[] = [];
  const change: BundleFile[] = [];
  const remove: string[] = [];
  const unchanged: string[] = [];
  const drift: DriftEntry[] = [...(state.drift ?? [])];

  for (const file of files.values()) {
    const current = state.current.get(file.path);
    const previous = Object.hasOwn(recorded, file.path) ? recorded[file.path] : undefined;
    if (current === file.blobId) {
      unchanged.push(file.path);
    } else if (current === undefined) {
      if (previous !== undefined) drift.push({ path: file.path, kind: 'deleted' });
      add.push(file);
    } else {
      if (previous === undefined) drift.push({ path: file.path, kind: 'untracked' });
      else if (previous !== current) drift.push({ path: file.path, kind: 'modified' });
      change.push(file);
    }
  }
  for (const [filePath, previous] of Object.entries(recorded)) {
    if (files.has(filePath) || isFormat1Leftover(filePath)) continue;
    const current = state.current.get(filePath);
    if (current === undefined) continue;
    if (current !== previous) drift.push({ path: filePath, kind: 'modified' });
    remove.push(filePath);
  }
  // Bundle format 1's bakery/ folder goes, recorded or not, changed by hand or not: the deployer
  // refuses a source artifact that holds it, and no bundle of format 2 has it.
  const obsolete = [...state.current.keys()].filter((filePath) => isFormat1Leftover(filePath) && !files.has(filePath)).sort(comparePaths);
  remove.push(...obsolete);
  return {
    add,
    change,
    delete: remove.sort(comparePaths),
    obsolete,
    unchanged,
    drift: drift.sort((a, b) => comparePaths(a.path, b.path)),
  };
}

function hasChanges(diff: Diff): boolean {
  return diff.add.length + diff.change.length + diff.delete.length > 0;
}

/** Recipes touched by the diff, by the `recipes/<name>/` folder of each path. */
function recipeChanges(bundle: Bundle, diff: Diff): RecipeChange[] {
  const recipeOf = (filePath: string): string | undefined => {
    const [top, name, ...rest] = filePath.split('/');
    return top === 'recipes' && name !== undefined && rest.length > 0 ? name : undefined;
  };
  const touched = new Set<string>();
  const kept = new Set<string>();
  for (const file of [...diff.add, ...diff.change]) {
    const name = recipeOf(file.path);
    if (name) touched.add(name);
  }
  for (const filePath of [...diff.unchanged, ...diff.change.map((f) => f.path)]) {
    const name = recipeOf(filePath);
    if (name) kept.add(name);
  }
  const versions = new Map(bundle.manifest.recipes.map((r) => [r.name, r.version]));
  const changes: RecipeChange[] = [];
  for (const name of touched) {
    changes.push({ name, version: versions.get(name) ?? null, kind: kept.has(name) ? 'changed' : 'added' });
  }
  for (const filePath of diff.delete) {
    const name = recipeOf(filePath);
    if (!name || touched.has(name) || changes.some((c) => c.name === name)) continue;
    changes.push(
      versions.has(name) ? { name, version: versions.get(name) ?? null, kind: 'changed' } : { name, version: null, kind: 'removed' },
    );
  }
  return changes.sort((a, b) => comparePaths(a.name, b.name));
}

function makePlan(args: {
  target: string;
  bundle: Bundle;
  state: TargetState;
  diff: Diff;
  sourceCommit: string | null;
  force: boolean;
  writes: number;
  allowDelete: boolean;
}): PublishPlan {
  const strip = (file: BundleFile): PlannedFile => ({ path: file.path, size: file.size, blobId: file.blobId });
  return {
    target: args.target,
    base: args.state.base,
    sourceCommit: args.sourceCommit,
    add: args.diff.add.map(strip),
    change: args.diff.change.map(strip),
    delete: args.diff.delete,
    obsolete: args.diff.obsolete,
    unchanged: args.diff.unchanged.length,
    drift: args.diff.drift,
    force: args.force,
    recipes: recipeChanges(args.bundle, args.diff),
    writes: hasChanges(args.diff) ? args.writes : 0,
    partial: args.bundle.manifest.partial,
    allowDelete: args.allowDelete,
  };
}

/** A partial bundle is published only with `allowDelete` (the deployer would delete what it lacks). */
function refusePartial(plan: PublishPlan): void {
  if (plan.partial && !plan.allowDelete) {
    throw new PartialBundleError(
      plan.target,
      plan.recipes.filter((r) => r.kind === 'removed').map((r) => r.name),
    );
  }
}

const MAX_RECIPES_IN_SUBJECT = 3;

/**
 * `bakery publish: amazon-linux-2023-stig-high 1.2.0 (source 1a2b3c4)`, naming what changed so
 * the target's history reads without opening the diff.
 */
function commitMessage(plan: PublishPlan, part?: { readonly index: number; readonly count: number }): string {
  const recipeWords = plan.recipes.map((r) => (r.kind === 'removed' ? `remove ${r.name}` : `${r.name} ${r.version}`));
  const items = recipeWords.length > MAX_RECIPES_IN_SUBJECT ? [`${recipeWords.length} recipes`] : [...recipeWords];
  if (items.length === 0) items.push('manifest');
  const source = plan.sourceCommit ? plan.sourceCommit.slice(0, 7) : 'unknown';
  const suffix = part && part.count > 1 ? ` [part ${part.index}/${part.count}]` : '';
  const lines = [`bakery publish: ${items.join(', ')} (source ${source})${suffix}`, '', `Source commit: ${plan.sourceCommit ?? 'unknown'}`];
  if (plan.recipes.length > 0) {
    lines.push('Recipes:', ...plan.recipes.map((r) => `  ${r.kind === 'removed' ? r.name : `${r.name} ${r.version}`} (${r.kind})`));
  }
  if (part && part.count > 1) {
    lines.push(`Part ${part.index} of ${part.count}: the publish was split to stay within the CodeCommit per-commit limits.`);
  }
  return `${lines.join('\n')}\n`;
}

export type { BundleFile, Diff, TargetState };
export { commitMessage, diffBundle, hasChanges, indexBundle, makePlan, recipeChanges, refusePartial };
