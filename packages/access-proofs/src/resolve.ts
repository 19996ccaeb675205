/**
 * CloudFormation intrinsic functions resolved the way CloudFormation would for one deployment:
 * parameters, pseudo parameters (a test account, region and partition), Ref / Fn::GetAtt to
 * resources (their physical names), Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If and the
 * condition functions, and Fn::ImportValue from the exports of stacks deployed before.
 * `Ref: AWS::NoValue` removes the property. Anything else throws, so a new
 * intrinsic in a template fails the proofs instead of being guessed.
 */
type Json = Record<string, unknown>;

const NO_VALUE = Symbol('AWS::NoValue');

interface Scope {
  /** Parameters and pseudo parameters. */
  values: Record<string, string>;
  conditions?: Json;
  /** Exports of the stacks deployed before this one (`Fn::ImportValue`). */
  imports?: Record<string, string>;
  ref: (logicalId: string) => string;
  getAtt: (logicalId: string, attribute: string) => string;
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

function condition(name: string, scope: Scope): boolean {
  const expression = scope.conditions?.[name];
  if (expression === undefined) throw new Error(`Condition ${name} is not declared`);
  const value = resolve(expression, scope);
  if (typeof value !== 'boolean') throw new Error(`Condition ${name} did not resolve to a boolean`);
  return value;
}

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
        const [id, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
        return scope.getAtt(id, attribute);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? (arg as [string, Json]) : [arg as string, {}];
        const own = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, asString(resolve(value, scope), name)]));
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, name: string) =>
          literal ? `\${${name}}` : name in own ? (own[name] as string) : lookup(name, scope),
        );
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
      case 'Fn::ImportValue': {
        const name = asString(resolve(arg, scope), 'Fn::ImportValue');
        const value = scope.imports?.[name];
        if (value === undefined)
          throw new Error(
            `Fn::ImportValue ${name}: no stack deployed before exports it (exports: ${Object.keys(scope.imports ?? {}).join(', ') || 'none'})`,
          );
        return value;
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return resolve(condition(name, scope) ? whenTrue : whenFalse, scope);
      }
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return JSON.stringify(resolve(a, scope)) === JSON.stringify(resolve(b, scope));
      }
      case 'Fn::Not':
        return !(resolve((arg as unknown[])[0], scope) as boolean);
      case 'Fn::And':
        return (arg as unknown[]).every((item) => resolve(item, scope) === true);
      case 'Fn::Or':
        return (arg as unknown[]).some((item) => resolve(item, scope) === true);
      default:
        throw new Error(`${key} is not supported by the access-proof resolver`);
    }
  }
  const out: Json = {};
  for (const [name, value] of entries) {
    const resolved = resolve(value, scope);
    if (resolved !== NO_VALUE) out[name] = resolved;
  }
  return out;
}

export { type Json, NO_VALUE, resolve, type Scope };
