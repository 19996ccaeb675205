/**
 * Just enough of CloudFormation and IAM to check, offline, that one template's resources fall
 * inside another template's IAM policy: intrinsic resolution with fixed parameter values, and an
 * IAM matcher for actions, resource ARNs (`*`, `?`) and the condition operators the bakery uses.
 * Anything outside that subset throws, so a new intrinsic or operator fails the contract tests
 * instead of being silently treated as a match.
 */

type Json = Record<string, unknown>;

/** Marks a property CloudFormation leaves out (`Ref: AWS::NoValue`). */
const NO_VALUE = Symbol('AWS::NoValue');

interface Scope {
  /** Parameters and pseudo parameters (`AWS::Region`, ...). */
  values: Record<string, string>;
  /** The template's Conditions section. */
  conditions?: Json;
  /** What `Ref` to a resource returns. */
  ref: (logicalId: string) => string;
  /** What `Fn::GetAtt` returns. */
  getAtt: (logicalId: string, attribute: string) => string;
  /** Values of other stacks' exports, for `Fn::ImportValue`. */
  imports?: Record<string, string>;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where} resolved to ${JSON.stringify(value)}, not a string`);
  return value;
}

function lookup(name: string, scope: Scope): string {
  if (name in scope.values) return scope.values[name] as string;
  const dot = name.indexOf('.');
  return dot > 0 ? scope.getAtt(name.slice(0, dot), name.slice(dot + 1)) : scope.ref(name);
}

function substitute(text: string, variables: Record<string, string>, scope: Scope): string {
  return text.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, name: string) =>
    literal ? `\${${name}}` : name in variables ? (variables[name] as string) : lookup(name, scope),
  );
}

function condition(name: string, scope: Scope): boolean {
  const expression = scope.conditions?.[name];
  if (expression === undefined) throw new Error(`Condition ${name} is not declared`);
  const value = resolve(expression, scope);
  if (typeof value !== 'boolean') throw new Error(`Condition ${name} did not resolve to a boolean`);
  return value;
}

/** The value CloudFormation would see: intrinsics resolved, NoValue properties removed. */
function resolve(node: unknown, scope: Scope): unknown {
  if (Array.isArray(node)) return node.map((item) => resolve(item, scope)).filter((item) => item !== NO_VALUE);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Json);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::'))) {
    switch (key) {
      case 'Ref':
        return arg === 'AWS::NoValue' ? NO_VALUE : lookup(asString(arg, 'Ref'), scope);
      case 'Condition':
        return condition(asString(arg, 'Condition'), scope);
      case 'Fn::GetAtt': {
        const [id, attribute] = arg as [string, string];
        return scope.getAtt(id, attribute);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? (arg as [string, Json]) : [arg as string, {}];
        const resolved = Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [name, asString(resolve(value, scope), name)]),
        );
        return substitute(text, resolved, scope);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts, scope) as unknown[]).map((part) => asString(part, 'Fn::Join')).join(separator);
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return asString(resolve(text, scope), 'Fn::Split').split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolve(list, scope) as unknown[])[Number(resolve(index, scope))];
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return resolve(condition(name, scope) ? whenTrue : whenFalse, scope);
      }
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return JSON.stringify(resolve(a, scope)) === JSON.stringify(resolve(b, scope));
      }
      case 'Fn::ImportValue': {
        const name = asString(resolve(arg, scope), 'Fn::ImportValue');
        const value = scope.imports?.[name];
        if (value === undefined) throw new Error(`No export named ${name} is modelled`);
        return value;
      }
      case 'Fn::Not':
        return !(resolve((arg as unknown[])[0], scope) as boolean);
      case 'Fn::And':
        return (arg as unknown[]).every((item) => resolve(item, scope) === true);
      case 'Fn::Or':
        return (arg as unknown[]).some((item) => resolve(item, scope) === true);
      default:
        throw new Error(`${key} is not supported by the contract tests' resolver`);
    }
  }
  const out: Json = {};
  for (const [name, value] of entries) {
    const resolved = resolve(value, scope);
    if (resolved !== NO_VALUE) out[name] = resolved;
  }
  return out;
}

// ----- IAM ---------------------------------------------------------------------------------

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One authorization CloudFormation asks for while creating a resource. */
interface Request {
  action: string;
  resource: string;
  /** Condition keys the request carries, e.g. `iam:PermissionsBoundary`. */
  context?: Record<string, string>;
}

/** IAM wildcards: `*` any run of characters (including `/` and `:`), `?` exactly one. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: (pattern, value) => wildcardMatch(pattern, value),
  // IAM treats ArnEquals and ArnLike alike: wildcards allowed in either.
  ArnEquals: (pattern, value) => wildcardMatch(pattern, value),
  ArnLike: (pattern, value) => wildcardMatch(pattern, value),
};

/** Operators that hold when the key is absent or matches none of the values. */
const NEGATED: Record<string, string> = { StringNotEquals: 'StringEquals', ArnNotEquals: 'ArnEquals', ArnNotLike: 'ArnLike' };

function conditionHolds(operator: string, key: string, expected: string | string[], context: Record<string, string>, sid: string): boolean {
  const actual = context[key];
  const values = [expected].flat().map(String);
  if (operator === 'Null') return (values[0] === 'true') === (actual === undefined);
  if (operator === 'Bool' || operator === 'BoolIfExists')
    return actual === undefined ? operator === 'BoolIfExists' : values.includes(actual);
  const negated = NEGATED[operator];
  if (negated)
    return actual === undefined || !values.some((pattern) => (OPERATORS[negated] as (p: string, v: string) => boolean)(pattern, actual));
  // A single-valued request key: ForAnyValue reads as the plain operator.
  const test = OPERATORS[operator.replace(/^ForAnyValue:/, '')];
  if (!test) throw new Error(`Condition operator ${operator} (statement ${sid}) is not supported by the contract tests`);
  // A key the request does not carry fails every operator without IfExists.
  return actual !== undefined && values.some((pattern) => test(pattern, actual));
}

function conditionsHold(statement: Statement, context: Record<string, string>): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, key, expected, context, statement.Sid ?? '?')),
  );
}

function statementMatches(statement: Statement, request: Request): boolean {
  if ('NotAction' in statement || 'NotResource' in statement)
    throw new Error(`NotAction/NotResource (statement ${statement.Sid ?? '?'}) is not supported`);
  return (
    statement.Action.some((pattern) => wildcardMatch(pattern, request.action, true)) &&
    statement.Resource.some((pattern) => wildcardMatch(pattern, request.resource)) &&
    conditionsHold(statement, request.context ?? {})
  );
}

/**
 * Sids of the Allow statements that grant the request, or an empty list when none does or an
 * explicit Deny matches (Deny wins).
 */
function allowedBy(statements: readonly Statement[], request: Request): string[] {
  if (statements.some((s) => s.Effect === 'Deny' && statementMatches(s, request))) return [];
  return statements.filter((s) => s.Effect === 'Allow' && statementMatches(s, request)).map((s) => s.Sid ?? '(no sid)');
}

/** Action and Resource as lists, as IAM reads a single string. */
function normalizeStatements(document: unknown): Statement[] {
  const list = (value: unknown): string[] => [value ?? []].flat().map((v) => asString(v, 'statement element'));
  return ((document as { Statement?: Json[] }).Statement ?? []).map((s) => ({
    ...(s as unknown as Statement),
    Action: list(s.Action),
    Resource: list(s.Resource),
  }));
}

export { allowedBy, NO_VALUE, normalizeStatements, type Request, resolve, type Scope, type Statement, wildcardMatch };
