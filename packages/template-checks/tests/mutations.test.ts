import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkTemplate, checkTemplateFile, parseTemplateText } from '../src/index.js';
import { applyMutation, MUTATIONS, VALID_TEMPLATE } from './mutations.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;

function summary(findings: ReturnType<typeof checkTemplate>) {
  return findings.map((f) => ({ ruleId: f.ruleId, line: f.range.start.line, path: f.path }));
}

describe('Built-in checks on the cfn-lint fixture templates', () => {
  it('reports nothing for the valid template', () => {
    // Act
    const findings = checkTemplateFile('valid-template.yaml', { cwd: fixtures });

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports the three faults of the broken template at the lines and columns of their nodes', () => {
    // Act
    const findings = checkTemplateFile('broken-template.yaml', { cwd: fixtures });

    // Assess
    expect(findings.map((f) => [f.ruleId, f.slug, f.file, f.range])).toEqual([
      ['RB5005', 'dangling-reference', 'broken-template.yaml', { start: { line: 34, column: 16 }, end: { line: 34, column: 32 } }],
      ['RB5003', 'wrong-type', 'broken-template.yaml', { start: { line: 68, column: 25 }, end: { line: 68, column: 31 } }],
      ['RB5002', 'missing-required-property', 'broken-template.yaml', { start: { line: 75, column: 5 }, end: { line: 75, column: 15 } }],
      ['RB5001', 'unknown-property', 'broken-template.yaml', { start: { line: 77, column: 7 }, end: { line: 77, column: 22 } }],
    ]);
    expect(findings.find((f) => f.ruleId === 'RB5001')?.message).toContain("did you mean 'InstanceProfileName'?");
    expect(findings.find((f) => f.ruleId === 'RB5005')?.message).toContain("did you mean 'ImageBuilderRole'?");
  });
});

describe('Mutation table: each deliberately broken template is caught by the right rule at the right line', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_name, mutation) => {
    // Prepare
    const text = applyMutation(mutation);
    const template = parseTemplateText(text, 'mutated.yaml').parsed.data;

    // Act
    const findings = checkTemplate(template, { file: 'mutated.yaml', text });

    // Assess
    expect(summary(findings)).toEqual(mutation.ours);
    for (const finding of findings) {
      expect(finding.severity).toBe('error');
      expect(finding.file).toBe('mutated.yaml');
      expect(finding.message.length).toBeGreaterThan(20);
    }
  });

  it('the mutation table covers every built-in rule', () => {
    const covered = new Set(MUTATIONS.flatMap((m) => m.ours.map((o) => o.ruleId)));
    expect([...covered].sort()).toEqual(['RB5001', 'RB5002', 'RB5003', 'RB5004', 'RB5005', 'RB5006', 'RB5007', 'RB5008', 'RB5009', 'RB5010']);
  });

  it('gives the same findings whether the template data comes from our parser or a plain YAML parse of the long form', () => {
    // Prepare: the valid template's only short forms are !Ref, !Sub and !GetAtt; write them long-hand.
    const longForm = VALID_TEMPLATE.replace(/!Ref (\S+)/g, '{ Ref: $1 }')
      .replace(/!GetAtt (\w+)\.(\w+)/g, "{ 'Fn::GetAtt': [$1, $2] }")
      .replace(/!Sub (\S+)/g, "{ 'Fn::Sub': '$1' }")
      .replace('VolumeSize: 30', 'VolumeSize: thirty');

    // Act
    const findings = checkTemplate(parse(longForm), { file: 'long.yaml', text: longForm });

    // Assess
    expect(summary(findings)).toEqual([{ ruleId: 'RB5003', line: 68, path: ['Resources', 'ImageRecipe', 'Properties', 'BlockDeviceMappings', 0, 'Ebs', 'VolumeSize'] }]);
  });
});
