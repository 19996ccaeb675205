import { closest } from '@ami-bakery/recipe-schema';

/** Below this similarity a "did you mean" suggestion misleads more than it helps. */
const MIN_SIMILARITY = 0.75;

/**
 * The most likely intended name: same name in another case, else a near edit-distance match,
 * else the most similar candidate by common subsequence. The last catches dropped or added words
 * (`TerminateOnFailure` for `TerminateInstanceOnFailure`) that are too many edits apart for `closest`.
 */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameButCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameButCase !== undefined) return sameButCase;
  const near = closest(name, candidates);
  if (near !== undefined) return near;
  let best: string | undefined;
  let bestScore = MIN_SIMILARITY;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    // The ratio cannot reach the threshold when the lengths differ this much; skip the work.
    if (2 * Math.min(lower.length, other.length) < bestScore * (lower.length + other.length)) continue;
    const score = (2 * commonSubsequence(lower, other)) / (lower.length + other.length);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function commonSubsequence(a: string, b: string): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1] as number);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
