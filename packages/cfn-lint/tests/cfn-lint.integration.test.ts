/**
 * The real cfn-lint on the fixture templates, in one process. Skipped (with a message) when
 * cfn-lint is not installed; with CI=true a missing cfn-lint fails the run.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCfnLint } from '../src/index.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const installed = probe.error === undefined && probe.status === 0;
const ci = process.env.CI === 'true';

if (!installed && !ci) console.warn('cfn-lint is not on PATH: the cfn-lint integration test is skipped (install it with `pip install cfn-lint`).');

describe('real cfn-lint', () => {
  it.runIf(ci)('is installed (required when CI=true)', () => {
    expect(probe.error?.message ?? '', 'cfn-lint must be on PATH in CI').toBe('');
    expect(probe.status).toBe(0);
  });

  it.runIf(installed)(
    'lints the valid and broken fixture templates in one run, as in the fixture README',
    async () => {
      // Act
      const result = await runCfnLint(['valid-template.yaml', 'broken-template.yaml'], { cwd: fixtures, ci });

      // Assess
      expect([result.status, result.exitCode]).toEqual(['ran', 2]);
      expect(result.findings.map((f) => [f.ruleId, f.severity, f.file, `${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}`, f.source])).toEqual([
        ['E1020', 'error', 'broken-template.yaml', '33:7-33:12', 'cfn-lint'],
        ['E3012', 'error', 'broken-template.yaml', '68:13-68:23', 'cfn-lint'],
        ['E3003', 'error', 'broken-template.yaml', '75:5-75:15', 'cfn-lint'],
        ['E3002', 'error', 'broken-template.yaml', '77:7-77:22', 'cfn-lint'],
      ]);
    },
    240_000,
  );

  it.runIf(installed)(
    'reports an unsupported region as RB5090',
    async () => {
      const result = await runCfnLint(['valid-template.yaml'], { cwd: fixtures, regions: ['mars-east-1'] });
      expect([result.exitCode, result.findings.map((f) => f.ruleId)]).toEqual([32, ['RB5090']]);
      expect(result.findings[0]?.message).toContain('mars-east-1');
    },
    240_000,
  );
});
