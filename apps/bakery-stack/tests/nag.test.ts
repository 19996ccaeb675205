import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BakeryAccessStack, BakeryStack } from '../src/index.js';
import { manifestOf, recipe } from './support.js';

// This file keeps CloudFormation's built-in validator on (the other files turn it off for speed).
delete process.env.CDK_VALIDATION;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function nagApp(): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bakery-nag-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const manifest = manifestOf(
    recipe('amazon-linux-2023-stig-high'),
    recipe('ubuntu-pro-2204-cis-l1', ['ArtifactBucketName', 'OrganizationId']),
    recipe('windows-2022-stig', []),
  );
  new BakeryStack(app, 'BakeryStack', { manifest });
  new BakeryAccessStack(app, 'BakeryAccess');
  return app;
}

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

describe('cdk-nag AwsSolutions', () => {
  it('passes for the bakery stack and the access stack, with the built-in validator on', () => {
    // Prepare
    const app = nagApp();
    // Act + Assess
    const assembly = app.synth();
    const acknowledged = assembly.stacks.flatMap((stack) =>
      stack
        .findMetadataByType(Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as unknown as Record<string, string>)),
    );
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
    const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
    const findings = new Set(
      report.pluginReports.flatMap((p) =>
        p.violations.map((v) => (p.pluginName === 'AwsSolutions' ? v.ruleName : `${p.pluginName.replace(/ /g, '-')}::${v.ruleName}`)),
      ),
    );
    expect([...recorded].filter((id) => !findings.has(id)).sort()).toEqual([]);
    expect([...findings].filter((id) => !recorded.has(id)).sort()).toEqual([]);
  });
});
