import { FileTooLargeError, InvalidOptionsError } from './errors.js';
import { comparePaths } from './paths.js';
import type { BundleFile, Diff } from './plan.js';
import type { CommitLimits } from './types.js';

/** CodeCommit quotas, in decimal megabytes so a "MB" meant either way stays under the limit. */
const DEFAULT_COMMIT_LIMITS: CommitLimits = {
  maxFileBytes: 6_000_000,
  maxCommitBytes: 7_000_000,
  maxFilesPerCommit: 100,
};

type Change = { readonly kind: 'put'; readonly file: BundleFile } | { readonly kind: 'delete'; readonly path: string };

interface Reserve {
  /** Bytes every commit carries besides the changes (the publish record). */
  readonly bytes: number;
  /** File entries every commit carries besides the changes. */
  readonly entries: number;
}

/**
 * The order changes are committed in. The top-level manifest.json is what the pipeline reads, so
 * it goes last together with the deletions: until the final commit the branch still describes the
 * previous, complete set of recipes.
 */
function orderChanges(diff: Diff): Change[] {
  const rank = (filePath: string): number => (filePath === 'manifest.json' ? 3 : 0);
  const puts = [...diff.add, ...diff.change].sort((a, b) => rank(a.path) - rank(b.path) || comparePaths(a.path, b.path));
  const early = puts.filter((f) => rank(f.path) < 3).map((file): Change => ({ kind: 'put', file }));
  const late = puts.filter((f) => rank(f.path) === 3).map((file): Change => ({ kind: 'put', file }));
  const deletes = diff.delete.map((filePath): Change => ({ kind: 'delete', path: filePath }));
  return [...early, ...deletes, ...late];
}

/**
 * Packs the changes, in order, into as few commits as the limits allow. A file that cannot fit a
 * commit on its own is refused before anything is written.
 */
function splitIntoCommits(diff: Diff, reserve: Reserve, limits: CommitLimits): Change[][] {
  const changes = orderChanges(diff);
  const roomBytes = Math.min(limits.maxCommitBytes - reserve.bytes, Number.MAX_SAFE_INTEGER);
  const roomEntries = limits.maxFilesPerCommit - reserve.entries;
  for (const change of changes) {
    if (change.kind !== 'put') continue;
    const limit = Math.min(limits.maxFileBytes, roomBytes);
    if (change.file.size > limit) throw new FileTooLargeError(change.file.path, change.file.size, limit);
  }
  if (roomEntries < 1)
    throw new InvalidOptionsError(
      'limits.maxFilesPerCommit',
      `must be at least ${reserve.entries + 1} to leave room beside the publish record`,
    );

  const batches: Change[][] = [];
  let batch: Change[] = [];
  let bytes = 0;
  for (const change of changes) {
    const size = change.kind === 'put' ? change.file.size : 0;
    if (batch.length > 0 && (batch.length + 1 > roomEntries || bytes + size > roomBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(change);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export type { Change, Reserve };
export { DEFAULT_COMMIT_LIMITS, orderChanges, splitIntoCommits };
