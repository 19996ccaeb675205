import { type App, Validations } from 'aws-cdk-lib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BakeryAccessStack, BakeryStack } from '../src/index.js';
import { acknowledgedFindings, nagCheckedApp, removeNagOutdirs, reportedFindings } from '../testing/index.js';

// This file keeps CloudFormation's built-in validator on (the other files turn it off for speed).
delete process.env.CDK_VALIDATION;

afterAll(removeNagOutdirs);

function nagApp(): App {
  const app = nagCheckedApp('bakery-nag-');
  new BakeryStack(app, 'BakeryStack');
  new BakeryAccessStack(app, 'BakeryAccess');
  return app;
}

describe('cdk-nag AwsSolutions and the Control Tower proactive controls', () => {
  it('pass for the bakery stack and the access stack, with the built-in validator on', { timeout: 300_000 }, () => {
    // Prepare
    const app = nagApp();
    // Act + Assess
    const assembly = app.synth();
    const acknowledged = acknowledgedFindings(assembly);
    // Every acknowledgement carries a written reason.
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThanOrEqual(40);
    // The Control Tower exceptions, by rule and resource: a new one fails here until it is reasoned.
    expect(
      acknowledged
        .map(([id]) => id)
        .filter((id) => id.includes('cdk-validator-cfnguard'))
        .sort(),
    ).toEqual([
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      'cdk-validator-cfnguard::lambda_inside_vpc_check',
      'cdk-validator-cfnguard::lambda_inside_vpc_check',
      'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
      'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
      'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
      'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
    ]);
  });

  it('acknowledges exactly the findings that occur: none stale, none missing', { timeout: 300_000 }, () => {
    // Prepare: record acknowledgements instead of applying them.
    const recorded = new Set<string>();
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation((ack: { id: string }) => {
      recorded.add(ack.id);
    });
    const app = nagApp();
    // Act
    let failed = false;
    try {
      app.synth();
    } catch {
      failed = true;
    }
    spy.mockRestore();
    // Assess
    expect(failed).toBe(true);
    const findings = reportedFindings(app);
    expect([...recorded].filter((id) => !findings.has(id)).sort()).toEqual([]);
    expect([...findings].filter((id) => !recorded.has(id)).sort()).toEqual([]);
  });
});
