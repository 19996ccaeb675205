import type { Template } from 'aws-cdk-lib/assertions';
import type { BundleManifest, BundleManifestRecipe } from '../src/index.js';

type Json = Record<string, unknown>;

const sub = (text: string): Json => ({ 'Fn::Sub': text });
const ref = (logicalId: string): Json => ({ Ref: logicalId });
const getAtt = (logicalId: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [logicalId, attribute] });

function recipe(name: string, parameters: string[] = ['ArtifactBucketName', 'PermissionsBoundaryArn']): BundleManifestRecipe {
  return {
    name,
    version: '1.0.0',
    stackName: `ami-bakery-recipe-${name}`,
    template: `recipes/${name}/template.yaml`,
    contentHash: `sha256:${'0'.repeat(64)}`,
    parameters,
  };
}

function manifestOf(...recipes: BundleManifestRecipe[]): BundleManifest {
  return { formatVersion: 1, sourceCommit: null, recipes };
}

/** The single resource of a type whose logical id starts with `prefix`; fails loudly otherwise. */
function resource(template: Template, type: string, prefix: string): { id: string; props: Json; raw: Json } {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`Expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  const [id, raw] = found[0] as [string, Json];
  return { id, props: (raw.Properties ?? {}) as Json, raw };
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** A policy statement with Action and Resource always as lists, so tests compare exact arrays. */
function normalizeStatement(statement: Json): Json {
  const out: Json = { ...statement };
  for (const key of ['Action', 'Resource', 'NotAction']) {
    if (key in out) out[key] = asList(out[key]);
  }
  return out;
}

function statementsOf(document: unknown): Json[] {
  const statements = (document as { Statement?: Json[] } | undefined)?.Statement ?? [];
  return statements.map(normalizeStatement);
}

/** Inline policy `policyName` of a role, statements normalized. */
function inlinePolicy(role: Json, policyName: string): Json[] {
  const policies = ((role.Policies as Json[] | undefined) ?? []).filter((p) => p.PolicyName === policyName);
  if (policies.length !== 1) throw new Error(`Expected one inline policy ${policyName}`);
  return statementsOf((policies[0] as Json).PolicyDocument);
}

/** Every Allow statement of every IAM document in a template (inline, managed, key policies). */
function allStatements(template: Json): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const obj = node as Json;
      if (Array.isArray(obj.Statement)) out.push(...statementsOf(obj));
      Object.values(obj).forEach(walk);
    }
  };
  walk(template.Resources);
  return out;
}

export { allStatements, getAtt, inlinePolicy, type Json, manifestOf, normalizeStatement, recipe, ref, resource, statementsOf, sub };
