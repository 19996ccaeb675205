import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/schema-validator.js';
import { validateComponentFile } from '../../src/validate.js';
import { type Located, locate, validateFixture } from './helpers.js';

interface SchemaCase {
  name: string;
  file: string;
  expected: Located[];
  /** A phrase the message must contain: the part that tells the author what to write. */
  says: string;
}

const BROKEN: SchemaCase[] = [
  {
    name: 'missing inputs',
    file: 'missing-inputs.yaml',
    expected: [{ ruleId: 'RB1001', path: 'phases.0.steps.0', at: '6:9' }],
    says: "Phase 'build' > step 'Hello' is missing 'inputs'",
  },
  {
    name: 'missing required input key',
    file: 'missing-input-key.yaml',
    expected: [{ ruleId: 'RB1001', path: 'phases.0.steps.0.inputs.0', at: '9:13' }],
    says: "'target'",
  },
  {
    name: 'list given to a map module',
    file: 'inputs-list-for-map.yaml',
    expected: [{ ruleId: 'RB1003', path: 'phases.0.steps.0.inputs', at: '8:9' }],
    says: 'ExecuteBash takes one map under inputs',
  },
  {
    name: 'map given to a list module',
    file: 'inputs-map-for-list.yaml',
    expected: [{ ruleId: 'RB1003', path: 'phases.0.steps.0.inputs', at: '8:9' }],
    says: 'S3Download takes a list of entries',
  },
  {
    name: 'unknown action module',
    file: 'unknown-action.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.action', at: '7:17' }],
    says: 'case-sensitive',
  },
  {
    name: 'registry type in lower case',
    file: 'registry-type.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.inputs.0.type', at: '12:19' }],
    says: 'upper case',
  },
  {
    name: 'unsupported checksum algorithm',
    file: 'webdownload-algorithm.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.inputs.0.algorithm', at: '12:24' }],
    says: '"SHA256"',
  },
  {
    name: 'checksum without algorithm',
    file: 'checksum-without-algorithm.yaml',
    expected: [{ ruleId: 'RB1001', path: 'phases.0.steps.0.inputs.0', at: '9:13' }],
    says: "'algorithm'",
  },
  {
    name: 'timeoutSeconds 0',
    file: 'timeout-zero.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.timeoutSeconds', at: '8:25' }],
    says: 'only -1 (no timeout)',
  },
  {
    name: 'timeoutSeconds with a unit',
    file: 'timeout-text.yaml',
    expected: [{ ruleId: 'RB1003', path: 'phases.0.steps.0.timeoutSeconds', at: '8:25' }],
    says: 'for example 600',
  },
  {
    name: 'ExecuteDocument with a timeout',
    file: 'execute-document-timeout.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.timeoutSeconds', at: '8:25' }],
    says: 'remove timeoutSeconds',
  },
  {
    name: 'onFailure outside the enum',
    file: 'on-failure-value.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.onFailure', at: '8:20' }],
    says: 'Ignore (tolerate the failure)',
  },
  {
    name: 'misspelt step key',
    file: 'unknown-step-key.yaml',
    expected: [{ ruleId: 'RB1002', path: 'phases.0.steps.0.timeout', at: '8:9' }],
    says: 'timeoutSeconds',
  },
  {
    name: 'loop with for and forEach',
    file: 'loop-for-and-foreach.yaml',
    expected: [{ ruleId: 'RB1005', path: 'phases.0.steps.0.loop.forEach', at: '13:11' }],
    says: 'either for or forEach',
  },
  {
    name: 'loop without iteration',
    file: 'loop-without-iteration.yaml',
    expected: [{ ruleId: 'RB1001', path: 'phases.0.steps.0.loop', at: '8:9' }],
    says: 'A loop needs for',
  },
  {
    name: 'loop updateBy 0',
    file: 'loop-update-by-zero.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.loop.for.updateBy', at: '12:23' }],
    says: 'cannot be 0',
  },
  {
    name: 'misspelt if operator',
    file: 'if-operator.yaml',
    expected: [{ ruleId: 'RB1002', path: 'phases.0.steps.0.if.stringEqual', at: '9:11' }],
    says: "Did you mean 'stringEquals'?",
  },
  {
    name: 'if then outside the enum',
    file: 'if-then.yaml',
    expected: [{ ruleId: 'RB1004', path: 'phases.0.steps.0.if.then', at: '10:17' }],
    says: 'Skip (skip it',
  },
  {
    name: 'comparison without value',
    file: 'comparison-without-value.yaml',
    expected: [{ ruleId: 'RB1001', path: 'phases.0.steps.0.inputs', at: '8:9' }],
    says: "'value'",
  },
  {
    name: 'PowerShell commands and file together',
    file: 'powershell-commands-and-file.yaml',
    expected: [{ ruleId: 'RB1006', path: 'phases.0.steps.0.inputs', at: '8:9' }],
    says: 'not both',
  },
  {
    name: 'schemaVersion 2.0',
    file: 'schema-version-2.yaml',
    expected: [{ ruleId: 'RB1004', path: 'schemaVersion', at: '2:16' }],
    says: 'schemaVersion: 1.0',
  },
  {
    name: 'short parameter name and non-string type',
    file: 'parameter-name.yaml',
    expected: [
      { ruleId: 'RB1005', path: 'parameters.0', at: '4:5' },
      { ruleId: 'RB1004', path: 'parameters.1.Version.type', at: '8:13' },
    ],
    says: '3 to 128 characters',
  },
  {
    name: 'no phases',
    file: 'empty-phases.yaml',
    expected: [{ ruleId: 'RB1006', path: 'phases', at: '3:1' }],
    says: 'Phases has 0 entries; it needs at least 1 entry',
  },
];

describe('component schema', () => {
  it.each(BROKEN)('reports $name', ({ file, expected, says }) => {
    // Act
    const findings = validateFixture(`schema/${file}`).filter((f) => f.ruleId.startsWith('RB1'));

    // Assess
    expect(findings.map(locate)).toEqual(expected);
    expect(findings[0]?.message).toContain(says);
  });

  it.each([
    { file: 'realistic-linux.yaml', platform: 'linux' as const },
    { file: 'realistic-windows.yaml', platform: 'windows' as const },
  ])('accepts the realistic document good/$file with no finding at all', ({ file, platform }) => {
    expect(validateFixture(`good/${file}`, platform).map(locate)).toEqual([]);
  });

  it.each([
    { name: 'schemaVersion as a number', schemaVersion: 1.0 },
    { name: 'schemaVersion as a string', schemaVersion: '1.0' },
  ])('accepts $name', ({ schemaVersion }) => {
    const doc = { schemaVersion, phases: [{ name: 'build', steps: [{ name: 'Hello', action: 'Reboot' }] }] };
    expect(checkSchema('component', doc)).toEqual([]);
  });
});

/** Documents of the wrong shape everywhere: the schema explains them and no rule may crash (RB0002). */
const MISSHAPEN: Array<{ name: string; text: string; expected: Located }> = [
  { name: 'a list at the top', text: '- phases\n', expected: { ruleId: 'RB1003', path: '', at: '1:1' } },
  { name: 'phases as a string', text: 'schemaVersion: 1.0\nphases: build\n', expected: { ruleId: 'RB1003', path: 'phases', at: '2:9' } },
  {
    name: 'steps as null',
    text: 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n',
    expected: { ruleId: 'RB1003', path: 'phases.0.steps', at: '4:5' },
  },
  {
    name: 'inputs as a number',
    text: 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: WebDownload\n        inputs: 5\n',
    expected: { ruleId: 'RB1003', path: 'phases.0.steps.0.inputs', at: '7:17' },
  },
  {
    name: 'if as a list',
    text: 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: Reboot\n        if: [a]\n',
    expected: { ruleId: 'RB1003', path: 'phases.0.steps.0.if', at: '7:9' },
  },
  {
    name: 'and as a map',
    text: 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: Assert\n        inputs:\n          and: {not: 1}\n',
    expected: { ruleId: 'RB1003', path: 'phases.0.steps.0.inputs.and', at: '8:11' },
  },
  {
    name: 'loop as a string',
    text: 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: Reboot\n        loop: forever\n',
    expected: { ruleId: 'RB1003', path: 'phases.0.steps.0.loop', at: '7:15' },
  },
  {
    name: 'parameters as a map',
    text: 'schemaVersion: 1.0\nparameters:\n  A: 1\nphases: []\n',
    expected: { ruleId: 'RB1003', path: 'parameters', at: '2:1' },
  },
];

describe('component validation on misshapen documents', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'component-misshapen-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(MISSHAPEN)('reports $name without a rule crash', ({ name, text, expected }) => {
    // Prepare
    const file = `${name.replace(/\W+/g, '-')}.yaml`;
    writeFileSync(path.join(dir, file), text);

    // Act
    const findings = validateComponentFile(file, { cwd: dir, platform: 'windows' }).findings;

    // Assess
    expect(findings.filter((f) => f.ruleId === 'RB0002').map((f) => f.message)).toEqual([]);
    expect(findings.map(locate)).toContainEqual(expected);
  });
});
