/**
 * A small YAML writer for the generated AWSTOE documents: block mappings and sequences, scripts as
 * literal block scalars, every other string double-quoted (JSON's escapes are valid YAML). The
 * documents are plain data, so this is all they need, and it writes a 15,000-character document
 * in a fraction of the time a general YAML serializer takes (the generators render each document
 * once per validate and bundle run). Tests parse every generated document back and compare.
 */
export function emitYaml(value: unknown): string {
  const out: string[] = [];
  emitValue(value, 0, out, true);
  return `${out.join('\n')}\n`;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object' || (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object') && value.length === 0);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(scalar).join(', ')}]`;
  return JSON.stringify(String(value));
}

/** A multi-line string YAML can hold as a literal block (`|-`) without changing it. */
function literal(value: string): boolean {
  return value.includes('\n') && !value.includes('\r') && !/\s$/.test(value) && !/^[ \t\n]/.test(value) && !/\n[ \t]*\n?$/.test(value);
}

function emitValue(value: unknown, indent: number, out: string[], top = false): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${pad}[]`);
      return;
    }
    for (const item of value) emitItem(item, indent, out);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      emitEntry(key, item, indent, out);
    }
    return;
  }
  out.push(`${top ? '' : pad}${scalar(value)}`);
}

function emitEntry(key: string, item: unknown, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  if (typeof item === 'string' && literal(item)) {
    out.push(`${pad}${name}: |-`);
    for (const line of item.split('\n')) out.push(line === '' ? '' : `${pad}  ${line}`);
  } else if (Array.isArray(item) && item.length > 0 && item.some((v) => (v !== null && typeof v === 'object') || (typeof v === 'string' && literal(v)))) {
    out.push(`${pad}${name}:`);
    emitValue(item, indent + 2, out);
  } else if (Array.isArray(item)) {
    out.push(`${pad}${name}: ${scalar(item)}`);
  } else if (item !== null && typeof item === 'object') {
    if (Object.keys(item).length === 0) {
      out.push(`${pad}${name}: {}`);
      return;
    }
    out.push(`${pad}${name}:`);
    emitValue(item, indent + 2, out);
  } else {
    out.push(`${pad}${name}: ${scalar(item)}`);
  }
}

function emitItem(item: unknown, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (typeof item === 'string' && literal(item)) {
    out.push(`${pad}- |-`);
    for (const line of item.split('\n')) out.push(line === '' ? '' : `${pad}  ${line}`);
    return;
  }
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
    const lines: string[] = [];
    emitValue(item, indent + 2, lines);
    // The first key goes on the dash line.
    out.push(`${pad}- ${(lines[0] as string).slice(indent + 2)}`, ...lines.slice(1));
    return;
  }
  if (Array.isArray(item) && item.length > 0 && !isScalar(item)) {
    const lines: string[] = [];
    emitValue(item, indent + 2, lines);
    out.push(`${pad}- ${(lines[0] as string).slice(indent + 2)}`, ...lines.slice(1));
    return;
  }
  out.push(`${pad}- ${scalar(item)}`);
}
