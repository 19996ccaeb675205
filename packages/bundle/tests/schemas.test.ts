import { describe, expect, it } from 'vitest';
import { handlerPermissions, RECIPE_RESOURCE_TYPES, RESOURCE_SCHEMAS, resourceSchema } from '../src/index.js';

const HANDLERS = ['create', 'read', 'update', 'delete', 'list'] as const;
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+\*?$/;

describe('Fixture: data/resource-schemas.json', () => {
  const types = Object.entries(RESOURCE_SCHEMAS.resourceTypes);

  it('covers the resource types recipe templates are built from', () => {
    expect([...RECIPE_RESOURCE_TYPES].sort()).toEqual([
      'AWS::IAM::InstanceProfile',
      'AWS::IAM::Role',
      'AWS::ImageBuilder::Component',
      'AWS::ImageBuilder::DistributionConfiguration',
      'AWS::ImageBuilder::ImagePipeline',
      'AWS::ImageBuilder::ImageRecipe',
      'AWS::ImageBuilder::InfrastructureConfiguration',
      'AWS::ImageBuilder::LifecyclePolicy',
      'AWS::ImageBuilder::Workflow',
      'AWS::SSM::Parameter',
    ]);
  });

  it.each(types)('%s records its source, create-only properties and all five handlers', (_type, schema) => {
    expect(schema.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(schema.source.path).toMatch(/^aws-cloudformation-schema\/aws-[a-z]+-[a-z]+\.json$/);
    for (const pointer of schema.createOnlyProperties) expect(pointer).toMatch(/^\/properties\/[A-Za-z]+$/);
    for (const handler of HANDLERS) {
      const actions = schema.handlers[handler].permissions;
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action).toMatch(ACTION);
    }
  });

  it('has the image pipeline handler call Inspector when scanning is on (a copy from before image scanning would lack it)', () => {
    const pipeline = resourceSchema('AWS::ImageBuilder::ImagePipeline');
    expect(pipeline?.handlers.create.permissions).toContain('inspector2:BatchGetAccountStatus');
    expect(pipeline?.handlers.update.permissions).toEqual(
      expect.arrayContaining([
        'imagebuilder:UpdateImagePipeline',
        'imagebuilder:TagResource',
        'imagebuilder:UntagResource',
        'iam:PassRole',
      ]),
    );
  });

  it('records where cfn-lint agrees and why it does not', () => {
    const disagree = types.filter(([, s]) => !s.cfnLint.agrees).map(([t]) => t);
    expect(disagree).toEqual(['AWS::ImageBuilder::ImageRecipe']);
    expect(resourceSchema('AWS::ImageBuilder::ImageRecipe')?.notes.join(' ')).toMatch(/cfn-lint 1\.51\.0/);
  });

  it('lists the permissions a deploy role needs, tag-on-create gap included', () => {
    const create = handlerPermissions(['AWS::IAM::Role'], ['create']);
    expect(create).toEqual([
      'iam:AttachRolePolicy',
      'iam:CreateRole',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
      'iam:PutRolePolicy',
      'iam:TagRole',
    ]);
  });
});
