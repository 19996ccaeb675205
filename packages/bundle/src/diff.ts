/**
 * What CloudFormation will do to each resource when a stack moves from one template to another,
 * predicted offline: add, modify, remove, or replace. A resource is replaced when its type changes
 * or a create-only property of its type (the resource schema) changes, and possibly replaced
 * ("conditional") when a create-only property refers to a resource that is replaced, because the
 * referenced name or ARN changes with it.
 */
import { canonicalJson, compareCodeUnits } from './hash.js';
import { isObject } from './manifest.js';
import { type ResourceSchema, resourceSchema } from './schemas.js';
import type { Template } from './verify.js';

type ResourceAction = 'add' | 'modify' | 'remove' | 'replace';

/** One changed property: its path under Properties (`Version`, `Tags`, `Distributions/0/Region`...). */
interface PropertyChange {
  readonly path: string;
  /** A create-only property: changing it replaces the resource. */
  readonly createOnly: boolean;
  /** `value`: the template text differs; `reference`: it refers to a replaced resource. */
  readonly cause: 'value' | 'reference';
  /** For `reference`: the replaced resources it refers to. */
  readonly via?: readonly string[];
}

interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  /** The old type when the type changed. */
  readonly previousType?: string;
  readonly action: ResourceAction;
  /** For replace: `always` (a create-only value or the type changed) or `conditional` (only through a reference). */
  readonly replacement?: 'always' | 'conditional';
  readonly properties: readonly PropertyChange[];
  /** Resource attributes other than Properties that changed (DependsOn, Condition, DeletionPolicy...). */
  readonly attributes: readonly string[];
  /** No resource schema is known for the type: replacement is not predicted. */
  readonly unknownType?: boolean;
}

type SchemaLookup = (type: string) => Pick<ResourceSchema, 'createOnlyProperties'> | undefined;

interface DiffOptions {
  /** Resource schemas; default: the fixture. */
  schemas?: SchemaLookup;
}

const ATTRIBUTES = ['Condition', 'DeletionPolicy', 'DependsOn', 'Metadata', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy'];

/** Resource changes from `before` to `after` (either may be absent: a new or deleted stack), sorted by logical id. */
function diffTemplates(before: Template | undefined, after: Template | undefined, options: DiffOptions = {}): ResourceChange[] {
  const lookup = options.schemas ?? resourceSchema;
  const oldResources = resourcesOf(before);
  const newResources = resourcesOf(after);
  const ids = [...new Set([...Object.keys(oldResources), ...Object.keys(newResources)])].sort(compareCodeUnits);
  const changes = new Map<string, ResourceChange>();
  for (const id of ids) {
    const change = diffResource(id, oldResources[id], newResources[id], lookup);
    if (change) changes.set(id, change);
  }
  propagateReplacements(newResources, changes, lookup);
  return [...changes.values()].sort((a, b) => compareCodeUnits(a.logicalId, b.logicalId));
}

function resourcesOf(template: Template | undefined): Record<string, Record<string, unknown>> {
  const resources = template?.Resources;
  const out: Record<string, Record<string, unknown>> = {};
  if (!isObject(resources)) return out;
  for (const [id, resource] of Object.entries(resources)) if (isObject(resource)) out[id] = resource;
  return out;
}

function typeOf(resource: Record<string, unknown>): string {
  return typeof resource.Type === 'string' ? resource.Type : '(no type)';
}

function propertiesOf(resource: Record<string, unknown> | undefined): Record<string, unknown> {
  return isObject(resource?.Properties) ? (resource.Properties as Record<string, unknown>) : {};
}

/** Create-only pointers of a type as property paths (`/properties/A/B` -> `A/B`). */
function createOnlyPaths(type: string, lookup: SchemaLookup): string[] | undefined {
  const schema = lookup(type);
  return schema?.createOnlyProperties.map((p) => p.replace(/^\/properties\//, ''));
}

/** Whether `path` (a changed property path) touches a create-only path. */
function isCreateOnly(path: string, createOnly: readonly string[]): boolean {
  return createOnly.some((c) => path === c || path.startsWith(`${c}/`) || c.startsWith(`${path}/`));
}

function diffResource(
  id: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  lookup: SchemaLookup,
): ResourceChange | undefined {
  if (!before && after) return { logicalId: id, type: typeOf(after), action: 'add', properties: [], attributes: [] };
  if (before && !after) return { logicalId: id, type: typeOf(before), action: 'remove', properties: [], attributes: [] };
  if (!before || !after) return undefined;
  const type = typeOf(after);
  if (typeOf(before) !== type) {
    return { logicalId: id, type, previousType: typeOf(before), action: 'replace', replacement: 'always', properties: [], attributes: [] };
  }
  const createOnly = createOnlyPaths(type, lookup);
  const properties: PropertyChange[] = changedPaths(propertiesOf(before), propertiesOf(after), createOnly ?? []).map((p) => ({
    ...p,
    cause: 'value',
  }));
  const attributes = ATTRIBUTES.filter((a) => canonicalJson(before[a] ?? null) !== canonicalJson(after[a] ?? null));
  if (properties.length === 0 && attributes.length === 0) return undefined;
  const replace = properties.some((p) => p.createOnly);
  return {
    logicalId: id,
    type,
    action: replace ? 'replace' : 'modify',
    ...(replace ? { replacement: 'always' as const } : {}),
    properties,
    attributes,
    ...(createOnly ? {} : { unknownType: true }),
  };
}

/**
 * Top-level property names that differ; for a create-only path nested deeper than the top level
 * (`A/B`), the nested value is compared so a change beside it is not taken for a replacement.
 */
function changedPaths(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  createOnly: readonly string[],
): { path: string; createOnly: boolean }[] {
  const out: { path: string; createOnly: boolean }[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareCodeUnits);
  for (const key of keys) {
    if (canonicalJson(before[key] ?? null) === canonicalJson(after[key] ?? null)) continue;
    const nested = createOnly.filter((c) => c.startsWith(`${key}/`));
    if (nested.length === 0) {
      out.push({ path: key, createOnly: createOnly.includes(key) });
      continue;
    }
    for (const c of nested)
      if (canonicalJson(at(before, c) ?? null) !== canonicalJson(at(after, c) ?? null)) out.push({ path: c, createOnly: true });
    // Something else under the key changed too: the key itself changes in place.
    const rest = (value: unknown) =>
      canonicalJson(
        withoutPaths(
          value,
          nested.map((c) => c.slice(key.length + 1)),
        ) ?? null,
      );
    if (rest(before[key]) !== rest(after[key])) out.push({ path: key, createOnly: false });
  }
  return out;
}

function at(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.split('/')) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else return undefined;
  }
  return node;
}

function withoutPaths(value: unknown, paths: readonly string[]): unknown {
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  for (const path of paths) {
    const [head, ...rest] = path.split('/');
    if (head === undefined || !(head in copy)) continue;
    copy[head] = rest.length === 0 ? undefined : withoutPaths(copy[head], [rest.join('/')]);
  }
  return copy;
}

/**
 * A replaced resource gets a new physical id (and ARN): every property that refers to it (Ref,
 * GetAtt, ${X} in Sub) changes at deploy time. Repeats until nothing new is replaced.
 */
function propagateReplacements(
  resources: Record<string, Record<string, unknown>>,
  changes: Map<string, ResourceChange>,
  lookup: SchemaLookup,
): void {
  const replaced = () => new Set([...changes.values()].filter((c) => c.action === 'replace').map((c) => c.logicalId));
  let current = replaced();
  for (let round = 0; round < 1_000 && current.size > 0; round += 1) {
    let grew = false;
    for (const [id, resource] of Object.entries(resources)) {
      const existing = changes.get(id);
      if (existing && (existing.action === 'add' || existing.action === 'remove')) continue;
      const createOnly = createOnlyPaths(typeOf(resource), lookup);
      const props = propertiesOf(resource);
      const additions: PropertyChange[] = [];
      for (const key of Object.keys(props).sort(compareCodeUnits)) {
        const via = [...referencedResources(props[key])].filter((r) => current.has(r) && r !== id).sort(compareCodeUnits);
        if (via.length === 0) continue;
        if (existing?.properties.some((p) => p.path === key)) continue;
        additions.push({ path: key, createOnly: createOnly ? isCreateOnly(key, createOnly) : false, cause: 'reference', via });
      }
      if (additions.length === 0) continue;
      const properties = [...(existing?.properties ?? []), ...additions].sort((a, b) => compareCodeUnits(a.path, b.path));
      const replace = properties.some((p) => p.createOnly);
      const wasReplace = existing?.action === 'replace';
      changes.set(id, {
        logicalId: id,
        type: typeOf(resource),
        action: replace ? 'replace' : 'modify',
        ...(replace
          ? { replacement: properties.some((p) => p.createOnly && p.cause === 'value') ? ('always' as const) : ('conditional' as const) }
          : {}),
        properties,
        attributes: existing?.attributes ?? [],
        ...(createOnly ? {} : { unknownType: true }),
      });
      if (replace && !wasReplace) grew = true;
    }
    if (!grew) break;
    current = replaced();
  }
}

/** Logical ids a value refers to through Ref, Fn::GetAtt or ${X} / ${X.Attr} in Fn::Sub. */
function referencedResources(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedResources(item, out);
    return out;
  }
  if (!isObject(value)) return out;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'Ref' && typeof child === 'string' && !child.startsWith('AWS::')) out.add(child);
    else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(child) ? child[0] : typeof child === 'string' ? child.split('.')[0] : undefined;
      if (typeof target === 'string') out.add(target);
    } else if (key === 'Fn::Sub') {
      const text = Array.isArray(child) ? child[0] : child;
      const vars = Array.isArray(child) && isObject(child[1]) ? Object.keys(child[1]) : [];
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = (match[1] as string).split('.')[0] as string;
          if (!name.startsWith('AWS::') && !vars.includes(name)) out.add(name);
        }
      }
      if (Array.isArray(child)) referencedResources(child[1], out);
    } else referencedResources(child, out);
  }
  return out;
}

export {
  type DiffOptions,
  diffTemplates,
  type PropertyChange,
  type ResourceAction,
  type ResourceChange,
  referencedResources,
  type SchemaLookup,
};
