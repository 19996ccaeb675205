/**
 * Reads a CloudFormation template (YAML 1.1 or JSON) into plain data. Short-form intrinsics
 * (`!Ref`, `!Sub`, ...) become their long form, so a template reads the same whichever form it
 * uses. Alias expansion is bounded, duplicate keys are errors, and nothing here throws.
 */
import { type CollectionTag, parseDocument, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

type ParseResult = { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number };

const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'ToJsonString',
  'Length',
];

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt') {
    if (typeof value === 'string') {
      const dot = value.indexOf('.');
      return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { 'Fn::GetAtt': value };
  }
  return { [`Fn::${name}`]: value };
}

function tagsFor(name: string): [ScalarTag, CollectionTag, CollectionTag] {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => longForm(name, value) } as ScalarTag,
    { tag, collection: 'seq', resolve: (seq: YAMLSeq) => longForm(name, seq.toJSON()) } as unknown as CollectionTag,
    { tag, collection: 'map', resolve: (map: YAMLMap) => longForm(name, map.toJSON()) } as unknown as CollectionTag,
  ];
}

const CFN_TAGS = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap(tagsFor);

/**
 * Parses template text. JSON goes through JSON.parse (fast; a bundle's templates are usually
 * YAML); everything else through the YAML 1.1 reader CloudFormation uses, timestamps left as text.
 */
function parseTemplateText(text: string, maxAliasCount = 100): ParseResult {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
    }
  }
  try {
    const doc = parseDocument(text, {
      version: '1.1',
      uniqueKeys: true,
      strict: true,
      prettyErrors: true,
      customTags: (tags) => [...tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp'), ...CFN_TAGS],
    });
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      return { ok: false, message: error.message.split('\n')[0] ?? 'YAML error', ...(pos ? { line: pos.line, column: pos.col } : {}) };
    }
    return { ok: true, value: doc.toJS({ maxAliasCount }) };
  } catch (error) {
    return { ok: false, message: (error as Error).message.split('\n')[0] ?? 'YAML error' };
  }
}

export type { ParseResult };
export { parseTemplateText };
