/**
 * Synthesizes the management-account stack, offline, in two variants:
 * - AmiBakeryManagement: Lambda code as a CDK asset, organization ids typed in (`cdk deploy`).
 * - AmiBakeryManagementCfct: Lambda code from LambdaCodeS3Bucket/Key, organization ids from the
 *   SRA Control Tower SSM parameters, no CDK bootstrap (plain CloudFormation, CfCT).
 * The asset variant needs the bootstrap Lambda bundle: -c lambdaCodeDir=<path> overrides the
 * default control-plane/bootstrap-lambda/dist.
 */

import { controlTowerGuard, synthAccessTemplate } from '@ami-bakery/bakery-stack';
import { App, Validations } from 'aws-cdk-lib';
import { ManagementStack } from '../src/index.js';

const app = new App({ analyticsReporting: false });
// The AWS Control Tower proactive controls as a policy-validation plugin, as the bakery-stack app runs
// them: every exception is acknowledged on its construct with a reason (tests/nag.test.ts).
Validations.of(app).addPlugins(controlTowerGuard());
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
