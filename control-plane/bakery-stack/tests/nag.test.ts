import { type App, Validations } from 'aws-cdk-lib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BakeryAccessStack, BakeryStack } from '../src/index.js';
import { acknowledgedFindings, nagCheckedApp, removeNagOutdirs, reportedFindings } from '../testing/index.js';
import { manifestOf, recipe } from './support.js';

// This file keeps CloudFormation's built-in validator on (the other files turn it off for speed).
delete process.env.CDK_VALIDATION;

afterAll(removeNagOutdirs);

function nagApp(): App {
  const app = nagCheckedApp('bakery-nag-');
  const manifest = manifestOf(
    recipe('amazon-linux-2023-stig-high'),
    recipe('ubuntu-pro-2204-cis-l1', ['ArtifactBucketName', 'OrganizationId']),
    recipe('windows-2022-stig', []),
  );
  new BakeryStack(app, 'BakeryStack', { manifest });
  new BakeryAccessStack(app, 'BakeryAccess');
  return app;
}

describe('cdk-nag AwsSolutions', () => {
  it('passes for the bakery stack and the access stack, with the built-in validator on', () => {
    // Prepare
    const app = nagApp();
    // Act + Assess
    const assembly = app.synth();
    const acknowledged = acknowledgedFindings(assembly);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Every acknowledgement carries a written reason.
    for (const [id, reason] of acknowledged) {
      expect(reason, id).toMatch(/\S/);
      expect(reason.length, id).toBeGreaterThanOrEqual(40);
    }
  });

  it('acknowledges exactly the findings that occur: none stale, none missing', () => {
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
