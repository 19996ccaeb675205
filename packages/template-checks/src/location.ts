/**
 * The one place in this package where templates are parsed and paths become `line:column`.
 *
 * CloudFormation YAML uses short-form tags (`!Ref X`, `!GetAtt A.Arn`, `!If [...]`). They are
 * registered as identity tags, so the YAML tree keeps its shape and each tagged node remembers
 * its tag; `toData` then turns a tagged node into the long form (`{ Ref: X }`,
 * `{ 'Fn::GetAtt': ['A', 'Arn'] }`) that the checks see. Paths into the long form skip the
 * function-name segment when locating, and the rest goes through recipe-schema's `rangeOf`.
 */
import { ENGINE_RULES, type Finding, type JsonPath, type ParsedYaml, positionAt, type Range, rangeOf } from '@ami-bakery/recipe-schema';
import {
  type CollectionTag,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
  type Document,
} from 'yaml';

/** Short-form tag (without `!`) → long-form key. */
const SHORT_FORMS: Record<string, string> = Object.fromEntries(
  [
    'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
    'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length', 'Contains', 'EachMemberEquals', 'EachMemberIn',
    'RefAll', 'ValueOf', 'ValueOfAll',
  ]
    .map((name) => [`!${name}`, `Fn::${name}`])
    .concat([
      ['!Ref', 'Ref'],
      ['!Condition', 'Condition'],
    ]),
);

const CUSTOM_TAGS: Array<ScalarTag | CollectionTag> = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (value: string) => value } satisfies ScalarTag,
  { tag, collection: 'seq', resolve: (value) => value } satisfies CollectionTag,
  { tag, collection: 'map', resolve: (value) => value } satisfies CollectionTag,
]);

/** Largest number of alias expansions accepted before a document counts as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export interface TemplateParseResult {
  parsed: ParsedYaml;
  findings: Finding[];
  /** False when the text could not be turned into data (then `parsed.data` is undefined). */
  ok: boolean;
}

/** Parse a YAML or JSON template, short-form tags included. Never throws. */
export function parseTemplateText(text: string, file: string): TemplateParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, customTags: CUSTOM_TAGS });
  const parsed: ParsedYaml = { file, text, doc, lineCounter, data: undefined };
  const findings: Finding[] = [];
  for (const problem of [...doc.errors, ...doc.warnings]) {
    // An unknown tag is only a YAML warning, but CloudFormation rejects the template.
    const severity = doc.errors.includes(problem) || problem.code === 'TAG_RESOLVE_FAILED' ? 'error' : 'warning';
    const meta =
      problem.code === 'DUPLICATE_KEY'
        ? ENGINE_RULES.duplicateKey
        : problem.code === 'TAB_AS_INDENT'
          ? ENGINE_RULES.tabIndent
          : ENGINE_RULES.yamlSyntax;
    const hint =
      problem.code === 'TAG_RESOLVE_FAILED'
        ? 'CloudFormation knows only its own tags (!Ref, !Sub, !GetAtt, !If, ...); write the function in long form or fix the tag name.'
        : meta === ENGINE_RULES.duplicateKey
          ? 'Remove or rename one of the two keys; YAML keeps only one of them.'
          : meta === ENGINE_RULES.tabIndent
            ? 'Indent with spaces; YAML does not allow tabs for indentation.'
            : 'Fix the YAML syntax at this position.';
    const from = Math.min(problem.pos[0], text.length);
    const to = Math.max(Math.min(problem.pos[1], text.length), from + 1);
    findings.push({
      ruleId: meta.id,
      slug: meta.slug,
      severity,
      message: `${firstLine(problem.message)}. ${hint}`,
      file,
      range: { start: positionAt(parsed, from), end: positionAt(parsed, to) },
      path: [],
      source: 'bakery',
    });
  }
  if (doc.errors.length > 0) return { parsed, findings, ok: false };
  try {
    parsed.data = toData(doc.contents, doc, { aliases: 0 });
  } catch (cause) {
    findings.push({
      ruleId: ENGINE_RULES.yamlSyntax.id,
      slug: ENGINE_RULES.yamlSyntax.slug,
      severity: 'error',
      message: `${firstLine(cause instanceof Error ? cause.message : String(cause))}. Reduce the use of aliases (*name) or write the values out.`,
      file,
      range: firstLineRange(text),
      path: [],
      source: 'bakery',
    });
    return { parsed, findings, ok: false };
  }
  return { parsed, findings, ok: true };
}

/**
 * Range of the value (or key) at a long-form `path`. With `needle`, the range of its first
 * occurrence inside that node's source text (e.g. a commercial-partition ARN prefix inside a long `!Sub`), when found.
 */
export function templateRangeOf(parsed: ParsedYaml | undefined, path: JsonPath, at: 'key' | 'value' = 'value', needle?: string): Range {
  if (!parsed) return firstLineRange('');
  const { treePath, node } = toTreePath(parsed.doc, path);
  if (needle !== undefined && node?.range) {
    const index = parsed.text.indexOf(needle, node.range[0]);
    if (index >= 0 && index + needle.length <= node.range[1]) {
      return { start: positionAt(parsed, index), end: positionAt(parsed, index + needle.length) };
    }
  }
  return rangeOf(parsed, treePath, at);
}

/** Where a finding goes when nothing better is known: the first line of the file. */
export function firstLineRange(text: string): Range {
  const lines = text.split(/\r?\n/);
  const index = Math.max(0, lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#')));
  return { start: { line: index + 1, column: 1 }, end: { line: index + 1, column: Math.max(2, (lines[index] ?? '').length + 1) } };
}

/** Map a long-form path onto the YAML tree: a tagged node stands for its `{ Fn::X: ... }` wrapper. */
function toTreePath(doc: Document.Parsed, path: JsonPath): { treePath: JsonPath; node: Node | undefined } {
  let node: unknown = doc.contents;
  const treePath: Array<string | number> = [];
  for (const segment of path) {
    const tag = (node as Node | null)?.tag;
    if (tag !== undefined && SHORT_FORMS[tag] === segment) continue;
    const next = child(node, segment);
    if (next === undefined) break;
    treePath.push(segment);
    node = next;
  }
  return { treePath, node: node as Node | undefined };
}

function child(node: unknown, segment: string | number): unknown {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(segment)) return pair.value ?? pair.key;
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') return node.items[segment];
  return undefined;
}

function toData(node: unknown, doc: Document.Parsed, state: { aliases: number }): unknown {
  let value: unknown;
  if (isAlias(node)) {
    state.aliases += 1;
    if (state.aliases > MAX_ALIAS_COUNT) throw new Error(`More than ${MAX_ALIAS_COUNT} alias expansions`);
    return toData(node.resolve(doc), doc, state);
  }
  if (isScalar(node)) value = node.value;
  else if (isMap(node)) {
    const record: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : toData(pair.key, doc, state);
      record[typeof key === 'string' ? key : JSON.stringify(key) ?? 'null'] = toData(pair.value, doc, state);
    }
    value = record;
  } else if (isSeq(node)) value = node.items.map((item) => toData(item, doc, state));
  else value = null;
  const tag = (node as Node | null)?.tag;
  const longForm = tag === undefined ? undefined : SHORT_FORMS[tag];
  if (longForm === undefined) return value;
  // `!GetAtt Resource.Attribute` splits at the first dot only: attributes may contain dots.
  if (longForm === 'Fn::GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { [longForm]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [longForm]: value };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/[.:]\s*$/, '');
}
