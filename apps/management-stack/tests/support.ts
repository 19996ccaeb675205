import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthAccessTemplate } from '@ami-bakery/bakery-stack';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ManagementStack, type ManagementStackProps } from '../src/index.js';

type Json = Record<string, unknown>;

const FIXTURE_LAMBDA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/lambda');

const sub = (text: string): Json => ({ 'Fn::Sub': text });
const ref = (logicalId: string): Json => ({ Ref: logicalId });
const getAtt = (logicalId: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [logicalId, attribute] });

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function statementsOf(document: unknown): Json[] {
  const statements = (document as { Statement?: Json[] } | undefined)?.Statement ?? [];
  return statements.map((s) => {
    const out: Json = { ...s };
    for (const key of ['Action', 'Resource', 'NotAction']) if (key in out) out[key] = asList(out[key]);
    return out;
  });
}

function resource(template: Template, type: string, prefix: string): { id: string; props: Json; raw: Json } {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`Expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  const [id, raw] = found[0] as [string, Json];
  return { id, props: (raw.Properties ?? {}) as Json, raw };
}

/** Every statement of every IAM document, including the StackSet's embedded template. */
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

let accessTemplate: Record<string, unknown> | undefined;
/** The StackSet template is the same for every test stack: synthesize it once per file. */
function sharedAccessTemplate(): Record<string, unknown> {
  accessTemplate ??= synthAccessTemplate();
  return accessTemplate;
}

function synthManagement(
  props: Partial<ManagementStackProps> = {},
  stackProps: { region?: string } = {},
): { template: Template; json: Json; stack: ManagementStack } {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new ManagementStack(app, 'Management', {
    lambdaCode: { kind: 'asset', codeDir: FIXTURE_LAMBDA_DIR },
    accessTemplate: sharedAccessTemplate(),
    ...(stackProps.region ? { env: { account: '222222222222', region: stackProps.region } } : {}),
    ...props,
  });
  const template = Template.fromStack(stack);
  return { template, json: template.toJSON() as Json, stack };
}

export { allStatements, FIXTURE_LAMBDA_DIR, getAtt, type Json, ref, resource, sharedAccessTemplate, statementsOf, sub, synthManagement };
