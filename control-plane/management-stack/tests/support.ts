import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthAccessTemplate } from '@ami-bakery/bakery-stack';
import type { Json } from '@ami-bakery/bakery-stack/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ManagementStack, type ManagementStackProps } from '../src/index.js';

export { allStatements, getAtt, type Json, ref, resource, statementsOf, sub } from '@ami-bakery/bakery-stack/testing';

const FIXTURE_LAMBDA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/lambda');

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

export { FIXTURE_LAMBDA_DIR, sharedAccessTemplate, synthManagement };
