import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../src/recipe-model.js';
import { componentRules } from '../../src/rules/component/index.js';
import { FIXTURES, locate, validateFixture } from './helpers.js';

interface BadCase {
  name: string;
  file: string;
  platform?: Platform;
  expected: Array<{ path: string; at: string }>;
  /** A phrase the message must contain: the part that tells the author what to do. */
  says: string;
}

const BAD: Record<string, BadCase[]> = {
  RB2001: [
    {
      name: 'a second build phase',
      file: 'RB2001-duplicate-phase.yaml',
      expected: [{ path: 'phases.1.name', at: '11:11' }],
      says: 'rename this one',
    },
  ],
  RB2002: [
    {
      name: 'two Install steps in one phase',
      file: 'RB2002-duplicate-step.yaml',
      expected: [{ path: 'phases.0.steps.1.name', at: '11:15' }],
      says: 'rename one of them',
    },
  ],
  RB2003: [
    {
      name: 'two loops named dirs in one phase',
      file: 'RB2003-duplicate-loop.yaml',
      expected: [{ path: 'phases.0.steps.1.loop.name', at: '18:17' }],
      says: "used by step 'CreateFolders'",
    },
  ],
  RB2004: [
    {
      name: 'misspelt step name',
      file: 'RB2004-unknown-step.yaml',
      expected: [{ path: 'phases.0.steps.1.inputs.commands.0', at: '15:25' }],
      says: "did you mean 'Download'?",
    },
    {
      name: 'step that runs later',
      file: 'RB2004-later-step.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.commands.0', at: '10:21' }],
      says: 'runs after this step',
    },
    {
      name: 'chaining in a parameter default',
      file: 'RB2004-outside-inputs.yaml',
      expected: [{ path: 'parameters.0.Release.default', at: '6:17' }],
      says: "only inside a step's inputs",
    },
    {
      name: 'test phase reading build outputs',
      file: 'RB2004-test-reads-build.yaml',
      expected: [{ path: 'phases.1.steps.0.inputs.value', at: '17:19' }],
      says: 'new test instance',
    },
    {
      name: 'outputs of a module without outputs',
      file: 'RB2004-no-outputs.yaml',
      expected: [{ path: 'phases.0.steps.1.inputs.commands.0', at: '15:21' }],
      says: 'S3Download produces none',
    },
  ],
  RB2005: [
    {
      name: 'parameter with the wrong case',
      file: 'RB2005-undeclared.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.commands.0', at: '14:25' }],
      says: "Did you mean 'InstallPath'?",
    },
    {
      name: 'loop variable in a step without loop',
      file: 'RB2005-loop-without-loop.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.commands.0', at: '10:21' }],
      says: 'has no loop',
    },
    {
      name: "another step's loop name",
      file: 'RB2005-other-steps-loop.yaml',
      expected: [{ path: 'phases.0.steps.1.inputs.commands.0', at: '20:31' }],
      says: 'neither a loop variable of this step',
    },
  ],
  RB2006: [
    {
      name: 'ExecutePowerShell in a Linux recipe',
      file: 'RB2006-powershell-on-linux.yaml',
      platform: 'linux',
      expected: [{ path: 'phases.0.steps.0.action', at: '7:17' }],
      says: 'use ExecuteBash',
    },
    {
      name: 'ExecuteBash and CreateFile permissions in a Windows recipe',
      file: 'RB2006-bash-on-windows.yaml',
      platform: 'windows',
      expected: [
        { path: 'phases.0.steps.0.action', at: '7:17' },
        { path: 'phases.0.steps.1.inputs.0.permissions', at: '16:13' },
      ],
      says: 'use ExecutePowerShell',
    },
  ],
  RB2007: [
    {
      name: 'five logical levels in if',
      file: 'RB2007-depth-five.yaml',
      expected: [{ path: 'phases.0.steps.0.if.and.0.or.0.not.and.0.not', at: '13:25' }],
      says: 'at most 4',
    },
    {
      name: 'five logical levels in Assert',
      file: 'RB2007-assert-depth-five.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.not.not.not.not.not', at: '13:19' }],
      says: 'at most 4',
    },
  ],
  RB2008: [
    {
      name: 'onFailure Continue',
      file: 'RB2008-continue.yaml',
      expected: [{ path: 'phases.0.steps.0.onFailure', at: '8:20' }],
      says: 'Use Ignore',
    },
  ],
  RB2009: [
    {
      name: 'second entry without checksum',
      file: 'RB2009-no-checksum.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.1', at: '13:13' }],
      says: 'Add checksum',
    },
    {
      name: 'certificate errors ignored',
      file: 'RB2009-ignore-certificate.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.0.ignoreCertificateErrors', at: '13:38' }],
      says: 'remove it',
    },
  ],
  RB2010: [
    {
      name: 'only an install phase',
      file: 'RB2010-no-image-builder-phase.yaml',
      expected: [{ path: 'phases', at: '3:1' }],
      says: "only 'install'",
    },
  ],
  RB2011: [
    {
      name: 'constant named like a parameter',
      file: 'RB2011-parameter-and-constant.yaml',
      expected: [{ path: 'constants.0.Version', at: '8:5' }],
      says: 'already declared as a parameter',
    },
  ],
  RB2012: [
    {
      name: 'unquoted parameter as a path',
      file: 'RB2012-unquoted.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.path', at: '13:11' }],
      says: 'Quote the whole value: "{{ Script }}"',
    },
  ],
  RB2013: [
    {
      name: 'two comparisons side by side',
      file: 'RB2013-two-operators.yaml',
      expected: [{ path: 'phases.0.steps.0.if.fileExists', at: '10:11' }],
      says: 'combine them under and',
    },
    {
      name: 'fileExists with a value',
      file: 'RB2013-unary-with-value.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.value', at: '10:11' }],
      says: 'takes no value',
    },
  ],
  RB2014: [
    {
      name: 'exit 194 without a marker',
      file: 'RB2014-reboot-without-marker.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.commands', at: '9:11' }],
      says: 'marker file',
    },
  ],
  RB2016: [
    {
      name: 'output reference without }}',
      file: 'RB2016-unclosed-output.yaml',
      expected: [{ path: 'phases.0.steps.1.inputs.stringEquals', at: '14:26' }],
      says: "Close it: '{{ build.Version.outputs.stdout }}'",
    },
  ],
  RB2017: [
    {
      name: 'Go-template variable in a block script',
      file: 'RB2017-dot-name.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.commands.0', at: '17:25' }],
      says: 'Write {{ ConfigS3Path }}',
    },
  ],
  RB2018: [
    {
      name: "setgid mode '2750'",
      file: 'RB2018-setgid.yaml',
      expected: [{ path: 'phases.0.steps.0.inputs.0.permissions', at: '10:26' }],
      says: 'special mode',
    },
  ],
};

const GOOD: Record<string, Array<{ file: string; platform?: Platform }>> = {
  RB2001: [{ file: 'unique-phase-names.yaml' }],
  RB2002: [{ file: 'unique-step-names.yaml' }],
  RB2003: [{ file: 'unique-loop-names.yaml' }],
  RB2004: [{ file: 'unresolved-step-reference.yaml' }],
  RB2005: [{ file: 'unresolved-variable.yaml' }],
  RB2006: [
    { file: 'action-platform.yaml', platform: 'linux' },
    { file: 'action-platform-windows.yaml', platform: 'windows' },
  ],
  RB2007: [{ file: 'if-nesting-depth.yaml' }],
  RB2008: [{ file: 'on-failure-continue.yaml' }],
  RB2009: [{ file: 'webdownload-checksum.yaml' }],
  RB2010: [{ file: 'image-builder-phase.yaml' }],
  RB2011: [{ file: 'unique-variable-names.yaml' }],
  RB2012: [{ file: 'unquoted-expression.yaml' }],
  RB2013: [{ file: 'expression-operator.yaml' }],
  RB2014: [{ file: 'reboot-idempotency.yaml' }],
  RB2016: [{ file: 'unterminated-expression.yaml' }],
  RB2017: [{ file: 'go-template-expression.yaml' }],
  RB2018: [{ file: 'permissions-mode.yaml' }],
};

for (const rule of componentRules) {
  describe(`Rule: ${rule.id} ${rule.slug}`, () => {
    it.each(BAD[rule.id] ?? [])('reports $name', ({ file, platform, expected, says }) => {
      // Act
      const findings = validateFixture(`bad/${file}`, platform ?? 'linux').filter((f) => f.ruleId === rule.id);

      // Assess
      expect(findings.map(locate)).toEqual(expected.map((e) => ({ ruleId: rule.id, ...e })));
      expect(findings.every((f) => f.severity === rule.severity && f.file === `bad/${file}`)).toBe(true);
      expect(findings[0]?.message).toContain(says);
    });

    it.each(GOOD[rule.id] ?? [])('accepts good/$file', ({ file, platform }) => {
      expect(validateFixture(`good/${file}`, platform ?? 'linux').map(locate)).toEqual([]);
    });
  });
}

describe('component rule fixtures', () => {
  it('give every registered rule a good and a bad case', () => {
    const ids = componentRules.map((r) => r.id);
    expect(Object.keys(BAD).sort()).toEqual([...ids].sort());
    expect(Object.keys(GOOD).sort()).toEqual([...ids].sort());
  });

  it('name every bad fixture after a registered rule and cover each one in a table', () => {
    const files = readdirSync(`${FIXTURES}bad`).sort();
    const tabled = Object.values(BAD)
      .flat()
      .map((c) => c.file)
      .sort();
    expect(files).toEqual(tabled);
    const ids = new Set(componentRules.map((r) => r.id));
    expect(files.filter((f) => !ids.has(f.slice(0, 6)))).toEqual([]);
  });
});

describe('Rule: RB2006 action-platform', () => {
  it('stays silent when the platform is unknown (standalone document)', () => {
    expect(validateFixture('bad/RB2006-powershell-on-linux.yaml').filter((f) => f.ruleId === 'RB2006')).toEqual([]);
  });
});
