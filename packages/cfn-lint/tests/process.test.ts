/**
 * Runs stand-in executables (tests/fixtures/bin) through the real process launcher, so missing
 * binaries, hangs, crashes and garbage are exercised end to end without cfn-lint itself.
 */
import { chmodSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCfnLint } from '../src/index.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const bin = (name: string) => `${fixtures}bin/${name}`;

beforeAll(() => {
  // Checkouts that drop the executable bit (some archive tools) would otherwise fail every case.
  for (const file of readdirSync(`${fixtures}bin`)) chmodSync(bin(file), 0o755);
});

describe('runCfnLint with stand-in executables', () => {
  it('maps the output of a process that prints the real fixture JSON and exits 2', async () => {
    const result = await runCfnLint(['broken-template.yaml'], { cwd: fixtures, binary: bin('broken-fixture.mjs') });
    expect([result.status, result.exitCode]).toEqual(['ran', 2]);
    expect(result.findings.map((f) => [f.ruleId, f.range.start.line, f.range.start.column])).toEqual([
      ['E1020', 33, 7],
      ['E3012', 68, 13],
      ['E3003', 75, 5],
      ['E3002', 77, 7],
    ]);
  });

  it.each([
    ['outside CI it is skipped with a reason', false, 'skipped', []],
    ['in CI it is an RB5091 error', true, 'skipped', ['RB5091']],
  ] as const)('a binary that does not exist: %s', async (_name, ci, status, ids) => {
    const missing = `${fixtures}bin/no-such-cfn-lint`;
    const result = await runCfnLint(['valid-template.yaml'], { cwd: fixtures, binary: missing, ci });
    expect(result.status).toBe(status);
    expect(result.skippedReason).toBe(`cfn-lint not found at '${missing}'; install it with \`pip install cfn-lint\` (Python 3.9+) to run the full CloudFormation linter.`);
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.file])).toEqual(ids.map((id) => [id, 'error', 'valid-template.yaml']));
  });

  it('stops a process that hangs and reports RB5092 naming the timeout', async () => {
    const result = await runCfnLint(['valid-template.yaml'], { cwd: fixtures, binary: bin('sleep.mjs'), timeoutMs: 1_500 });
    expect(result.status).toBe('ran');
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.file, f.range.start.line])).toEqual([['RB5092', 'error', 'valid-template.yaml', 1]]);
    expect(result.findings[0]?.message).toContain('did not finish within 1500 ms (timeoutMs) on 1 template(s)');
  }, 120_000);

  it.each([
    ['garbage on stdout', 'garbage.mjs', 0, 'RB5093', 'printed something that is not JSON: "Linting templates...\\nnot json at all; '],
    ['a usage error', 'usage-error.mjs', 1, 'RB5090', 'cfn-lint: error: unrecognized arguments: --bogus'],
    ['an unsupported region', 'bad-region.mjs', 32, 'RB5090', "Regions ['mars-east-1'] are unsupported"],
    ['a Python traceback', 'traceback.mjs', 3, 'RB5090', "Traceback (most recent call last): | File \"cfnlint/runner.py\", line 1, in run | main() | File \"cfnlint/core.py\", line 2, in main | ... | File \"cfnlint/data.py\", line 3, in load | KeyError: 'resources'"],
  ] as const)('turns %s into a finding', async (_name, script, exitCode, ruleId, text) => {
    const result = await runCfnLint(['valid-template.yaml'], { cwd: fixtures, binary: bin(script) });
    expect([result.status, result.exitCode]).toEqual(['ran', exitCode]);
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.file, f.range.start.line, f.path])).toEqual([[ruleId, 'error', 'valid-template.yaml', 1, []]]);
    expect(result.findings[0]?.message).toContain(text);
  });

  it('reports a process killed by a signal as RB5090', async () => {
    const result = await runCfnLint(['valid-template.yaml'], { cwd: fixtures, binary: bin('killed.mjs') });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['RB5090']);
    expect(result.findings[0]?.message).toContain('was killed by SIGKILL');
  });

  it('rejects an unusable timeout as a caller error', async () => {
    await expect(runCfnLint(['t.yaml'], { timeoutMs: 0 })).rejects.toThrow('timeoutMs must be a positive number');
  });
});
