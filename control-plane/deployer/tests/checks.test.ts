import { describe, expect, it } from 'vitest';
import { baselineCheck, composeChecks, type TemplateCheck, type TemplateCheckInput } from '../src/index.js';

function input(resources: Record<string, unknown>): TemplateCheckInput {
  return { recipe: 'r1', stackName: 'ami-bakery-recipe-r1', template: { Resources: resources }, templateText: '', parameters: {} };
}

const role = (props: Record<string, unknown> = {}) => ({ Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {}, ...props } });
const boundary = {
  PermissionsBoundary: { 'Fn::If': ['HasPermissionsBoundary', { Ref: 'PermissionsBoundaryArn' }, { Ref: 'AWS::NoValue' }] },
};

describe('Check: baselineCheck', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a bounded role', { R: role(boundary) }, []],
    ['a role without boundary', { R: role() }, ['DEPLOY103 Resources/R/Properties/PermissionsBoundary']],
    [
      'IMDSv2 required',
      {
        I: { Type: 'AWS::ImageBuilder::InfrastructureConfiguration', Properties: { InstanceMetadataOptions: { HttpTokens: 'required' } } },
      },
      [],
    ],
    [
      'IMDSv1 allowed',
      {
        I: { Type: 'AWS::ImageBuilder::InfrastructureConfiguration', Properties: { InstanceMetadataOptions: { HttpTokens: 'optional' } } },
      },
      ['DEPLOY102 Resources/I/Properties/InstanceMetadataOptions/HttpTokens'],
    ],
    [
      'IMDS unset',
      { I: { Type: 'AWS::ImageBuilder::InfrastructureConfiguration', Properties: {} } },
      ['DEPLOY102 Resources/I/Properties/InstanceMetadataOptions/HttpTokens'],
    ],
    [
      'a public AMI in one branch of an Fn::If',
      {
        D: {
          Type: 'AWS::ImageBuilder::DistributionConfiguration',
          Properties: {
            Distributions: [
              { Region: 'x' },
              {
                Region: 'y',
                AmiDistributionConfiguration: {
                  LaunchPermissionConfiguration: { 'Fn::If': ['C', { UserGroups: ['all'] }, { Ref: 'AWS::NoValue' }] },
                },
              },
            ],
          },
        },
      },
      ['DEPLOY101 Resources/D/Properties/Distributions/1/AmiDistributionConfiguration/LaunchPermissionConfiguration/UserGroups'],
    ],
    [
      'an AMI shared with the organization',
      {
        D: {
          Type: 'AWS::ImageBuilder::DistributionConfiguration',
          Properties: { Distributions: [{ AmiDistributionConfiguration: { LaunchPermissionConfiguration: { OrganizationArns: ['x'] } } }] },
        },
      },
      [],
    ],
  ];
  it.each(cases)('%s', async (_name, resources, expected) => {
    const findings = await baselineCheck.check([input(resources)]);
    expect(findings.map((f) => `${f.id} ${f.path}`)).toEqual(expected);
  });
});

describe('Function: composeChecks', () => {
  it('runs every check and joins their findings in order', async () => {
    const one: TemplateCheck = {
      name: 'one',
      check: async (inputs) => inputs.map((i) => ({ id: 'ONE1', recipe: i.recipe, message: 'x' })),
    };
    const two: TemplateCheck = { name: 'two', check: async () => [{ id: 'TWO1', recipe: 'r1', message: 'y' }] };
    const both = composeChecks(one, two);
    expect(both.name).toBe('one + two');
    expect((await both.check([input({})])).map((f) => f.id)).toEqual(['ONE1', 'TWO1']);
  });
});
