/**
 * Wraps ajv: both bundled schemas are compiled once per process, and every ajv error is turned
 * into a finding with a stable id through one keyword table (like cfn-lint's `rule_set`).
 * Users never see raw ajv output.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { SchemaCompilationError } from './errors.js';
import type { JsonPath, RuleHit, RuleMeta } from './types.js';

export type SchemaName = 'recipe' | 'component' | 'catalog';

export const SCHEMA_FILES: Record<SchemaName, URL> = {
  recipe: new URL('../schemas/recipe.schema.json', import.meta.url),
  component: new URL('../schemas/component.schema.json', import.meta.url),
  catalog: new URL('../schemas/catalog.schema.json', import.meta.url),
};

/** Absolute path of a bundled schema (for `# yaml-language-server: $schema=` lines and editor settings). */
export function schemaFile(name: SchemaName): string {
  return fileURLToPath(SCHEMA_FILES[name]);
}

/** The comment that associates a YAML file with a bundled schema in yaml-language-server (VS Code's YAML extension). */
export function schemaComment(name: SchemaName, fromDir: string): string {
  const relative = path.relative(fromDir, schemaFile(name)).split(path.sep).join('/');
  return `# yaml-language-server: $schema=${relative}`;
}

/** Rules behind schema findings, keyed by the ajv keyword that failed. */
export const SCHEMA_RULES = {
  required: { id: 'RB1001', slug: 'schema-required', severity: 'error', description: 'Required properties are present.' },
  additionalProperties: {
    id: 'RB1002',
    slug: 'schema-unknown-property',
    severity: 'error',
    description: 'Only known properties are used.',
  },
  type: { id: 'RB1003', slug: 'schema-type', severity: 'error', description: 'Values have the expected type.' },
  enum: { id: 'RB1004', slug: 'schema-enum', severity: 'error', description: 'Values are one of the allowed values.' },
  pattern: { id: 'RB1005', slug: 'schema-pattern', severity: 'error', description: 'Strings have the expected format.' },
  range: {
    id: 'RB1006',
    slug: 'schema-range',
    severity: 'error',
    description: 'Numbers, strings, lists and maps are within their size limits.',
  },
  uniqueItems: {
    id: 'RB1007',
    slug: 'schema-unique-items',
    severity: 'error',
    description: 'List items are unique where duplicates make no sense.',
  },
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

/**
 * Keywords saying a value has the wrong shape as a whole: nothing below it is checked again
 * (a parameter written as a flat map is one defect, not one per key).
 */
const SHAPE_KEYWORDS = new Set(['type', 'minProperties', 'maxProperties']);

export interface SchemaHit extends RuleHit {
  rule: (typeof SCHEMA_RULES)[SchemaRuleKey];
  /**
   * The part of the document this finding disqualifies: rules report nothing at or under it
   * (the schema finding already explains it). Undefined: the finding disqualifies nothing.
   */
  subtree?: JsonPath;
}

const compiled = new Map<SchemaName, ValidateFunction>();
let ajv: Ajv | undefined;

/**
 * The ajv every schema here is compiled with. The CLI bundle generates its precompiled
 * validators with this same function (`extra` adds only the code-generation options).
 */
export function newAjv(extra: Options = {}): Ajv {
  const instance = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, ...extra });
  // Annotations editors read (yaml-language-server shows errorMessage instead of its own wording,
  // and renders markdownDescription in hovers); ajv only has to accept them.
  instance.addVocabulary(['errorMessage', 'markdownDescription']);
  return instance;
}

/**
 * Compiling both schemas costs about half a second, most of a one-recipe run. The CLI bundle
 * replaces this global with validators generated at bundle time by ajv's standalone code from the
 * same schemas and options; run from source it is undefined and the schemas are compiled here.
 */
function precompiledValidator(name: SchemaName): ValidateFunction | undefined {
  return (globalThis as { __bakeryPrecompiledValidators?: Partial<Record<SchemaName, ValidateFunction>> }).__bakeryPrecompiledValidators?.[
    name
  ];
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

/** Validate `data` against a bundled schema; returns one hit per distinct defect. */
export function checkSchema(name: SchemaName, data: unknown): SchemaHit[] {
  const validate = validatorFor(name);
  if (validate(data)) return [];
  return toHits(validate.errors ?? [], data);
}

function toHits(errors: ErrorObject[], data: unknown): SchemaHit[] {
  const precise = errors.filter(
    (e) =>
      !WRAPPER_KEYWORDS.has(e.keyword) &&
      !(
        ECHO_KEYWORDS.has(e.keyword) &&
        errors.some(
          (o) => o !== e && !ECHO_KEYWORDS.has(o.keyword) && !WRAPPER_KEYWORDS.has(o.keyword) && o.instancePath.startsWith(e.instancePath),
        )
      ),
  );
  const chosen = precise.length > 0 ? withoutTypoEchoes(withoutCascades(dropShadowed(precise, errors))) : errors.slice(0, 1);
  const seen = new Set<string>();
  const hits: SchemaHit[] = [];
  for (const error of chosen) {
    const hit = toHit(error, data);
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

/**
 * A value of the wrong shape is one defect: errors below it, and other errors about the same
 * value, only repeat it. The first shape error at a path wins.
 */
function withoutCascades(errors: ErrorObject[]): ErrorObject[] {
  const shapes: string[] = [];
  for (const e of errors) if (SHAPE_KEYWORDS.has(e.keyword) && !shapes.includes(e.instancePath)) shapes.push(e.instancePath);
  const firstShapeAt = new Map<string, ErrorObject>();
  for (const e of errors) if (SHAPE_KEYWORDS.has(e.keyword) && !firstShapeAt.has(e.instancePath)) firstShapeAt.set(e.instancePath, e);
  return errors.filter((e) => {
    if (shapes.some((p) => isStrictlyUnder(e.instancePath, p))) return false;
    const shape = firstShapeAt.get(e.instancePath);
    return shape === undefined || shape === e;
  });
}

/**
 * A misspelt key is one defect: ajv reports it as unknown and the key it was meant to be as
 * missing. The unknown-key finding names the intended key, so the missing-key one goes.
 */
function withoutTypoEchoes(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => {
    if (e.keyword !== 'required') return true;
    const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
    return !errors.some((o) => {
      if (o.keyword !== 'additionalProperties' || o.instancePath !== e.instancePath) return false;
      const unknown = String((o.params as { additionalProperty?: unknown }).additionalProperty);
      return closest(unknown, [missing]) === missing;
    });
  });
}

function isStrictlyUnder(pointer: string, ancestor: string): boolean {
  return pointer.startsWith(`${ancestor}/`);
}

function toHit(error: ErrorObject, data: unknown): SchemaHit {
  const rule = SCHEMA_RULES[KEYWORD_TO_RULE[error.keyword] ?? 'combination'];
  const path = pointerToPath(error.instancePath);
  const where = describePath(data, path);
  const Where = capitalise(where);
  const fix = fixHint(error);
  const params = error.params as Record<string, unknown>;
  const limit = params.limit as number;
  const subtree = path;
  switch (error.keyword) {
    case 'required':
      return {
        rule,
        path,
        at: 'key',
        subtree: path.length > 0 ? path : undefined,
        message: `${Where} is missing '${String(params.missingProperty)}'. Add it.${fix}`,
      };
    case 'dependentRequired':
      return {
        rule,
        path,
        at: 'key',
        subtree,
        message: `${Where} sets '${String(params.property)}', which needs '${String(params.missingProperty)}' too. Add it.${fix}`,
      };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(name, allowed);
      const hint = suggestion ? ` Did you mean '${suggestion}'?` : allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}.` : '';
      return {
        rule,
        path: [...path, name],
        at: 'key',
        subtree: [...path, name],
        message: `Unknown property '${name}' in ${where}; remove it or fix its spelling.${hint}${suggestion ? '' : fix}`,
      };
    }
    case 'type':
      return { rule, path, subtree, message: `${Where} must be ${article(String(params.type))}, not ${describe(error.data)}.${fix}` };
    case 'enum':
      return {
        rule,
        path,
        subtree,
        message: `${Where} is ${shown(error.data)}; use one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.${fix}`,
      };
    case 'const':
      return { rule, path, subtree, message: `${Where} must be ${JSON.stringify(params.allowedValue)}.${fix}` };
    case 'pattern':
    case 'format': {
      const named = error.propertyName ?? (params.propertyName as string | undefined);
      if (named !== undefined)
        return {
          rule,
          path,
          at: 'key',
          subtree: [...path, named],
          message: `The name '${named}' in ${where} is not valid.${fix || ` It must match ${String(params.pattern)}.`}`,
        };
      return {
        rule,
        path,
        subtree,
        message: `${Where} is ${shown(error.data)}, which is not valid.${fix || ` It must match ${String(params.pattern ?? params.format)}.`}`,
      };
    }
    case 'minimum':
      return { rule, path, subtree, message: `${Where} is ${shown(error.data)}; it must be ${limit} or more.${fix}` };
    case 'exclusiveMinimum':
      return { rule, path, subtree, message: `${Where} is ${shown(error.data)}; it must be more than ${limit}.${fix}` };
    case 'maximum':
      return { rule, path, subtree, message: `${Where} is ${shown(error.data)}; it must be ${limit} or less.${fix}` };
    case 'exclusiveMaximum':
      return { rule, path, subtree, message: `${Where} is ${shown(error.data)}; it must be less than ${limit}.${fix}` };
    case 'multipleOf':
      return {
        rule,
        path,
        subtree,
        message: `${Where} is ${shown(error.data)}; it must be a multiple of ${String(params.multipleOf)}.${fix}`,
      };
    case 'minLength':
    case 'maxLength': {
      const length = typeof error.data === 'string' ? [...error.data].length : 0;
      const bound = error.keyword === 'minLength' ? 'at least' : 'at most';
      return {
        rule,
        path,
        subtree,
        message: `${Where} is ${plural(length, 'character')} long; it must be ${bound} ${plural(limit, 'character')}.${fix}`,
      };
    }
    case 'minItems':
    case 'maxItems': {
      const count = Array.isArray(error.data) ? error.data.length : 0;
      const bound = error.keyword === 'minItems' ? 'at least' : 'at most';
      return {
        rule,
        path,
        subtree,
        message: `${Where} has ${plural(count, 'entry', 'entries')}; it needs ${bound} ${plural(limit, 'entry', 'entries')}.${fix}`,
      };
    }
    case 'minProperties':
    case 'maxProperties':
      return { rule, path, subtree, message: propertiesMessage(error, Where, limit, fix) };
    case 'uniqueItems': {
      const [later, earlier] = [Number(params.i), Number(params.j)].sort((a, b) => b - a) as [number, number];
      const item = Array.isArray(error.data) ? error.data[later] : undefined;
      return {
        rule,
        path: [...path, later],
        subtree: [...path, later],
        message: `${Where} lists ${shown(item)} twice (entries ${earlier + 1} and ${later + 1}); remove one.${fix}`,
      };
    }
    default: {
      // A rule about key names (propertyNames: not forEach next to for) is about one key.
      const named = error.propertyName ?? (params.propertyName as string | undefined);
      if (named !== undefined)
        return {
          rule,
          path: [...path, named],
          at: 'key',
          subtree: [...path, named],
          message: `'${named}' is not allowed in ${where}.${fix}`,
        };
      return { rule, path, subtree, message: `${Where} does not match any of the shapes allowed here.${fix}` };
    }
  }
}

/** A parameter or constant written as a flat map (`- name: X` / `type: string`) gets the rewrite it needs. */
function propertiesMessage(error: ErrorObject, Where: string, limit: number, fix: string): string {
  const data = isObject(error.data) ? error.data : {};
  const keys = Object.keys(data);
  const flatName = typeof data.name === 'string' && ('type' in data || 'default' in data || 'value' in data) ? data.name : undefined;
  if (error.keyword === 'maxProperties' && flatName !== undefined) {
    const rest = keys.filter((k) => k !== 'name');
    return `${Where} is written as a flat map (name, ${rest.join(', ')}), but AWSTOE wants the name as the key: write '- ${flatName}:' and indent ${rest.join(', ')} below it.`;
  }
  const bound = error.keyword === 'minProperties' ? 'at least' : 'at most';
  return `${Where} has ${plural(keys.length, 'key')} (${keys.join(', ') || 'none'}); it takes ${bound} ${plural(limit, 'key')}.${fix}`;
}

function fixHint(error: ErrorObject): string {
  const schema = error.parentSchema as { errorMessage?: string } | undefined;
  return schema?.errorMessage ? ` ${schema.errorMessage}` : '';
}

/**
 * A path as the author reads it: list entries by their `name` where they have one, otherwise by
 * their 1-based position, e.g. phase 'build' > step 'Install' > inputs entry 2 > permissions.
 */
export function describePath(data: unknown, path: JsonPath): string {
  if (path.length === 0) return 'the document root';
  const parts: string[] = [];
  let node: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string | number;
    const next = path[i + 1];
    if (typeof segment === 'string' && typeof next === 'number') {
      const item = Array.isArray(isObject(node) ? node[segment] : undefined)
        ? (node as Record<string, unknown[]>)[segment]?.[next]
        : undefined;
      const name = isObject(item) && typeof item.name === 'string' && item.name.trim() !== '' ? item.name : undefined;
      parts.push(name !== undefined ? `${SINGULAR[segment] ?? segment} '${name}'` : `${segment} entry ${next + 1}`);
      node = item;
      i += 1;
      continue;
    }
    if (typeof segment === 'number') {
      parts.push(`entry ${segment + 1}`);
      node = Array.isArray(node) ? node[segment] : undefined;
      continue;
    }
    parts.push(segment);
    node = isObject(node) ? node[segment] : undefined;
  }
  return parts.join(' > ');
}

const SINGULAR: Readonly<Record<string, string>> = {
  phases: 'phase',
  steps: 'step',
  components: 'component',
  tests: 'test',
  parameters: 'parameter',
  constants: 'constant',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function shown(value: unknown): string {
  if (value === undefined) return 'empty';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
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
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    integer: 'an integer',
    string: 'a string',
    number: 'a number',
    boolean: 'a boolean (true or false)',
  };
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
