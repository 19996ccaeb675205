/**
 * JSON Schema checks for generator tables. Same finding ids and wording style as the recipe and
 * component schemas (RB1xxx through SCHEMA_RULES), so authors see one kind of message whatever
 * file they edit.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SchemaCompilationError } from '../errors.js';
import { closest, pointerToPath, SCHEMA_RULES, type SchemaHit } from '../schema-validator.js';

const KEYWORD_RULE: Record<string, keyof typeof SCHEMA_RULES> = {
  required: 'required',
  additionalProperties: 'additionalProperties',
  type: 'type',
  enum: 'enum',
  const: 'enum',
  pattern: 'pattern',
  minimum: 'range',
  maximum: 'range',
  minLength: 'range',
  maxLength: 'range',
  minItems: 'range',
  maxItems: 'range',
  uniqueItems: 'uniqueItems',
};
const WRAPPERS = new Set(['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not', '$ref']);

const compiled = new Map<object, ValidateFunction>();
let ajv: Ajv | undefined;

function validatorFor(name: string, schema: object): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    // `x-fix` is the sentence telling the author what to write; it is ours, not JSON Schema's.
    ajv.addVocabulary(['x-fix']);
  }
  try {
    const validate = ajv.compile(schema);
    compiled.set(schema, validate);
    return validate;
  } catch (cause) {
    throw new SchemaCompilationError(name, { cause });
  }
}

/** Problems of `data` against a table schema, one hit per distinct problem, deepest first. */
export function checkTableSchema(name: string, schema: object, data: unknown): SchemaHit[] {
  const validate = validatorFor(name, schema);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const precise = errors.filter((e) => !WRAPPERS.has(e.keyword));
  const seen = new Set<string>();
  const hits: SchemaHit[] = [];
  for (const error of precise.length > 0 ? precise : errors.slice(0, 1)) {
    const hit = toHit(error);
    // A row's own schema and its kind's branch both close the object: one report per place is enough.
    const key = `${hit.rule.id}|${hit.path.join('/')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    hits.push(hit);
  }
  return hits;
}

function toHit(error: ErrorObject): SchemaHit {
  const rule = SCHEMA_RULES[KEYWORD_RULE[error.keyword] ?? 'combination'];
  const path = pointerToPath(error.instancePath);
  const where = path.length === 0 ? 'the table' : `'${path.join('.')}'`;
  const schema = error.parentSchema as { 'x-fix'?: string; properties?: object } | undefined;
  const fix = schema?.['x-fix'] ? ` ${schema['x-fix']}` : '';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { rule, path, at: 'key', message: `Missing required property '${String(params.missingProperty)}' in ${where}. Add it.${fix}` };
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const allowed = Object.keys(schema?.properties ?? {});
      const suggestion = closest(property, allowed);
      const hint = suggestion ? ` Did you mean '${suggestion}'?` : allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}.` : '';
      return { rule, path: [...path, property], at: 'key', message: `Unknown property '${property}' in ${where}; remove it or fix its spelling.${hint}${fix}` };
    }
    case 'enum':
      return { rule, path, message: `${where} is ${JSON.stringify(error.data)}; use one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.${fix}` };
    case 'const':
      return { rule, path, message: `${where} must be ${JSON.stringify(params.allowedValue)}.${fix}` };
    case 'pattern':
      return { rule, path, message: `${where} is ${JSON.stringify(String(error.data).slice(0, 80))}, which is not valid.${fix}` };
    default:
      return { rule, path, message: `${where} ${error.message ?? 'is invalid'}.${fix}` };
  }
}
