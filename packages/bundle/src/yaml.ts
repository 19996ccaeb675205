/**
 * Reads a CloudFormation template (YAML or JSON) into plain data. Short-form intrinsics (`!Ref`,
 * `!Sub`, ...) become their long form, so a template reads the same whichever form it uses.
 * Duplicate keys are errors, timestamps stay text, and aliases (`*x`) to collections are refused:
 * the bundler never writes them, and expanding them is how a small file becomes a huge one.
 * Nothing here throws.
 *
 * js-yaml with its core schema: a bundle of 1,000 templates is read several times faster than
 * with a parser that keeps a document model.
 */
import jsyaml from 'js-yaml';

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

const CFN_TYPES = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap((name) =>
  (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) => new jsyaml.Type(`!${name}`, { kind, construct: (data: unknown) => longForm(name, data ?? (kind === 'scalar' ? '' : data)) }),
  ),
);

const SCHEMA = jsyaml.CORE_SCHEMA.extend(CFN_TYPES);

/** The first collection reached twice (an alias), or undefined. */
function sharedCollection(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (seen.has(node)) return true;
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (child !== null && typeof child === 'object') stack.push(child);
  }
  return false;
}

/** Parses template text. JSON goes through JSON.parse; everything else through the YAML reader. */
function parseTemplateText(text: string): ParseResult {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
    }
  }
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: SCHEMA, json: false });
  } catch (error) {
    const e = error as { reason?: string; message?: string; mark?: { line: number; column: number } };
    const message = e.reason ?? (e.message ?? 'YAML error').split('\n')[0] ?? 'YAML error';
    return { ok: false, message, ...(e.mark ? { line: e.mark.line + 1, column: e.mark.column + 1 } : {}) };
  }
  if (sharedCollection(value))
    return { ok: false, message: 'the template uses YAML aliases (*name) to mappings or lists; write the values out' };
  return { ok: true, value };
}

export type { ParseResult };
export { parseTemplateText };
