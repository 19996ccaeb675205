/**
 * The requests CloudFormation makes with the recipe deploy role while it creates, updates and
 * deletes each resource of a recipe stack: every permission of the resource type's handlers
 * (data/resource-handlers.json, or the shared copy in packages/bundle when it exists) turned into
 * a request on the resource it acts on, by the table in data/handler-requests.json. A permission
 * the table does not know fails, and so does a conditional one whose condition a template meets
 * but whose resource the table cannot name: nothing is left out silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARN, type DeployedStack, TEST_ENV } from './model.js';
import type { Json } from './resolve.js';
import type { Row } from './simulate.js';

export type Handler = 'create' | 'update' | 'delete';
export const HANDLERS: readonly Handler[] = ['create', 'update', 'delete'];

interface Condition {
  path: string;
  /** The value must equal this (booleans, strings). */
  equals?: unknown;
  /** Every value must match this regular expression. */
  matches?: string;
}

export interface RequestSpec {
  /** `self` | `slr` | `*` | `ref:<path>` | `profileRole:<path>` | `ssmParameters` | `parentParameter` | `s3Uri:<path>` | `s3Bucket:<path>` | `launchTemplates` */
  on?: string;
  /** One request per value at this path (`@` in `context` is the value). */
  each?: string;
  when?: Condition;
  unless?: Condition;
  /** Condition keys: a literal, `$<path>` (the property's value) or `@` (the `each` value). */
  context?: Record<string, string>;
  why?: string;
  /** The schema lists something that is not an IAM action; it may only occur where its condition is unmet. */
  notAnAction?: string;
  /** Denied today for the reason given (with the fix, in a file another change owns). */
  knownDefect?: string;
}

interface ExtraSpec extends RequestSpec {
  action: string;
}

type TypeRequests = Record<string, RequestSpec> & { extra?: Partial<Record<Handler, ExtraSpec[]>> };

export interface ResourceHandlers {
  file: string;
  resourceTypes: Record<string, { source?: Json; handlers: Partial<Record<Handler | 'read' | 'list', { permissions: string[] }>> }>;
}

const DATA = fileURLToPath(new URL('../data/', import.meta.url));
/** The shared fixture of the bundle package (resource schemas with handlers), when it is in the workspace. */
export const SHARED_SCHEMAS = path.resolve(DATA, '../../bundle/data/resource-schemas.json');
export const OWN_HANDLERS = path.join(DATA, 'resource-handlers.json');

export function loadHandlers(file?: string): ResourceHandlers {
  const chosen = file ?? (existsSync(SHARED_SCHEMAS) ? SHARED_SCHEMAS : OWN_HANDLERS);
  const data = JSON.parse(readFileSync(chosen, 'utf8')) as Omit<ResourceHandlers, 'file'>;
  return { file: chosen, resourceTypes: data.resourceTypes };
}

export function loadRequestTable(): Record<string, TypeRequests> {
  return (JSON.parse(readFileSync(path.join(DATA, 'handler-requests.json'), 'utf8')) as { requests: Record<string, TypeRequests> })
    .requests;
}

/** Values at a path: `A.B` walks objects, `A[]` flattens a list. */
export function valuesAt(node: unknown, pathText: string): unknown[] {
  let current: unknown[] = [node];
  for (const part of pathText.split('.')) {
    const flatten = part.endsWith('[]');
    const key = flatten ? part.slice(0, -2) : part;
    current = current.flatMap((value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
      const next = (value as Json)[key];
      if (next === undefined) return [];
      return flatten ? (Array.isArray(next) ? next : [next]) : [next];
    });
  }
  return current.filter((value) => value !== undefined && !(Array.isArray(value) && value.length === 0) && value !== '');
}

function holds(props: Json, condition: Condition): boolean {
  const values = valuesAt(props, condition.path);
  if (values.length === 0) return false;
  if (condition.equals !== undefined) return values.every((v) => v === condition.equals);
  if (condition.matches !== undefined) return values.every((v) => typeof v === 'string' && new RegExp(condition.matches as string).test(v));
  return true;
}

const SLR = (account: string): string =>
  `${ARN}:iam::${account}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;

/**
 * An Image Builder ARN with a version pattern (`component/update-linux/x.x.x`) as Image Builder
 * authorizes it: the build version it resolves to (each `x` a number, build 1).
 */
function concreteVersion(arn: string): string {
  const match = /^(arn:[^:]+:imagebuilder:[^:]*:[^:]*:(?:component|workflow\/[^/]+|image)\/[^/]+)\/([0-9x]+\.[0-9x]+\.[0-9x]+)$/.exec(arn);
  return match ? `${match[1]}/${(match[2] as string).replaceAll('x', '0')}/1` : arn;
}

/** A value a property holds, as the ARN IAM sees: a resource of the stack (by Ref or ARN) or an ARN already. */
function asArn(stack: DeployedStack, value: unknown): string {
  const text = String(value);
  for (const id of Object.keys(stack.template.Resources as Json)) {
    const p = stack.physical(id);
    if (p.ref === text || p.arn === text) return p.arn;
  }
  if (!text.startsWith('arn:')) throw new Error(`${stack.stackName}: ${text} names no resource of the stack and is not an ARN`);
  return concreteVersion(text);
}

function s3Parts(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`${uri} is not an s3:// URI`);
  return { bucket: match[1] as string, key: match[2] as string };
}

function resourcesOf(stack: DeployedStack, id: string, props: Json, on: string): string[] {
  const [kind, rest = ''] = on.split(/:(.*)/s) as [string, string?];
  switch (kind) {
    case 'self':
      return [stack.physical(id).arn];
    case 'slr':
      return [SLR(stack.account)];
    case '*':
      return ['*'];
    case 'ref':
      return valuesAt(props, rest).map((value) => asArn(stack, value));
    case 'profileRole':
      return valuesAt(props, rest).flatMap((name) => {
        const profile = Object.keys(stack.template.Resources as Json).find((candidate) => stack.physical(candidate).ref === name);
        if (profile === undefined) throw new Error(`${stack.stackName}: instance profile ${String(name)} is not a resource of the stack`);
        return valuesAt(stack.properties(profile), 'Roles[]').map((role) => asArn(stack, role));
      });
    case 'ssmParameters':
      return (valuesAt(props, 'Distributions[]') as Json[]).flatMap((distribution) =>
        valuesAt(distribution, 'SsmParameterConfigurations[].ParameterName').map((name) => {
          const region = String(distribution.Region ?? TEST_ENV.region);
          const text = String(name);
          return `${ARN}:ssm:${region}:${stack.account}:parameter${text.startsWith('/') ? '' : '/'}${text}`;
        }),
      );
    case 'parentParameter':
      return valuesAt(props, 'ParentImage').map(
        (parent) => `${ARN}:ssm:${TEST_ENV.region}::parameter${String(parent).slice('ssm:'.length)}`,
      );
    case 's3Uri':
      return valuesAt(props, rest).map((uri) => {
        const { bucket, key } = s3Parts(String(uri));
        return `${ARN}:s3:::${bucket}/${key}`;
      });
    case 's3Bucket':
      return valuesAt(props, rest).map((uri) => `${ARN}:s3:::${s3Parts(String(uri)).bucket}`);
    default:
      throw new Error(`the handler-request table names no resource kind ${on}: teach src/handlers.ts`);
  }
}

export interface HandlerRequest {
  recipe: string;
  logicalId: string;
  type: string;
  handler: Handler;
  action: string;
  resource: string;
  context: Record<string, string>;
  why?: string;
  /** Not in the schema's permission list: added by the request table (with why). */
  extra?: boolean;
  knownDefect?: string;
}

export interface SkippedPermission {
  recipe: string;
  logicalId: string;
  type: string;
  handler: Handler;
  action: string;
  reason: string;
}

function contextOf(spec: RequestSpec, props: Json, each: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.context ?? {})) {
    if (value === '@') out[key] = String(each);
    else if (value.startsWith('$')) {
      const found = valuesAt(props, value.slice(1))[0];
      if (found !== undefined) out[key] = String(found);
    } else out[key] = value;
  }
  return out;
}

/** Every request (and every permission that does not apply, with why) for one recipe stack. */
export function handlerRequests(
  stack: DeployedStack,
  recipe: string,
  handlers: ResourceHandlers = loadHandlers(),
  table: Record<string, TypeRequests> = loadRequestTable(),
): { requests: HandlerRequest[]; skipped: SkippedPermission[] } {
  const requests: HandlerRequest[] = [];
  const skipped: SkippedPermission[] = [];
  for (const [id, resource] of Object.entries(stack.template.Resources as Record<string, Json>)) {
    const type = String(resource.Type);
    const schema = handlers.resourceTypes[type];
    const specs = table[type];
    if (!schema || !specs)
      throw new Error(`${recipe}: ${id} is a ${type}, which ${schema ? 'the handler-request table' : handlers.file} does not describe`);
    const props = stack.properties(id);
    for (const handler of HANDLERS) {
      const listed = (schema.handlers[handler]?.permissions ?? []).map((action) => ({
        action,
        spec: specs[action] as RequestSpec | undefined,
        extra: false,
      }));
      const extras = (specs.extra?.[handler] ?? []).map((spec) => ({ action: spec.action, spec: spec as RequestSpec, extra: true }));
      for (const { action, spec, extra } of [...listed, ...extras]) {
        if (spec === undefined)
          throw new Error(`${type} ${handler} handler needs ${action}: data/handler-requests.json has no entry for it`);
        const base = { recipe, logicalId: id, type, handler, action };
        if ((spec.when && !holds(props, spec.when)) || (spec.unless && holds(props, spec.unless))) {
          skipped.push({ ...base, reason: spec.notAnAction ?? spec.why ?? 'its condition does not hold' });
          continue;
        }
        if (spec.notAnAction) throw new Error(`${recipe} ${id}: ${spec.notAnAction}`);
        const eachValues = spec.each ? valuesAt(props, spec.each) : [undefined];
        for (const each of eachValues)
          for (const arn of resourcesOf(stack, id, props, spec.on ?? 'self'))
            requests.push({
              ...base,
              resource: arn,
              context: contextOf(spec, props, each),
              ...(spec.why ? { why: spec.why } : {}),
              ...(extra ? { extra } : {}),
              ...(spec.knownDefect ? { knownDefect: spec.knownDefect } : {}),
            });
      }
    }
  }
  return { requests, skipped };
}

/** A request as a row of the required table, principal the recipe deploy role. */
export function requestRow(request: HandlerRequest): Row {
  return {
    id: `HANDLER ${request.type} ${request.handler} ${request.action}`,
    title: `CloudFormation ${request.handler}s ${request.logicalId} (${request.type}): ${request.action}`,
    principal: 'bakery:RecipeDeployRole',
    action: request.action,
    // A literal ARN: `$` never occurs in one, so Fn::Sub leaves it as it is.
    resource: request.resource,
    ...(Object.keys(request.context).length > 0 ? { context: request.context } : {}),
    source: `${request.extra ? 'beyond' : 'handler permissions of'} ${request.type} ${request.handler}${request.why ? `: ${request.why}` : ''}`,
    ...(request.knownDefect ? { knownDefect: request.knownDefect } : {}),
  };
}
