/**
 * The canonical text of an AWSTOE document: what a local component's CloudFormation `Data` holds
 * and what its content hash covers. Image Builder versions are immutable, so `Data` may change
 * only when the document's meaning changes; a comment, indentation, quoting or key-order edit
 * must leave it byte for byte as it was (otherwise CloudFormation replaces the component under
 * the same name and version, and the deploy fails).
 *
 * Parsed and written again: comments and blank lines dropped, keys sorted, aliases expanded,
 * strings written by value. Numbers, booleans and nulls keep the token the author wrote
 * (`1.0`, `0755`, `True`): AWSTOE reads them with its own YAML rules, often into strings, so
 * `schemaVersion: 1.0` must not become `1`.
 */
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  Scalar,
  type ScalarTag,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import { compareCodeUnits } from './canonical.js';

/** A plain scalar's source token, written back unchanged. */
class Token {
  constructor(readonly text: string) {}
}

const TOKEN_TAG: ScalarTag = {
  // `default` keeps the tag itself out of the output.
  default: true,
  tag: 'tag:ami-bakery.dev,2026:token',
  identify: (value) => value instanceof Token,
  resolve: (text) => new Token(text),
  stringify: (item) => ((item as Scalar).value as Token).text,
};

/** Alias expansion bound: a document of nested aliases ("billion laughs") must not hang a bundle. */
const MAX_NODES = 1_000_000;

/** Canonical YAML of `text`, or undefined when it is not one well-formed YAML document. */
export function canonicalYaml(text: string): string | undefined {
  const source = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false, logLevel: 'silent' });
  if (source.errors.length > 0) return undefined;
  const budget = { nodes: 0 };
  let contents: Node | null;
  try {
    contents = copy(source.contents, source, budget, new Set());
  } catch (error) {
    if (error instanceof TooLarge) return undefined;
    throw error;
  }
  // YAML 1.1 quoting, as in the templates: a string such as `yes` or `0755` stays a string for
  // 1.1 readers too.
  const out = new Document(null, { version: '1.1', customTags: [TOKEN_TAG] });
  out.contents = contents;
  return out.toString({ lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true });
}

class TooLarge extends Error {}

function copy(node: unknown, doc: Document.Parsed, budget: { nodes: number }, expanding: Set<unknown>): Node | null {
  if (node === null || node === undefined) return null;
  if (++budget.nodes > MAX_NODES) throw new TooLarge();
  if (isAlias(node)) {
    const target = node.resolve(doc);
    // An alias inside its own anchor is a cycle; it has no finite canonical form.
    if (target === undefined || expanding.has(target)) throw new TooLarge();
    expanding.add(target);
    try {
      return copy(target, doc, budget, expanding);
    } finally {
      expanding.delete(target);
    }
  }
  if (isScalar(node)) return copyScalar(node);
  if (isMap(node)) {
    const map = new YAMLMap();
    const pairs = node.items
      .filter(isPair)
      .map((pair) => ({ key: copy(pair.key, doc, budget, expanding), value: copy(pair.value, doc, budget, expanding) }));
    pairs.sort((a, b) => compareCodeUnits(sortKey(a.key), sortKey(b.key)));
    for (const { key, value } of pairs) map.add({ key, value } as never);
    return map;
  }
  if (isSeq(node)) {
    const seq = new YAMLSeq();
    for (const item of node.items) seq.items.push(copy(item, doc, budget, expanding));
    return seq;
  }
  return null;
}

function copyScalar(node: Scalar): Scalar {
  if (typeof node.value === 'string') return new Scalar(node.value);
  if (node.type === Scalar.PLAIN && node.source !== undefined && node.source !== '') return new Scalar(new Token(node.source));
  const scalar = new Scalar(node.value);
  if (node.format !== undefined) scalar.format = node.format;
  if (node.minFractionDigits !== undefined) scalar.minFractionDigits = node.minFractionDigits;
  return scalar;
}

function sortKey(key: Node | null): string {
  if (key === null) return '';
  if (isScalar(key)) return key.value instanceof Token ? key.value.text : String(key.value);
  return JSON.stringify(key.toJSON());
}
