import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManagementStack } from '../src/index.js';
import { FIXTURE_LAMBDA_DIR, sharedAccessTemplate } from './support.js';

// This file keeps CloudFormation's built-in validator on (the other files turn it off for speed).
delete process.env.CDK_VALIDATION;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function nagApp(): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'management-nag-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const accessTemplate = sharedAccessTemplate();
  new ManagementStack(app, 'AmiBakeryManagement', { lambdaCode: { kind: 'asset', codeDir: FIXTURE_LAMBDA_DIR }, accessTemplate });
  new ManagementStack(app, 'AmiBakeryManagementCfct', {
    lambdaCode: { kind: 's3Parameters' },
    organizationParameters: 'ssm',
    accessTemplate,
  });
  return app;
}

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
}

describe('cdk-nag AwsSolutions', () => {
  it('passes for both management stack variants, with the built-in validator on', () => {
    // Prepare
    const app = nagApp();
    // Act
    const assembly = app.synth();
    // Assess: every acknowledgement carries a written reason.
    const acknowledged = assembly.stacks.flatMap((stack) =>
      stack
        .findMetadataByType(Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as unknown as Record<string, string>)),
    );
    expect(acknowledged.map(([id]) => id).sort()).toEqual([
      'Annotation::AwsSolutions-IAM5[Resource::<LogGroup.Arn>:log-stream:*]',
      'Annotation::AwsSolutions-IAM5[Resource::<LogGroup.Arn>:log-stream:*]',
      'CloudFormation-Validate::W1030',
      'CloudFormation-Validate::W1030',
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
    const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
    const findings = new Set(
      report.pluginReports.flatMap((p) =>
        p.violations.map((v) => (p.pluginName === 'AwsSolutions' ? v.ruleName : `${p.pluginName.replace(/ /g, '-')}::${v.ruleName}`)),
      ),
    );
    expect([...findings].sort()).toEqual([...recorded].sort());
  });
});
