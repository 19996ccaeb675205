import { describe, expect, it } from 'vitest';
import { parseTemplateText, templateRangeOf } from '../src/index.js';

describe('parseTemplateText: CloudFormation short forms become long-form data', () => {
  it.each([
    ['!Ref', 'A: !Ref Bucket', { A: { Ref: 'Bucket' } }],
    ['!GetAtt with a dotted attribute', 'A: !GetAtt Recipe.LatestVersion.Arn', { A: { 'Fn::GetAtt': ['Recipe', 'LatestVersion.Arn'] } }],
    ['!GetAtt as a list', 'A: !GetAtt [Recipe, Arn]', { A: { 'Fn::GetAtt': ['Recipe', 'Arn'] } }],
    ['!Sub as a string', 'A: !Sub "arn:${AWS::Partition}:s3:::b"', { A: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b' } }],
    ['!Sub as a list with a nested !Ref', 'A: !Sub ["${X}", {X: !Ref Y}]', { A: { 'Fn::Sub': ['${X}', { X: { Ref: 'Y' } }] } }],
    ['!If with !Ref AWS::NoValue', 'A: !If [C, 1, !Ref AWS::NoValue]', { A: { 'Fn::If': ['C', 1, { Ref: 'AWS::NoValue' }] } }],
    ['!Join in block style', 'A: !Join\n  - ","\n  - [a, b]', { A: { 'Fn::Join': [',', ['a', 'b']] } }],
    ['!Condition', 'A: !And [!Condition B, !Equals [1, 1]]', { A: { 'Fn::And': [{ Condition: 'B' }, { 'Fn::Equals': [1, 1] }] } }],
    ['!GetAZs with an empty string', "A: !GetAZs ''", { A: { 'Fn::GetAZs': '' } }],
    ['!Base64 on a map', 'A: !Base64 {"Fn::Sub": x}', { A: { 'Fn::Base64': { 'Fn::Sub': 'x' } } }],
    ['a JSON template', '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}', { Resources: { B: { Type: 'AWS::S3::Bucket' } } }],
  ])('%s', (_name, text, data) => {
    const result = parseTemplateText(text, 't.yaml');
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.parsed.data).toEqual(data);
  });
});

describe('parseTemplateText: bad YAML becomes findings', () => {
  it.each([
    ['an unknown tag', 'A: !Reff B\n', 'RB0001', 'error', 1, 'CloudFormation knows only its own tags'],
    ['a duplicate key', 'A: 1\nA: 2\n', 'RB0003', 'error', 2, 'Remove or rename one of the two keys'],
    ['broken syntax', 'A: [1, 2\nB: 3\n', 'RB0001', 'error', 2, 'Fix the YAML syntax'],
    ['an alias bomb', `a: &a [x]\nb: &b [${'*a,'.repeat(11)}]\nc: [${'*b,'.repeat(11)}]\n`, 'RB0001', 'error', 1, 'Reduce the use of aliases'],
  ])('%s', (_name, text, ruleId, severity, line, hint) => {
    const result = parseTemplateText(text, 't.yaml');
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.range.start.line, f.file])).toEqual([[ruleId, severity, line, 't.yaml']]);
    expect(result.findings[0]?.message).toContain(hint);
  });
});

describe('templateRangeOf', () => {
  const text = 'Resources:\n  P:\n    Type: AWS::IAM::InstanceProfile\n    Properties:\n      Roles:\n        - !Ref Role\n      Path: !Sub "/${AWS::Region}/x/"\n';
  const { parsed } = parseTemplateText(text, 't.yaml');

  it.each([
    ['a long-form path into a short-form tag lands on the tagged value', ['Resources', 'P', 'Properties', 'Roles', 0, 'Ref'], 'value', undefined, '6:16-6:20'],
    ['a key', ['Resources', 'P', 'Properties', 'Roles'], 'key', undefined, '5:7-5:12'],
    ['a needle inside a Sub string', ['Resources', 'P', 'Properties', 'Path', 'Fn::Sub'], 'value', '${AWS::Region}', '7:20-7:34'],
    ['a needle that is not there falls back to the node', ['Resources', 'P', 'Properties', 'Path', 'Fn::Sub'], 'value', 'nope', '7:18-7:38'],
    ['a missing path falls back to its deepest existing ancestor', ['Resources', 'P', 'Properties', 'Nope', 'Deeper'], 'key', undefined, '4:5-4:15'],
  ] as const)('%s', (_name, path, at, needle, expected) => {
    const range = templateRangeOf(parsed, path, at, needle);
    expect(`${range.start.line}:${range.start.column}-${range.end.line}:${range.end.column}`).toBe(expected);
  });
});
