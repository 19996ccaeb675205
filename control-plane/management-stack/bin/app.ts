/**
 * Synthesizes the management-account stack, offline, in two variants:
 * - AmiBakeryManagement: Lambda code as a CDK asset, organization ids typed in (`cdk deploy`).
 * - AmiBakeryManagementCfct: Lambda code from LambdaCodeS3Bucket/Key, organization ids from the
 *   SRA Control Tower SSM parameters, no CDK bootstrap (plain CloudFormation, CfCT).
 * The asset variant needs the bootstrap Lambda bundle: -c lambdaCodeDir=<path> overrides the
 * default control-plane/bootstrap-lambda/dist.
 */

import { synthAccessTemplate } from '@ami-bakery/bakery-stack';
import { App } from 'aws-cdk-lib';
import { ManagementStack } from '../src/index.js';

const app = new App({ analyticsReporting: false });
const codeDir = app.node.tryGetContext('lambdaCodeDir') as string | undefined;
const accessTemplate = synthAccessTemplate();

new ManagementStack(app, 'AmiBakeryManagement', {
  lambdaCode: { kind: 'asset', ...(codeDir ? { codeDir } : {}) },
  organizationParameters: 'plain',
  accessTemplate,
});
new ManagementStack(app, 'AmiBakeryManagementCfct', {
  lambdaCode: { kind: 's3Parameters' },
  organizationParameters: 'ssm',
  accessTemplate,
});
app.synth();
