/**
 * One walk over every resource's `Properties` against the spec. It yields the hits of four rules
 * (unknown property, missing required property, wrong type, bad enum value) because they all
 * need the same descent through property types, intrinsic functions and `Fn::If` branches.
 */
import type { JsonPath } from '@ami-bakery/recipe-schema';
import { didYouMean } from './suggest.js';
import { intrinsicName, isCustomResourceType, isRecord } from './intrinsics.js';
import type { TemplateHit } from './rule.js';
import type { PropertySpec, Spec, TypeSpec } from './spec.js';

export type PropertyIssueKind = 'unknown-property' | 'missing-required-property' | 'wrong-type' | 'bad-enum-value';

export interface PropertyIssue extends TemplateHit {
  kind: PropertyIssueKind;
}

/** `Tag` is a shared type the database leaves implicit. Only `Key` is required by every service. */
const TAG_PROPERTIES: Record<string, PropertySpec> = {
  Key: { type: { kind: 'string' }, required: true },
  Value: { type: { kind: 'string' } },
};

interface Walk {
  spec: Spec;
  issues: PropertyIssue[];
  resourceType: string;
}

export function walkProperties(template: unknown, spec: Spec): PropertyIssue[] {
  const issues: PropertyIssue[] = [];
  const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
  for (const [name, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') continue;
    const custom = isCustomResourceType(resource.Type);
    const resourceSpec = spec.resource(custom ? 'AWS::CloudFormation::CustomResource' : resource.Type);
    if (!resourceSpec) continue;
    const walk: Walk = { spec, issues, resourceType: resource.Type };
    const path = ['Resources', name];
    const properties = resource.Properties;
    if (properties === undefined || properties === null) {
      for (const [property, propertySpec] of Object.entries(resourceSpec.properties)) {
        if (!propertySpec.required) continue;
        issues.push({
          kind: 'missing-required-property',
          path,
          at: 'key',
          message: `${resource.Type} requires property '${property}'; add a Properties map with it.`,
        });
      }
      continue;
    }
    checkObjectValue(walk, properties, resourceSpec.properties, [...path, 'Properties'], resource.Type, custom);
  }
  return issues;
}

/** A value that must be an object with the given properties (resource Properties or a struct). */
function checkObjectValue(
  walk: Walk,
  value: unknown,
  properties: Record<string, PropertySpec>,
  path: JsonPath,
  owner: string,
  open = false,
): void {
  const fn = intrinsicName(value);
  if (fn === 'Fn::If') {
    forEachIfBranch(value, path, (branch, branchPath) => checkObjectValue(walk, branch, properties, branchPath, owner, open));
    return;
  }
  // Any other function is resolved at deploy time; its result cannot be checked here.
  if (fn !== undefined || !isRecord(value)) return;
  const names = Object.keys(properties);
  for (const [key, child] of Object.entries(value)) {
    const propertySpec = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (propertySpec === undefined) {
      if (open) continue;
      const suggestion = didYouMean(key, names);
      walk.issues.push({
        kind: 'unknown-property',
        path: [...path, key],
        at: 'key',
        message: suggestion
          ? `${owner} has no property '${key}'; did you mean '${suggestion}'? Rename it.`
          : `${owner} has no property '${key}'; remove it (known properties: ${preview(names)}).`,
      });
      continue;
    }
    checkValue(walk, child, propertySpec.type, [...path, key], key);
  }
  for (const [name, propertySpec] of Object.entries(properties)) {
    if (!propertySpec.required || Object.hasOwn(value, name)) continue;
    walk.issues.push({
      kind: 'missing-required-property',
      path,
      at: 'key',
      message: `${owner} requires property '${name}'; add it.`,
    });
  }
}

function checkValue(walk: Walk, value: unknown, type: TypeSpec, path: JsonPath, name: string): void {
  const fn = intrinsicName(value);
  if (fn === 'Fn::If') {
    forEachIfBranch(value, path, (branch, branchPath) => checkValue(walk, branch, type, branchPath, name));
    return;
  }
  if (fn !== undefined) return;
  if (value === null || value === undefined) {
    walk.issues.push({ kind: 'wrong-type', path, at: 'key', message: `'${name}' has no value; give it ${describe(walk, type)} or remove the key.` });
    return;
  }
  switch (type.kind) {
    case 'string':
      if (typeof value === 'object') {
        wrongType(walk, path, `'${name}' must be a string, not ${describeValue(value)}; write a single value.`);
        return;
      }
      if (type.allowed && !type.allowed.includes(String(value))) badEnum(walk, path, name, String(value), type.allowed);
      return;
    case 'date-time':
      if (typeof value === 'object') wrongType(walk, path, `'${name}' must be a date-time string, not ${describeValue(value)}.`);
      return;
    case 'integer':
      if (!(typeof value === 'number' && Number.isInteger(value)) && !(typeof value === 'string' && /^[-+]?\d+$/.test(value.trim()))) {
        wrongType(walk, path, `'${name}' must be an integer, not ${describeValue(value)}; write a whole number.`);
      }
      return;
    case 'number':
      if (!(typeof value === 'number' && Number.isFinite(value)) && !(typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) {
        wrongType(walk, path, `'${name}' must be a number, not ${describeValue(value)}; write a number.`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && !(typeof value === 'string' && /^(true|false)$/i.test(value))) {
        wrongType(walk, path, `'${name}' must be a boolean, not ${describeValue(value)}; write true or false.`);
      }
      return;
    case 'json':
      if (typeof value !== 'object' && typeof value !== 'string') {
        wrongType(walk, path, `'${name}' must be a JSON object (or its text), not ${describeValue(value)}.`);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) {
        wrongType(walk, path, `'${name}' must be a list, not ${describeValue(value)}; write it as a YAML list (- item).`);
        return;
      }
      for (const [index, item] of value.entries()) checkValue(walk, item, type.element, [...path, index], `${name}[${index}]`);
      return;
    case 'map':
      if (!isRecord(value)) {
        wrongType(walk, path, `'${name}' must be a map of key: value, not ${describeValue(value)}.`);
        return;
      }
      for (const [key, item] of Object.entries(value)) checkValue(walk, item, type.element, [...path, key], key);
      return;
    case 'tag':
      if (!isRecord(value)) {
        wrongType(walk, path, `'${name}' must be a tag { Key, Value }, not ${describeValue(value)}.`);
        return;
      }
      checkObjectValue(walk, value, TAG_PROPERTIES, path, `Tag (in ${walk.resourceType})`);
      return;
    case 'struct': {
      const struct = walk.spec.struct(type.ref);
      if (!struct) return;
      if (!isRecord(value)) {
        wrongType(walk, path, `'${name}' must be a ${struct.name} object (a map of its properties), not ${describeValue(value)}.`);
        return;
      }
      checkObjectValue(walk, value, struct.properties, path, `${struct.name} (in ${walk.resourceType})`);
      return;
    }
    case 'union':
      checkUnion(walk, value, type.types, path, name);
      return;
  }
}

/** Valid when any member accepts the value; otherwise report the closest member's problems. */
function checkUnion(walk: Walk, value: unknown, members: readonly TypeSpec[], path: JsonPath, name: string): void {
  let best: PropertyIssue[] | undefined;
  for (const member of members) {
    const scratch: Walk = { ...walk, issues: [] };
    checkValue(scratch, value, member, path, name);
    if (scratch.issues.length === 0) return;
    const shapeMatched = !scratch.issues.some((issue) => issue.kind === 'wrong-type' && issue.path.length === path.length);
    if (shapeMatched && (best === undefined || scratch.issues.length < best.length)) best = scratch.issues;
  }
  if (best) walk.issues.push(...best);
  else wrongType(walk, path, `'${name}' must be ${members.map((m) => describe(walk, m)).join(' or ')}, not ${describeValue(value)}.`);
}

function forEachIfBranch(value: unknown, path: JsonPath, visit: (branch: unknown, branchPath: JsonPath) => void): void {
  const args = (value as Record<string, unknown>)['Fn::If'];
  if (!Array.isArray(args) || args.length !== 3) return;
  visit(args[1], [...path, 'Fn::If', 1]);
  visit(args[2], [...path, 'Fn::If', 2]);
}

function wrongType(walk: Walk, path: JsonPath, message: string): void {
  walk.issues.push({ kind: 'wrong-type', path, message: `${message} An intrinsic function (!Ref, !Sub, ...) is also accepted.` });
}

function badEnum(walk: Walk, path: JsonPath, name: string, value: string, allowed: readonly string[]): void {
  const suggestion = didYouMean(value, allowed);
  walk.issues.push({
    kind: 'bad-enum-value',
    path,
    message: `'${name}' is '${value}', which is not one of ${preview(allowed)}${suggestion ? `; did you mean '${suggestion}'?` : '; use one of them.'}`,
  });
}

function describe(walk: Walk, type: TypeSpec): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'date-time':
      return 'a date-time string';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'json':
      return 'a JSON object';
    case 'array':
      return 'a list';
    case 'map':
      return 'a map';
    case 'tag':
      return 'a tag { Key, Value }';
    case 'struct':
      return `a ${walk.spec.struct(type.ref)?.name ?? 'property'} object`;
    case 'union':
      return type.types.map((t) => describe(walk, t)).join(' or ');
  }
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a map';
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  return `the ${typeof value} ${String(value)}`;
}

function preview(values: readonly string[]): string {
  const shown = values.slice(0, 12).join(', ');
  return values.length > 12 ? `${shown}, ... (${values.length} in all)` : shown;
}
