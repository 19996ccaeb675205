import { acknowledgedFindings, nagCheckedApp, removeNagOutdirs, reportedFindings } from '@ami-bakery/bakery-stack/testing';
import { type App, Validations } from 'aws-cdk-lib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManagementStack } from '../src/index.js';
import { FIXTURE_LAMBDA_DIR, sharedAccessTemplate } from './support.js';

// This file keeps CloudFormation's built-in validator on (the other files turn it off for speed).
delete process.env.CDK_VALIDATION;

afterAll(removeNagOutdirs);

function nagApp(): App {
  const app = nagCheckedApp('management-nag-');
  const accessTemplate = sharedAccessTemplate();
  new ManagementStack(app, 'AmiBakeryManagement', { lambdaCode: { kind: 'asset', codeDir: FIXTURE_LAMBDA_DIR }, accessTemplate });
  new ManagementStack(app, 'AmiBakeryManagementCfct', {
    lambdaCode: { kind: 's3Parameters' },
    organizationParameters: 'ssm',
    accessTemplate,
  });
  return app;
}

describe('cdk-nag AwsSolutions and the Control Tower proactive controls', () => {
  it('pass for both management stack variants, with the built-in validator on', () => {
    // Prepare
    const app = nagApp();
    // Act
    const assembly = app.synth();
    // Assess: every acknowledgement carries a written reason.
    const acknowledged = acknowledgedFindings(assembly);
    // The Control Tower exceptions by rule, once per variant: a new one fails here until it is reasoned.
    expect(acknowledged.map(([id]) => id).sort()).toEqual([
      'Annotation::AwsSolutions-IAM5[Resource::<LogGroup.Arn>:log-stream:*]',
      'Annotation::AwsSolutions-IAM5[Resource::<LogGroup.Arn>:log-stream:*]',
      'CloudFormation-Validate::W1030',
      'CloudFormation-Validate::W1030',
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check',
      'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check',
      'cdk-validator-cfnguard::lambda_inside_vpc_check',
      'cdk-validator-cfnguard::lambda_inside_vpc_check',
      'cdk-validator-cfnguard::sqs_dlq_check',
      'cdk-validator-cfnguard::sqs_dlq_check',
    ]);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThanOrEqual(40);
  });

  it('acknowledges exactly the findings that occur: none stale, none missing', () => {
    // Prepare: record acknowledgements instead of applying them.
    const recorded = new Set<string>();
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation((ack: { id: string }) => {
      recorded.add(ack.id);
    });
    let app: App;
    try {
      app = nagApp();
    } finally {
      spy.mockRestore();
    }
    // Act
    expect(() => app.synth()).toThrowError(/Validation failed|ERROR/);
    // Assess
    const findings = reportedFindings(app);
    expect([...findings].sort()).toEqual([...recorded].sort());
  });
});
