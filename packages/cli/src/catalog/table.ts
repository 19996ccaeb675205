/** Plain text tables for the terminal: columns as wide as their widest cell, two spaces apart. */
function table(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${indent}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `5 h`, `3 d`: how long ago `iso` was, or `-`. */
function age(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '-';
  const hours = Math.max(0, Math.floor((now.getTime() - at) / 3_600_000));
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

export { age, table };
