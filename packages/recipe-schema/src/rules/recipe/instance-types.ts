/**
 * The EC2 instance types CloudFormation accepts, from cfn-lint's per-region data (the union over
 * all regions; data/instance-types.json names the source and how to refresh it).
 */
import { readFileSync } from 'node:fs';

interface InstanceTypeData {
  instanceTypes: string[];
}

let known: Set<string> | undefined;
let list: string[] | undefined;

/** Every known instance type, sorted. */
export function knownInstanceTypes(): readonly string[] {
  list ??= (JSON.parse(readFileSync(new URL('../../../data/instance-types.json', import.meta.url), 'utf8')) as InstanceTypeData)
    .instanceTypes;
  return list;
}

export function isKnownInstanceType(type: string): boolean {
  known ??= new Set(knownInstanceTypes());
  return known.has(type);
}
