/**
 * A fast reader for the shape benchmark tables are written in: a top-level mapping of scalars and
 * block lists of flat mappings whose values are scalars, flow lists of scalars or block lists of
 * scalars; quoted or plain scalars, comments, blank lines. A Windows table has hundreds of rows,
 * and a general YAML parser spends several times the rest of a bundle on it.
 *
 * Anything outside that shape (anchors, multi-line scalars, tabs, duplicate keys, plain scalars
 * YAML would read as something other than a string or an integer...) returns undefined, and the
 * caller parses with the full YAML parser, which also locates every problem. Tests check that both
 * readers agree on every shipped table.
 */
const PLAIN_STRING = /^[A-Za-z][A-Za-z0-9 ._/()-]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|nan|inf)$/i;
const INTEGER = /^(?:0|[1-9][0-9]*)$/;

function scalar(raw: string): { value: unknown } | undefined {
  const text = raw.trim();
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) return undefined;
    return { value: text.slice(1, -1).replaceAll("''", "'") };
  }
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\["\\/bfnrt])*"$/.test(text)) return undefined;
    try {
      return { value: JSON.parse(text) };
    } catch {
      return undefined;
    }
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return undefined;
    const inner = text.slice(1, -1).trim();
    if (inner === '') return { value: [] };
    const items: unknown[] = [];
    // Items are quoted strings (commas inside quotes are kept) or plain words.
    const pattern = /\s*('(?:[^']|'')*'|"(?:[^"\\]|\\["\\/bfnrt])*"|[^,'"]+?)\s*(?:,|$)/y;
    let at = 0;
    while (at < inner.length) {
      pattern.lastIndex = at;
      const match = pattern.exec(inner);
      if (!match || match[0].length === 0) return undefined;
      const item = scalar(match[1] as string);
      if (!item || typeof item.value === 'object') return undefined;
      items.push(item.value);
      at = pattern.lastIndex;
    }
    return { value: items };
  }
  if (INTEGER.test(text)) return { value: Number(text) };
  // Dotted versions with two or more dots are strings in YAML (one dot would be a float).
  if (/^[0-9]+(?:\.[0-9]+){2,}$/.test(text)) return { value: text };
  if (PLAIN_STRING.test(text) && !RESERVED.test(text) && !text.includes(' #')) return { value: text };
  return undefined;
}

/** Strips a comment that starts after whitespace, outside quotes; undefined when unsure. */
function content(line: string): string | undefined {
  if (!line.includes('#')) return line.trimEnd();
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i).trimEnd();
  }
  return quote ? undefined : line.trimEnd();
}

const KEY = /^([A-Za-z][A-Za-z0-9_]*):(?: (.*))?$/;

export function readTableFast(text: string): unknown {
  if (text.includes('\t') || text.includes('\r') || /^\s*(?:---|\.\.\.|%)/m.test(text)) return undefined;
  const root: Record<string, unknown> = {};
  let list: unknown[] | undefined; // the block list under the current top-level key
  let listKey = '';
  let item: Record<string, unknown> | undefined; // current mapping item of that list
  let nested: unknown[] | undefined; // block list of scalars under a key of the item
  const bare: unknown[][] = []; // lists opened by a bare `key:`; one left empty is a null in YAML
  for (const raw of text.split('\n')) {
    const line = content(raw);
    if (line === undefined) return undefined;
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    if (indent === 0) {
      const m = KEY.exec(body);
      if (!m || Object.hasOwn(root, m[1] as string)) return undefined;
      nested = undefined;
      item = undefined;
      if (m[2] === undefined || m[2] === '') {
        list = [];
        listKey = m[1] as string;
        root[listKey] = list;
      } else {
        const v = scalar(m[2]);
        if (!v) return undefined;
        root[m[1] as string] = v.value;
        list = undefined;
      }
      continue;
    }
    if (!list) return undefined;
    if (indent === 2 && body.startsWith('- ')) {
      const m = KEY.exec(body.slice(2));
      if (!m || m[2] === undefined) return undefined;
      const v = scalar(m[2]);
      if (!v) return undefined;
      item = { [m[1] as string]: v.value };
      list.push(item);
      nested = undefined;
      continue;
    }
    if (indent === 4 && item) {
      const m = KEY.exec(body);
      if (!m || Object.hasOwn(item, m[1] as string)) return undefined;
      if (m[2] === undefined || m[2] === '') {
        nested = [];
        bare.push(nested);
        item[m[1] as string] = nested;
        continue;
      }
      const v = scalar(m[2]);
      if (!v) return undefined;
      item[m[1] as string] = v.value;
      nested = undefined;
      continue;
    }
    if (indent === 6 && nested && body.startsWith('- ')) {
      const v = scalar(body.slice(2));
      if (!v || typeof v.value === 'object') return undefined;
      nested.push(v.value);
      continue;
    }
    return undefined;
  }
  if (bare.some((l) => l.length === 0) || Object.values(root).some((v) => Array.isArray(v) && v.length === 0)) return undefined;
  return root;
}
