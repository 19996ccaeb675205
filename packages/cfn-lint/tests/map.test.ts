import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CfnLintRunner, mapCfnLintOutput, runCfnLint, type RunnerResult } from '../src/index.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const BROKEN_JSON = readFileSync(`${fixtures}broken-template.cfn-lint.json`, 'utf8');
const VALID_JSON = readFileSync(`${fixtures}valid-template.cfn-lint.json`, 'utf8');

/** A runner that returns canned output and records how it was called. */
function fakeRunner(result: Partial<RunnerResult>) {
  const calls: Array<{ binary: string; args: readonly string[]; cwd: string; timeoutMs: number }> = [];
  const runner: CfnLintRunner = async (binary, args, options) => {
    calls.push({ binary, args, ...options });
    return { stdout: '', stderr: '', timedOut: false, ...result };
  };
  return { runner, calls };
}

function brief(findings: Awaited<ReturnType<typeof runCfnLint>>['findings']) {
  return findings.map((f) => [f.ruleId, f.severity, f.file, `${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}`]);
}

describe('runCfnLint with the real fixture output (injected runner)', () => {
  it('maps the four matches of the broken template with cfn-lint ids, lines and columns', async () => {
    // Prepare
    const { runner, calls } = fakeRunner({ exitCode: 2, stdout: BROKEN_JSON });

    // Act
    const result = await runCfnLint(['broken-template.yaml'], { cwd: fixtures, runner });

    // Assess
    expect(result.status).toBe('ran');
    expect(result.exitCode).toBe(2);
    expect(brief(result.findings)).toEqual([
      ['E1020', 'error', 'broken-template.yaml', '33:7-33:12'],
      ['E3012', 'error', 'broken-template.yaml', '68:13-68:23'],
      ['E3003', 'error', 'broken-template.yaml', '75:5-75:15'],
      ['E3002', 'error', 'broken-template.yaml', '77:7-77:22'],
    ]);
    expect(result.findings.map((f) => [f.ruleId, f.slug, f.source, f.path])).toEqual([
      ['E1020', 'ref-validation-of-value', 'cfn-lint', ['Resources', 'ImageBuilderInstanceProfile', 'Properties', 'Roles', 0, 'Ref']],
      ['E3012', 'check-resource-properties-values', 'cfn-lint', ['Resources', 'ImageRecipe', 'Properties', 'BlockDeviceMappings', 0, 'Ebs', 'VolumeSize']],
      ['E3003', 'required-resource-properties-are-missing', 'cfn-lint', ['Resources', 'InfrastructureConfiguration', 'Properties']],
      ['E3002', 'resource-properties-are-invalid', 'cfn-lint', ['Resources', 'InfrastructureConfiguration', 'Properties', 'InstanceProfile']],
    ]);
    expect(result.findings[3]?.message).toBe("Additional properties are not allowed ('InstanceProfile' was unexpected. Did you mean 'InstanceProfileName'?)");
    expect(calls).toEqual([
      {
        binary: 'cfn-lint',
        args: ['--format', 'json', '--non-zero-exit-code', 'informational', '--', 'broken-template.yaml'],
        cwd: fixtures.replace(/\/$/, ''),
        timeoutMs: 120_000,
      },
    ]);
  });

  it('reports nothing for the valid template', async () => {
    const { runner } = fakeRunner({ exitCode: 0, stdout: VALID_JSON });
    expect(await runCfnLint(['valid-template.yaml'], { cwd: fixtures, runner })).toEqual({ status: 'ran', exitCode: 0, findings: [] });
  });

  it('passes regions, the binary and the timeout to the process', async () => {
    const { runner, calls } = fakeRunner({ exitCode: 0, stdout: '[]' });
    await runCfnLint(['a.yaml', '-odd.yaml'], { cwd: fixtures, runner, regions: ['us-east-1', 'eu-west-1'], binary: '/opt/cfn-lint', timeoutMs: 5_000 });
    expect(calls.map((c) => [c.binary, c.args, c.timeoutMs])).toEqual([
      ['/opt/cfn-lint', ['--format', 'json', '--non-zero-exit-code', 'informational', '--regions', 'us-east-1', 'eu-west-1', '--', 'a.yaml', '-odd.yaml'], 5_000],
    ]);
  });

  it('moves a match to the recipe line its template value came from', async () => {
    // Prepare
    const { runner } = fakeRunner({ exitCode: 2, stdout: BROKEN_JSON });
    const links = new Map([
      [
        'broken-template.yaml',
        [{ templatePath: ['Resources', 'ImageRecipe', 'Properties', 'BlockDeviceMappings', 0, 'Ebs', 'VolumeSize'], file: 'recipe.yaml', path: ['build', 'rootVolume', 'sizeGiB'] }],
      ],
    ]);

    // Act
    const result = await runCfnLint(['broken-template.yaml'], { cwd: fixtures, runner, links });

    // Assess
    expect(result.findings.map((f) => [f.ruleId, f.file, f.range.start.line, f.range.start.column, f.path])).toEqual([
      ['E1020', 'broken-template.yaml', 33, 7, ['Resources', 'ImageBuilderInstanceProfile', 'Properties', 'Roles', 0, 'Ref']],
      ['E3003', 'broken-template.yaml', 75, 5, ['Resources', 'InfrastructureConfiguration', 'Properties']],
      ['E3002', 'broken-template.yaml', 77, 7, ['Resources', 'InfrastructureConfiguration', 'Properties', 'InstanceProfile']],
      ['E3012', 'recipe.yaml', 5, 14, ['build', 'rootVolume', 'sizeGiB']],
    ]);
  });

  it('skips without running when there is nothing to lint', async () => {
    const { runner, calls } = fakeRunner({ exitCode: 0, stdout: '[]' });
    expect(await runCfnLint([], { runner })).toEqual({ status: 'skipped', findings: [], skippedReason: 'no templates to lint' });
    expect(calls).toEqual([]);
  });
});

describe('runCfnLint exit codes', () => {
  // 0/2/4/8 and their combinations are lint outcomes; anything else means cfn-lint itself failed.
  it.each([
    [0, 'ran', []],
    [2, 'ran', []],
    [4, 'ran', []],
    [6, 'ran', []],
    [8, 'ran', []],
    [10, 'ran', []],
    [12, 'ran', []],
    [14, 'ran', []],
    [1, 'ran', [['RB5090', 'reported a usage or configuration error']]],
    [32, 'ran', [['RB5090', 'rejected the region list (mars-east-1)']]],
    [3, 'ran', [['RB5090', 'exited with status 3, which is not a lint result']]],
    [16, 'ran', [['RB5090', 'exited with status 16']]],
    [127, 'ran', [['RB5090', 'exited with status 127']]],
  ] as const)('exit %i', async (exitCode, status, expected) => {
    // Prepare
    const { runner } = fakeRunner({ exitCode, stdout: '[]', stderr: 'details on stderr' });

    // Act
    const result = await runCfnLint(['t.yaml'], { cwd: fixtures, runner, regions: ['mars-east-1'] });

    // Assess
    expect(result.status).toBe(status);
    expect(result.exitCode).toBe(exitCode);
    expect(result.findings.map((f) => f.ruleId)).toEqual(expected.map(([id]) => id));
    expected.forEach(([, text], index) => {
      expect(result.findings[index]?.message).toContain(text);
      expect(result.findings[index]?.message).toContain('details on stderr');
      expect(result.findings[index]?.file).toBe('t.yaml');
    });
  });
});

describe('runCfnLint when cfn-lint is missing (injected ENOENT)', () => {
  it.each([
    ['skips with a reason outside CI', false, 'skipped', []],
    ['reports RB5091 in CI', true, 'skipped', [['RB5091', 'error', 't.yaml', '1:1-1:2']]],
  ] as const)('%s', async (_name, ci, status, expected) => {
    const { runner } = fakeRunner({ errorCode: 'ENOENT' });
    const result = await runCfnLint(['t.yaml'], { cwd: fixtures, runner, ci });
    expect(result.status).toBe(status);
    expect(result.skippedReason).toBe('cfn-lint not found on PATH; install it with `pip install cfn-lint` (Python 3.9+) to run the full CloudFormation linter.');
    expect(brief(result.findings)).toEqual(expected);
  });

  it('reads CI from the environment by default', async () => {
    const { runner } = fakeRunner({ errorCode: 'ENOENT' });
    const before = process.env.CI;
    try {
      process.env.CI = 'true';
      expect((await runCfnLint(['t.yaml'], { cwd: fixtures, runner })).findings.map((f) => f.ruleId)).toEqual(['RB5091']);
      process.env.CI = 'false';
      expect((await runCfnLint(['t.yaml'], { cwd: fixtures, runner })).findings).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.CI;
      else process.env.CI = before;
    }
  });
});

describe('mapCfnLintOutput on bad output', () => {
  const options = { cwd: fixtures, templates: ['t.yaml'] };

  it.each([
    ['text that is not JSON', 'Linting...\nall good', 'RB5093', 'is not JSON: "Linting...\\nall good"'],
    ['empty output', '', 'RB5093', 'is not JSON: (nothing)'],
    ['JSON that is not a list', '{"matches": []}', 'RB5093', 'not a list of matches'],
    ['a match without a rule id', '[{"Filename": "t.yaml", "Message": "x"}]', 'RB5093', 'a match this tool cannot read'],
    ['a match that is not an object', '[42]', 'RB5093', 'a match this tool cannot read: "42"'],
  ])('%s', (_name, stdout, ruleId, text) => {
    const findings = mapCfnLintOutput(stdout, options);
    expect(findings.map((f) => [f.ruleId, f.severity, f.file, f.range.start.line, f.source])).toEqual([[ruleId, 'error', 't.yaml', 1, 'bakery']]);
    expect(findings[0]?.message).toContain(text);
  });

  it('quotes at most the first 200 characters', () => {
    const [finding] = mapCfnLintOutput('x'.repeat(1_000), options);
    expect(finding?.message).toContain(`"${'x'.repeat(200)}..."`);
    expect(finding?.message).not.toContain('x'.repeat(201));
  });

  it.each([
    ['Level Warning', { Level: 'Warning', Rule: { Id: 'W2001' } }, 'warning'],
    ['Level Informational', { Level: 'Informational', Rule: { Id: 'I3011' } }, 'info'],
    ['no Level, E id', { Rule: { Id: 'E9999' } }, 'error'],
    ['no Level, I id', { Rule: { Id: 'I9999' } }, 'info'],
    ['unknown Level, W id', { Level: 'Loud', Rule: { Id: 'W9999' } }, 'warning'],
  ])('severity from %s', (_name, match, severity) => {
    expect(mapCfnLintOutput(JSON.stringify([match]), options).map((f) => f.severity)).toEqual([severity]);
  });

  it('puts a match that names no file (E0003) on the first template and repairs missing positions', () => {
    const match = { Filename: null, Level: 'Error', Location: { Start: { LineNumber: 0 }, End: {}, Path: null }, Message: 'nonexist.yaml could not be processed by glob.glob', Rule: { Id: 'E0003', ShortDescription: 'Error with cfn-lint configuration' } };
    const findings = mapCfnLintOutput(JSON.stringify([match]), options);
    expect(findings.map((f) => [f.ruleId, f.slug, f.file, f.range, f.path])).toEqual([
      ['E0003', 'error-with-cfn-lint-configuration', 't.yaml', { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, []],
    ]);
  });
});
