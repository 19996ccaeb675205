/**
 * The one place where JSON paths become `line:column` ranges in the YAML file the author edits.
 * Rules and the schema mapper only produce paths; everything positional happens here.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit, YAMLParseError } from 'yaml';
import type { Finding, JsonPath, Position, Range, Severity } from './types.js';
import { explainErrors } from './yaml-errors.js';

/** A parsed YAML file that paths can be located in. */
export interface ParsedYaml {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain JavaScript value of the document; `undefined` when parsing failed. */
  data: unknown;
}

export interface ParseResult {
  parsed: ParsedYaml;
  /** Syntax problems (RB0001), duplicate keys (RB0003), tab indentation (RB0004), alias bombs. */
  findings: Finding[];
  /** False when the document could not be turned into data; nothing further should be checked. */
  ok: boolean;
}

const RULES = {
  syntax: { ruleId: 'RB0001', slug: 'yaml-syntax' },
  duplicate: { ruleId: 'RB0003', slug: 'yaml-duplicate-key' },
  tab: { ruleId: 'RB0004', slug: 'yaml-tab-indent' },
} as const;

/** Largest number of alias expansions accepted before a document counts as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export function parseYaml(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are found below in one pass: the parser's own check compares each key with
  // every earlier key of its map, so a map of 10,000 keys took seconds.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error' });
  for (const offset of duplicateKeyOffsets(doc.contents)) {
    doc.errors.push(new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  }
  const parsed: ParsedYaml = { file, text, doc, lineCounter, data: undefined };
  const finding = (code: keyof typeof RULES, from: number, to: number, message: string, severity: Severity = 'error'): Finding => ({
    ...RULES[code],
    severity,
    message,
    file,
    range: toRange(parsed, from, to),
    path: [],
    source: 'bakery',
  });
  const findings: Finding[] = explainErrors(text, doc.errors).map((e) => finding(e.code, e.from, e.to, e.message));
  for (const warning of doc.warnings) {
    const [from, to] = clampOffsets(warning.pos, text.length);
    findings.push(finding('syntax', from, to, `${firstLine(warning.message)}.`, 'warning'));
  }
  if (doc.errors.length > 0) return { parsed, findings, ok: false };
  const unresolved = unresolvedAlias(doc);
  if (unresolved) {
    const [from, to] = unresolved.range;
    findings.push(
      finding(
        'syntax',
        from,
        to,
        `*${unresolved.source} starts with *, which YAML reads as a reference to an anchor &${unresolved.source} that this file does not define. If it is a value (a wildcard such as *${unresolved.source}), quote it: '*${unresolved.source}'.`,
      ),
    );
    return { parsed, findings, ok: false };
  }
  try {
    parsed.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    findings.push({
      ...RULES.syntax,
      severity: 'error',
      message: `${firstLine(cause instanceof Error ? cause.message : String(cause))}. Reduce the use of aliases (*name) or write the values out.`,
      file,
      range: wholeFirstLine(parsed),
      path: [],
      source: 'bakery',
    });
    return { parsed, findings, ok: false };
  }
  return { parsed, findings, ok: true };
}

/**
 * Where each key that repeats an earlier key of the same map starts (scalar keys compare by
 * value, like the parser's own check; other keys never compare equal). Linear in the document.
 */
function duplicateKeyOffsets(root: unknown): number[] {
  const offsets: number[] = [];
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          if (keys.has(key.value) && key.range) offsets.push(key.range[0]);
          keys.add(key.value);
        }
        stack.push(key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  return offsets.sort((a, b) => a - b);
}

/** The first alias (`*name`) whose anchor (`&name`) does not come before it. */
function unresolvedAlias(doc: Document.Parsed): { source: string; range: [number, number] } | undefined {
  const anchors = new Set<string>();
  let found: { source: string; range: [number, number] } | undefined;
  visit(doc, (_key, node) => {
    if (found) return visit.BREAK;
    if (isAlias(node)) {
      if (!anchors.has(node.source) && node.range) found = { source: node.source, range: [node.range[0], node.range[1]] };
      return undefined;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (typeof anchor === 'string') anchors.add(anchor);
    return undefined;
  });
  return found;
}

/** Range of the node at `path`; when the path does not exist, the range of its deepest existing ancestor. */
export function rangeOf(parsed: ParsedYaml, path: JsonPath, at: 'key' | 'value' = 'value', find?: TextMatch): Range {
  let node: unknown = parsed.doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    const next = child(node, segment);
    if (!next) break;
    node = next.value;
    key = next.key;
  }
  // An empty value (`key:` with nothing after it) has no width of its own: point at its key.
  const emptyValue = isScalar(node) && !!node.range && node.range[0] === node.range[1];
  const target = (at === 'key' || emptyValue) && key ? key : isScalar(node) || !key ? (node as Node | undefined) : key;
  const range = target?.range;
  if (!range) return key?.range ? toRange(parsed, key.range[0], key.range[1]) : wholeFirstLine(parsed);
  if (find && isScalar(node) && node.range) {
    const inside = locateInScalar(parsed.text, node.range[0], node.range[1], find);
    if (inside) return toRange(parsed, inside[0], inside[1]);
  }
  return toRange(parsed, range[0], range[1]);
}

/** Text inside a string value that a finding is about, e.g. one {{ }} expression. */
export interface TextMatch {
  text: string;
  /** Which occurrence in the value (0 = the first). */
  occurrence?: number;
}

/**
 * Source offsets of `find` inside the scalar at [from, to). The source of any scalar style (plain,
 * quoted, | or > block, any indentation indicator) holds the expression's characters as written,
 * so searching the source gives the exact line and column even dozens of lines into a script.
 */
function locateInScalar(text: string, from: number, to: number, find: TextMatch): [number, number] | undefined {
  const source = text.slice(from, to);
  let index = -1;
  for (let n = 0; n <= (find.occurrence ?? 0); n++) {
    index = source.indexOf(find.text, index + 1);
    if (index < 0) return undefined;
  }
  return [from + index, from + index + find.text.length];
}

/** The text of one 1-based line, without its line break (for formatters that show the source). */
export function lineText(text: string, line: number): string {
  return text.split(/\r?\n/)[line - 1] ?? '';
}

function child(node: unknown, segment: string | number): { key: Node | undefined; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === String(segment)) {
        return { key: isScalar(pair.key) ? pair.key : undefined, value: pair.value ?? pair.key };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

function toRange(parsed: ParsedYaml, from: number, to: number): Range {
  const start = positionAt(parsed, from);
  let end = positionAt(parsed, Math.max(to, from + 1));
  // A block value's range runs to the start of the next line: keep the highlight on the first line.
  if (end.line > start.line) end = { line: start.line, column: lineText(parsed.text, start.line).length + 1 };
  const lineEnd = lineText(parsed.text, start.line).length + 1;
  if (end.line === start.line && end.column <= start.column) end = { line: start.line, column: start.column + 1 };
  // Never past the end of the line: positions must stay inside the file the author edits.
  if (end.line === start.line && end.column > lineEnd) end = { line: start.line, column: Math.max(lineEnd, start.column) };
  return { start, end };
}

/**
 * Offset to 1-based line/column, computed from the text itself: the parser's own line counter
 * loses line starts after some syntax errors. A `\r` before `\n` belongs to the line break, and a
 * column never goes past the end of its line (+1, the exclusive end).
 */
export function positionAt(parsed: Pick<ParsedYaml, 'text'>, offset: number): Position {
  const starts = lineStarts(parsed.text);
  const bounded = Math.min(Math.max(offset, 0), parsed.text.length);
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= bounded) low = mid;
    else high = mid - 1;
  }
  const lineStart = starts[low] as number;
  const lineLength = lineText(parsed.text, low + 1).length;
  return { line: low + 1, column: Math.min(bounded - lineStart, lineLength) + 1 };
}

const lineStartCache = new Map<string, number[]>();

function lineStarts(text: string): number[] {
  const cached = lineStartCache.get(text);
  if (cached) return cached;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  // Keep the cache small: it exists for the many lookups into one file during one validation.
  if (lineStartCache.size > 16) lineStartCache.clear();
  lineStartCache.set(text, starts);
  return starts;
}

function wholeFirstLine(parsed: ParsedYaml): Range {
  const firstContentLine = Math.max(1, parsed.text.split(/\r?\n/).findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) + 1);
  return {
    start: { line: firstContentLine, column: 1 },
    end: { line: firstContentLine, column: lineText(parsed.text, firstContentLine).length + 1 },
  };
}

function clampOffsets(pos: [number, number], length: number): [number, number] {
  return [Math.min(pos[0], length), Math.min(pos[1], length)];
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/[.:]\s*$/, '');
}
