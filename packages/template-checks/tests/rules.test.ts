import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTemplate, checkTemplateFile, parseTemplateText, runTemplateRulesForTest } from './helpers.js';

interface Case {
  name: string;
  yaml: string;
  /** [ruleId, 'line:column', path] of every finding, in order; [] for none. */
  expected: Array<[string, string, Array<string | number>]>;
  /** Text the first finding's message must contain. */
  message?: string;
}

function run(yaml: string) {
  const text = yaml.replace(/^\n/, '');
  const { parsed, findings } = parseTemplateText(text, 't.yaml');
  expect(findings).toEqual([]);
  return checkTemplate(parsed.data, { file: 't.yaml', text });
}

function table(cases: Case[]) {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Act
    const findings = run(c.yaml);

    // Assess
    expect(findings.map((f) => [f.ruleId, `${f.range.start.line}:${f.range.start.column}`, f.path])).toEqual(c.expected);
    if (c.message) expect(findings[0]?.message).toContain(c.message);
  });
}

const BUCKET = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n';

describe('Rule: RB5001 unknown-property', () => {
  table([
    {
      name: 'flags a misspelled nested property at its key, with a suggestion',
      yaml: `${BUCKET}    Properties:\n      VersioningConfiguration:\n        Statuss: Enabled\n`,
      expected: [
        ['RB5002', '6:7', ['Resources', 'Bucket', 'Properties', 'VersioningConfiguration']],
        ['RB5001', '7:9', ['Resources', 'Bucket', 'Properties', 'VersioningConfiguration', 'Statuss']],
      ],
      message: 'VersioningConfiguration (in AWS::S3::Bucket) requires property',
    },
    {
      name: 'flags an unknown key in a tag',
      yaml: `${BUCKET}    Properties:\n      Tags:\n        - Key: team\n          Vale: bakery\n`,
      expected: [['RB5001', '8:11', ['Resources', 'Bucket', 'Properties', 'Tags', 0, 'Vale']]],
      message: "did you mean 'Value'?",
    },
    {
      name: 'accepts any property on a custom resource',
      yaml: 'Resources:\n  Seed:\n    Type: Custom::Seed\n    Properties:\n      ServiceToken: !Ref AWS::StackId\n      Anything: [1, 2]\n',
      expected: [],
    },
  ]);
});

describe('Rule: RB5002 missing-required-property', () => {
  table([
    {
      name: 'flags a resource with no Properties at its logical id',
      yaml: 'Resources:\n  Recipe:\n    Type: AWS::ImageBuilder::ImageRecipe\n',
      expected: [
        ['RB5002', '2:3', ['Resources', 'Recipe']],
        ['RB5002', '2:3', ['Resources', 'Recipe']],
        ['RB5002', '2:3', ['Resources', 'Recipe']],
      ],
      message: 'requires property',
    },
    {
      name: 'flags a list item missing a required property',
      yaml: 'Resources:\n  Dist:\n    Type: AWS::ImageBuilder::DistributionConfiguration\n    Properties:\n      Name: d\n      Distributions:\n        - AmiDistributionConfiguration: {}\n',
      expected: [['RB5002', '7:11', ['Resources', 'Dist', 'Properties', 'Distributions', 0]]],
      message: "requires property 'Region'",
    },
    {
      name: 'requires ServiceToken on a custom resource',
      yaml: 'Resources:\n  Seed:\n    Type: Custom::Seed\n    Properties:\n      Anything: 1\n',
      expected: [['RB5002', '4:5', ['Resources', 'Seed', 'Properties']]],
    },
  ]);
});

const QUEUE = 'Parameters:\n  Delay:\n    Type: Number\nConditions:\n  Slow: !Equals [!Ref Delay, 10]\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n';

describe('Rule: RB5003 wrong-type', () => {
  table([
    { name: 'accepts a Ref where an integer is expected', yaml: `${QUEUE}      DelaySeconds: !Ref Delay\n`, expected: [] },
    { name: 'accepts a numeric string for an integer', yaml: `${QUEUE}      DelaySeconds: "30"\n`, expected: [] },
    { name: 'accepts "true" for a boolean', yaml: `${QUEUE}      FifoQueue: "true"\n`, expected: [] },
    { name: 'accepts a number for a string', yaml: `${QUEUE}      QueueName: 42\n`, expected: [] },
    {
      name: 'checks both branches of Fn::If',
      yaml: `${QUEUE}      DelaySeconds: !If [Slow, 30, thirty]\n`,
      expected: [['RB5003', '10:36', ['Resources', 'Queue', 'Properties', 'DelaySeconds', 'Fn::If', 2]]],
    },
    {
      name: 'flags a property with no value',
      yaml: `${QUEUE}      QueueName:\n      DelaySeconds: 1\n`,
      expected: [['RB5003', '10:7', ['Resources', 'Queue', 'Properties', 'QueueName']]],
      message: "'QueueName' has no value",
    },
    {
      name: 'flags a scalar where a list is expected',
      yaml: 'Resources:\n  Infra:\n    Type: AWS::ImageBuilder::InfrastructureConfiguration\n    Properties:\n      Name: i\n      InstanceProfileName: p\n      InstanceTypes: t3.micro\n',
      expected: [['RB5003', '7:22', ['Resources', 'Infra', 'Properties', 'InstanceTypes']]],
      message: 'must be a list',
    },
    {
      name: 'accepts a trust policy as a map or as a string (union type)',
      yaml: 'Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}\n  B:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: \'{"Version":"2012-10-17"}\'\n',
      expected: [],
    },
    {
      name: 'flags a struct given as a string',
      yaml: `${BUCKET}    Properties:\n      VersioningConfiguration: Enabled\n`,
      expected: [['RB5003', '6:32', ['Resources', 'Bucket', 'Properties', 'VersioningConfiguration']]],
      message: 'must be a VersioningConfiguration object',
    },
  ]);
});

describe('Rule: RB5004 bad-enum-value', () => {
  table([
    {
      name: 'suggests the right case',
      yaml: `${BUCKET}    Properties:\n      VersioningConfiguration:\n        Status: enabled\n`,
      expected: [['RB5004', '7:17', ['Resources', 'Bucket', 'Properties', 'VersioningConfiguration', 'Status']]],
      message: "did you mean 'Enabled'?",
    },
    {
      name: 'accepts an intrinsic function where an allowed value is expected',
      yaml: `Parameters:\n  S:\n    Type: String\n${BUCKET.replace('AWSTemplateFormatVersion: "2010-09-09"\n', '')}    Properties:\n      VersioningConfiguration:\n        Status: !Ref S\n`,
      expected: [],
    },
  ]);
});

const RES = 'Resources:\n  Comp:\n    Type: AWS::ImageBuilder::Component\n    Properties: {Name: c, Version: 1.0.0, Platform: Linux, Data: x}\n';

describe('Rule: RB5005 dangling-reference', () => {
  table([
    {
      name: 'flags a long-form GetAtt with an unknown attribute at the attribute',
      yaml: `${RES}Outputs:\n  A:\n    Value: {"Fn::GetAtt": [Comp, Nope]}\n`,
      expected: [['RB5005', '7:34', ['Outputs', 'A', 'Value', 'Fn::GetAtt', 1]]],
    },
    { name: 'accepts GetAtt of a property name and of a dotted attribute', yaml: `${RES}Outputs:\n  A:\n    Value: !GetAtt Comp.Name\n  B:\n    Value: !GetAtt Comp.LatestVersion.Arn\n`, expected: [] },
    {
      name: 'says when GetAtt names a parameter',
      yaml: `Parameters:\n  P:\n    Type: String\n${RES}Outputs:\n  A:\n    Value: !GetAtt P.Arn\n`,
      expected: [['RB5005', '10:20', ['Outputs', 'A', 'Value', 'Fn::GetAtt', 0]]],
      message: 'use !Ref P',
    },
    {
      name: 'places a missing Sub variable at the variable itself',
      yaml: `${RES}Outputs:\n  A:\n    Value: !Sub "\${Comp}/\${Missing}"\n`,
      expected: [['RB5005', '7:26', ['Outputs', 'A', 'Value', 'Fn::Sub']]],
      message: 'Fn::Sub variable ${Missing}',
    },
    {
      name: 'accepts Sub list-form variables, escapes and resource attributes',
      yaml: `${RES}Outputs:\n  A:\n    Value: !Sub ["\${Var}-\${!Literal}-\${Comp.Arn}-\${AWS::Region}", {Var: !Ref Comp}]\n`,
      expected: [],
    },
    {
      name: 'flags an unknown attribute in a Sub variable',
      yaml: `${RES}Outputs:\n  A:\n    Value: !Sub "\${Comp.Arm}"\n`,
      expected: [['RB5005', '7:18', ['Outputs', 'A', 'Value', 'Fn::Sub']]],
      message: "did you mean 'Arn'?",
    },
    {
      name: 'flags DependsOn on itself and on a missing resource, per list item',
      yaml: `${RES}    DependsOn: [Comp, Gone]\n`,
      expected: [
        ['RB5005', '5:17', ['Resources', 'Comp', 'DependsOn', 0]],
        ['RB5005', '5:23', ['Resources', 'Comp', 'DependsOn', 1]],
      ],
      message: 'depends on itself',
    },
    {
      name: 'flags an undeclared Condition on a resource and inside Conditions',
      yaml: `Conditions:\n  A: !Not [{Condition: B}]\n${RES}    Condition: C\n`,
      expected: [
        ['RB5005', '2:24', ['Conditions', 'A', 'Fn::Not', 0, 'Condition']],
        ['RB5005', '7:16', ['Resources', 'Comp', 'Condition']],
      ],
    },
    {
      name: 'flags Fn::FindInMap on an undeclared mapping',
      yaml: `Mappings:\n  Amis: {us-east-1: {Id: x}}\n${RES}Outputs:\n  A:\n    Value: !FindInMap [Amiz, !Ref AWS::Region, Id]\n`,
      expected: [['RB5005', '9:24', ['Outputs', 'A', 'Value', 'Fn::FindInMap', 0]]],
      message: "did you mean 'Amis'?",
    },
    { name: 'ignores references in Metadata', yaml: `${RES}    Metadata: {Note: !Ref Nothing}\n`, expected: [] },
    { name: 'gives no verdict when a Transform may generate names', yaml: `Transform: AWS::Serverless-2016-10-31\n${RES}Outputs:\n  A:\n    Value: !Ref Generated\n`, expected: [] },
  ]);
});

describe('Rule: RB5006 unknown-resource-type', () => {
  table([
    {
      name: 'suggests the type in the right case',
      yaml: 'Resources:\n  B:\n    Type: AWS::S3::bucket\n',
      expected: [['RB5006', '3:11', ['Resources', 'B', 'Type']]],
      message: "did you mean 'AWS::S3::Bucket'?",
    },
    {
      name: 'explains when nothing is close',
      yaml: 'Resources:\n  B:\n    Type: AWS::Nothing::LikeThis\n',
      expected: [['RB5006', '3:11', ['Resources', 'B', 'Type']]],
      message: 'check its spelling',
    },
    { name: 'accepts custom resources and modules', yaml: 'Resources:\n  A:\n    Type: Custom::Thing\n    Properties: {ServiceToken: x}\n  B:\n    Type: Org::Team::Thing::MODULE\n', expected: [] },
  ]);
});

describe('Rule: RB5007 template-structure', () => {
  table([
    { name: 'flags a template that is not a map', yaml: '- a\n- b\n', expected: [['RB5007', '1:1', []]], message: 'must be a map of sections' },
    { name: 'flags a template without Resources', yaml: 'Description: nothing\n', expected: [['RB5007', '1:1', []]], message: 'no Resources' },
    { name: 'flags an empty Resources map', yaml: 'Resources: {}\n', expected: [['RB5007', '1:1', ['Resources']]], message: 'Resources is empty' },
    {
      name: 'flags an unknown section with a suggestion',
      yaml: 'Resource:\n  B:\n    Type: AWS::S3::Bucket\n',
      expected: [
        ['RB5007', '1:1', ['Resource']],
        ['RB5007', '1:1', []],
      ],
      message: "'Resource' is not a template section; did you mean 'Resources'?",
    },
    {
      name: 'flags a bad logical id, a resource attribute typo and Properties as a list',
      yaml: 'Resources:\n  My-Bucket:\n    Type: AWS::S3::Bucket\n    Propertes: {}\n  Other:\n    Type: AWS::S3::Bucket\n    Properties: [a]\n',
      expected: [
        ['RB5007', '2:3', ['Resources', 'My-Bucket']],
        ['RB5007', '4:5', ['Resources', 'My-Bucket', 'Propertes']],
        ['RB5007', '7:5', ['Resources', 'Other', 'Properties']],
      ],
      message: 'only letters and digits',
    },
    {
      name: 'flags a parameter without Type and an output without Value',
      yaml: 'Parameters:\n  P: {Default: x}\nResources:\n  B:\n    Type: AWS::S3::Bucket\nOutputs:\n  O: {Export: {Name: x}}\n',
      expected: [
        ['RB5007', '2:3', ['Parameters', 'P']],
        ['RB5007', '7:3', ['Outputs', 'O']],
      ],
    },
  ]);
});

describe('Rule: RB5008 literal-partition', () => {
  table([
    {
      name: 'points at arn:aws: inside a Sub string',
      yaml: `${BUCKET}    Properties:\n      BucketName: !Sub "x-\${AWS::Region}-arn:aws:s3"\n`,
      expected: [['RB5008', '6:42', ['Resources', 'Bucket', 'Properties', 'BucketName', 'Fn::Sub']]],
      message: "write 'arn:${AWS::Partition}:'",
    },
    {
      name: 'finds arn:aws: in a list inside a block scalar',
      yaml: `${BUCKET}    Properties:\n      BucketName: !Join\n        - ""\n        - - |\n            first line\n            arn:aws:s3:::b\n`,
      expected: [['RB5008', '10:13', ['Resources', 'Bucket', 'Properties', 'BucketName', 'Fn::Join', 1, 0]]],
    },
    {
      name: 'accepts other partitions, Metadata and the template Description',
      yaml: `Description: see arn:aws:s3:::docs\n${BUCKET.replace('AWSTemplateFormatVersion: "2010-09-09"\n', '')}    Metadata: {Doc: "arn:aws:iam::aws:policy/X"}\n    Properties:\n      BucketName: arn:aws-us-gov:s3:::b\n`,
      expected: [],
    },
  ]);
});

describe('Rule: RB5009 image-builder-name-length', () => {
  const COMPONENT = (name: string) =>
    `Resources:\n  C:\n    Type: AWS::ImageBuilder::Component\n    Properties:\n      Name: ${name}\n      Platform: Linux\n      Version: 1.0.0\n      Data: x\n`;
  it.each([
    { name: 'a literal name of 129 characters', yaml: COMPONENT('n'.repeat(129)), stackName: undefined, expected: [['RB5009', '5:13', ['Resources', 'C', 'Properties', 'Name']]] },
    { name: 'a literal name of 128 characters', yaml: COMPONENT('n'.repeat(128)), stackName: undefined, expected: [] },
    { name: 'a Sub name over the limit once the stack name is filled in', yaml: COMPONENT(`!Sub '\${AWS::StackName}-${'x'.repeat(60)}'`), stackName: `ami-bakery-recipe-${'r'.repeat(60)}`, expected: [['RB5009', '5:18', ['Resources', 'C', 'Properties', 'Name']]] },
    { name: 'a Sub name when the stack name is unknown (not decided offline)', yaml: COMPONENT(`!Sub '\${AWS::StackName}-${'x'.repeat(200)}'`), stackName: undefined, expected: [] },
    { name: 'a stack name over 128 characters', yaml: COMPONENT('short'), stackName: 's'.repeat(129), expected: [['RB5009', '1:1', []]] },
  ])('$name', ({ yaml, stackName, expected }) => {
    // Act
    const { parsed } = parseTemplateText(yaml, 't.yaml');
    const findings = checkTemplate(parsed.data, { file: 't.yaml', text: yaml, ...(stackName ? { stackName } : {}) }).filter((f) => f.ruleId === 'RB5009');

    // Assess
    expect(findings.map((f) => [f.ruleId, `${f.range.start.line}:${f.range.start.column}`, f.path])).toEqual(expected);
  });

  it('names the full name and how many characters to cut (generated lengths)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (length) => {
        const yaml = COMPONENT('n'.repeat(length));
        const { parsed } = parseTemplateText(yaml, 't.yaml');
        const hits = checkTemplate(parsed.data, { file: 't.yaml', text: yaml }).filter((f) => f.ruleId === 'RB5009');
        expect(hits.length === 1).toBe(length > 128);
        if (length > 128) expect(hits[0]?.message).toContain(`(${length} characters); Image Builder allows 128. Shorten the recipe name or the component file name by ${length - 128} characters.`);
      }),
      { seed: 20261202, numRuns: 60 },
    );
  });
});

describe('Rule: RB5010 component-data-size', () => {
  table([
    {
      name: 'flags a document of 16,001 characters at Data',
      yaml: `Resources:\n  C:\n    Type: AWS::ImageBuilder::Component\n    Properties:\n      Name: c\n      Platform: Linux\n      Version: 1.0.0\n      Data: ${'d'.repeat(16_001)}\n`,
      expected: [['RB5010', '8:13', ['Resources', 'C', 'Properties', 'Data']]],
      message: 'This component document is 16,001 characters once bundled; Image Builder takes at most 16,000.',
    },
    {
      name: 'accepts a document of exactly 16,000 characters',
      yaml: `Resources:\n  C:\n    Type: AWS::ImageBuilder::Component\n    Properties:\n      Name: c\n      Platform: Linux\n      Version: 1.0.0\n      Data: ${'d'.repeat(16_000)}\n`,
      expected: [],
    },
  ]);
});

describe('Rule engine', () => {
  it('turns a crashing rule into an RB0002 finding and keeps the other rules running', () => {
    // Prepare
    const text = 'Resources:\n  B:\n    Type: AWS::S3::bucket\n';
    const crashing = { id: 'RB5099', slug: 'crash', severity: 'error' as const, description: 'd', appliesTo: 'template' as const, check: () => { throw new Error('boom'); } };

    // Act
    const findings = runTemplateRulesForTest(crashing, text);

    // Assess
    expect(findings.map((f) => [f.ruleId, f.range.start.line, f.message])).toEqual([
      ['RB0002', 1, 'Rule RB5099 (crash) failed on this template: boom. Please report it; the other rules still ran.'],
      ['RB5006', 3, "Resource type 'AWS::S3::bucket' does not exist; did you mean 'AWS::S3::Bucket'?"],
    ]);
  });

  it('places findings on line 1 when no text is given', () => {
    const findings = checkTemplate({ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { Nope: 1 } } } }, { file: 'gen.yaml' });
    expect(findings.map((f) => [f.ruleId, f.range, f.path])).toEqual([
      ['RB5001', { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, ['Resources', 'B', 'Properties', 'Nope']],
    ]);
  });

  it('never throws on garbage data', () => {
    for (const garbage of [null, 42, 'text', [], { Resources: null }, { Resources: { A: null, B: 7, C: { Type: 3 } } }, { Resources: { A: { Type: 'AWS::S3::Bucket', Properties: { Tags: 'x', BucketName: { a: 1 } } } } }]) {
      expect(() => checkTemplate(garbage, { file: 'g.yaml' })).not.toThrow();
    }
  });
});

describe('checkTemplateFile', () => {
  const fixtures = new URL('./fixtures/', import.meta.url).pathname;

  it('reports a missing file as RB0005 instead of throwing', () => {
    const findings = checkTemplateFile('nope/template.yaml', { cwd: fixtures });
    expect(findings.map((f) => [f.ruleId, f.file, f.range.start.line])).toEqual([['RB0005', 'nope/template.yaml', 1]]);
    expect(findings[0]?.message).toContain('run the bundle step first');
  });

  it('stops at YAML errors and reports only them', () => {
    const findings = checkTemplateFile('bad-yaml.txt', { cwd: fixtures });
    expect(findings.map((f) => [f.ruleId, f.range.start.line])).toEqual([['RB0001', 4]]);
  });
});
