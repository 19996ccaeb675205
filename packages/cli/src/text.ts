/** Small text helpers for the commands' human output. */

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `2 errors, 1 warning`, or `no findings`. */
export function countsText(counts: { errors: number; warnings: number }): string {
  if (counts.errors === 0 && counts.warnings === 0) return 'no findings';
  const parts: string[] = [];
  if (counts.errors > 0) parts.push(plural(counts.errors, 'error'));
  if (counts.warnings > 0) parts.push(plural(counts.warnings, 'warning'));
  return parts.join(', ');
}

/**
 * A plain-text table: columns padded to their widest cell, two spaces apart, `right` columns
 * aligned right (numbers), no trailing spaces.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
