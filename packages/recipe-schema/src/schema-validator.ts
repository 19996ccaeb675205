/**
 * Wraps ajv: both bundled schemas are compiled once per process, and every ajv error is turned
 * into a finding with a stable id through one keyword table (like cfn-lint's `rule_set`).
 * Users never see raw ajv output.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { SchemaCompilationError } from './errors.js';
import type { JsonPath, RuleHit, RuleMeta } from './types.js';

export type SchemaName = 'recipe' | 'component';

export const SCHEMA_FILES: Record<SchemaName, URL> = {
  recipe: new URL('../schemas/recipe.schema.json', import.meta.url),
  component: new URL('../schemas/component.schema.json', import.meta.url),
};

/** Rules behind schema findings, keyed by the ajv keyword that failed. */
export const SCHEMA_RULES = {
  required: { id: 'RB1001', slug: 'schema-required', severity: 'error', description: 'Required properties are present.' },
  additionalProperties: { id: 'RB1002', slug: 'schema-unknown-property', severity: 'error', description: 'Only known properties are used.' },
  type: { id: 'RB1003', slug: 'schema-type', severity: 'error', description: 'Values have the expected type.' },
  enum: { id: 'RB1004', slug: 'schema-enum', severity: 'error', description: 'Values are one of the allowed values.' },
  pattern: { id: 'RB1005', slug: 'schema-pattern', severity: 'error', description: 'Strings have the expected format.' },
  range: { id: 'RB1006', slug: 'schema-range', severity: 'error', description: 'Numbers, strings, lists and maps are within their size limits.' },
  uniqueItems: { id: 'RB1007', slug: 'schema-unique-items', severity: 'error', description: 'List items are unique where duplicates make no sense.' },
  combination: { id: 'RB1008', slug: 'schema-shape', severity: 'error', description: 'Values match one of the allowed shapes.' },
} as const satisfies Record<string, RuleMeta>;

type SchemaRuleKey = keyof typeof SCHEMA_RULES;

const KEYWORD_TO_RULE: Record<string, SchemaRuleKey> = {
  required: 'required',
  dependentRequired: 'required',
  additionalProperties: 'additionalProperties',
  unevaluatedProperties: 'additionalProperties',
  propertyNames: 'pattern',
  type: 'type',
  enum: 'enum',
  const: 'enum',
  pattern: 'pattern',
  format: 'pattern',
  minimum: 'range',
  maximum: 'range',
  exclusiveMinimum: 'range',
  exclusiveMaximum: 'range',
  multipleOf: 'range',
  minLength: 'range',
  maxLength: 'range',
  minItems: 'range',
  maxItems: 'range',
  minProperties: 'range',
  maxProperties: 'range',
  uniqueItems: 'uniqueItems',
};

/** Keywords that only wrap other errors; they are dropped when a more precise error exists. */
const WRAPPER_KEYWORDS = new Set(['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not', '$ref']);

/** Keywords that repeat a more precise error reported for the same value (`propertyNames` repeats its `pattern`). */
const ECHO_KEYWORDS = new Set(['propertyNames']);

export interface SchemaHit extends RuleHit {
  rule: (typeof SCHEMA_RULES)[SchemaRuleKey];
}

const compiled = new Map<SchemaName, ValidateFunction>();
let ajv: Ajv | undefined;

/**
 * The ajv every schema here is compiled with. The CLI bundle generates its precompiled
 * validators with this same function (`extra` adds only the code-generation options).
 */
export function newAjv(extra: Options = {}): Ajv {
  const instance = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, ...extra });
  // `x-fix` holds a human sentence telling the author what to write; it is ours, not JSON Schema's.
  instance.addVocabulary(['x-fix', 'markdownDescription']);
  return instance;
}

/**
 * Compiling both schemas costs about half a second, most of a one-recipe run. The CLI bundle
 * replaces this global with validators generated at bundle time by ajv's standalone code from the
 * same schemas and options; run from source it is undefined and the schemas are compiled here.
 */
function precompiledValidator(name: SchemaName): ValidateFunction | undefined {
  return (globalThis as { __bakeryPrecompiledValidators?: Partial<Record<SchemaName, ValidateFunction>> }).__bakeryPrecompiledValidators?.[name];
}

function validatorFor(name: SchemaName): ValidateFunction {
  const cached = compiled.get(name) ?? precompiledValidator(name);
  if (cached) return cached;
  ajv ??= newAjv();
  try {
    const schema = JSON.parse(readFileSync(SCHEMA_FILES[name], 'utf8')) as object;
    const validate = ajv.compile(schema);
    compiled.set(name, validate);
    return validate;
  } catch (cause) {
    throw new SchemaCompilationError(name, { cause });
  }
}

/** Validate `data` against a bundled schema; returns one hit per distinct problem. */
export function checkSchema(name: SchemaName, data: unknown): SchemaHit[] {
  const validate = validatorFor(name);
  if (validate(data)) return [];
  return toHits(validate.errors ?? []);
}

function toHits(errors: ErrorObject[]): SchemaHit[] {
  const precise = errors.filter(
    (e) => !WRAPPER_KEYWORDS.has(e.keyword) && !(ECHO_KEYWORDS.has(e.keyword) && errors.some((o) => o !== e && !ECHO_KEYWORDS.has(o.keyword) && !WRAPPER_KEYWORDS.has(o.keyword) && o.instancePath.startsWith(e.instancePath))),
  );
  const chosen = precise.length > 0 ? dropShadowed(precise, errors) : errors.slice(0, 1);
  const seen = new Set<string>();
  const hits: SchemaHit[] = [];
  for (const error of chosen) {
    const hit = toHit(error);
    const key = `${hit.rule.id}|${hit.path.join('/')}|${hit.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    hits.push(hit);
  }
  return hits;
}

/**
 * Under oneOf/anyOf ajv reports the failures of every branch. When a branch failed only on
 * `type`, and another error exists at the same path, the type error is noise.
 */
function dropShadowed(precise: ErrorObject[], all: ErrorObject[]): ErrorObject[] {
  const combinators = new Set(all.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  if (combinators.size === 0) return precise;
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of precise) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  return precise.filter((e) => {
    if (!combinators.has(e.instancePath)) return true;
    const siblings = byPath.get(e.instancePath) ?? [];
    return !(e.keyword === 'type' && siblings.some((s) => s.keyword !== 'type'));
  });
}

function toHit(error: ErrorObject): SchemaHit {
  const rule = SCHEMA_RULES[KEYWORD_TO_RULE[error.keyword] ?? 'combination'];
  const path = pointerToPath(error.instancePath);
  const where = path.length === 0 ? 'the document root' : `'${path.join('.')}'`;
  const fix = fixHint(error);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return { rule, path, at: 'key', message: `Missing required property '${String(params.missingProperty)}' in ${where}. Add it.${fix}` };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(name, allowed);
      const hint = suggestion ? ` Did you mean '${suggestion}'?` : allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}.` : '';
      return { rule, path: [...path, name], at: 'key', message: `Unknown property '${name}' in ${where}; remove it or fix its spelling.${hint}${fix}` };
    }
    case 'type':
      return { rule, path, message: `${capitalise(where)} must be ${article(String(params.type))}, not ${describe(error.data)}.${fix}` };
    case 'enum':
      return { rule, path, message: `${capitalise(where)} is ${JSON.stringify(error.data)}; use one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.${fix}` };
    case 'const':
      return { rule, path, message: `${capitalise(where)} must be ${JSON.stringify(params.allowedValue)}.${fix}` };
    default:
      // With a fix sentence the author needs the value and the fix, not ajv's wording of the constraint.
      if (fix && (error.keyword === 'pattern' || error.keyword === 'format') && typeof error.data === 'string') {
        return { rule, path, message: `${capitalise(where)} is ${JSON.stringify(error.data.slice(0, 80))}, which is not valid.${fix}` };
      }
      return { rule, path, message: `${capitalise(where)} ${error.message ?? 'is invalid'}.${fix}` };
  }
}

function fixHint(error: ErrorObject): string {
  const schema = error.parentSchema as { 'x-fix'?: string } | undefined;
  return schema?.['x-fix'] ? ` ${schema['x-fix']}` : '';
}

/** Decode a JSON pointer (`/a/0/b~1c`) into a path; list indexes become numbers. */
export function pointerToPath(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${article(typeof value)} (${JSON.stringify(value)?.slice(0, 40)})`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a map', array: 'a list', integer: 'an integer', string: 'a string', number: 'a number', boolean: 'a boolean (true or false)' };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The allowed name closest to `name`, when it is close enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
