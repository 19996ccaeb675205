import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthAccessTemplate } from '../src/index.js';
import { inlinePolicy, type Json, ref, resource, statementsOf, sub } from './support.js';

process.env.CDK_VALIDATION = 'false';

const ARN = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';
const role = (name: string): Json => sub(`${ARN}:iam::\${AWS::AccountId}:role/${name}`);

let template: Template;
let json: Json;

beforeAll(() => {
  json = synthAccessTemplate() as Json;
  template = Template.fromJSON(json);
});

describe('BakeryAccessStack (StackSet template)', () => {
  it('takes the management-side names as parameters and needs no CDK bootstrap', () => {
    expect(Object.keys(json.Parameters as Json)).toEqual([
      'ManagementAccountId',
      'LambdaRoleArn',
      'ConfigurationRoleName',
      'BakeryStackName',
      'NamePrefix',
      'RepositoryName',
    ]);
    expect(json).not.toHaveProperty('Rules');
    expect(Object.values(json.Resources as Record<string, Json>).map((r) => r.Type)).toEqual(['AWS::IAM::Role', 'AWS::IAM::Role']);
  });

  it('configuration role: only the bootstrap Lambda role of the management account may assume it', () => {
    const config = resource(template, 'AWS::IAM::Role', 'ConfigurationRole').props;
    expect(config.RoleName).toEqual(ref('ConfigurationRoleName'));
    expect(statementsOf(config.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: sub(`${ARN}:iam::\${ManagementAccountId}:root`) },
        Action: ['sts:AssumeRole'],
        Condition: { ArnEquals: { 'aws:PrincipalArn': ref('LambdaRoleArn') } },
      },
    ]);
  });

  it('configuration role: deploys the one bakery stack through the deploy role, seeds and purges its repository and bucket', () => {
    const config = resource(template, 'AWS::IAM::Role', 'ConfigurationRole').props;
    const stack = sub(`${ARN}:cloudformation:${HERE}:stack/\${BakeryStackName}/*`);
    const bucket = sub(`${ARN}:s3:::\${NamePrefix}-artifacts-\${AWS::AccountId}-\${AWS::Region}`);
    const deployRole = role('${NamePrefix}-bakery-stack-deploy');
    expect(inlinePolicy(config, 'Bootstrap')).toEqual([
      {
        Sid: 'CreateBakeryStackWithDeployRole',
        Effect: 'Allow',
        Action: ['cloudformation:CreateStack'],
        Resource: [stack],
        Condition: { ArnEquals: { 'cloudformation:RoleArn': deployRole } },
      },
      {
        Sid: 'ManageBakeryStack',
        Effect: 'Allow',
        Action: [
          'cloudformation:DeleteStack',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStacks',
          'cloudformation:TagResource',
          'cloudformation:UntagResource',
          'cloudformation:UpdateStack',
        ],
        Resource: [stack],
      },
      {
        Sid: 'PassBakeryStackDeployRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [deployRole],
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      },
      {
        Sid: 'SeedAndPurgeRepository',
        Effect: 'Allow',
        Action: ['codecommit:CreateCommit', 'codecommit:DeleteRepository', 'codecommit:GetBranch', 'codecommit:GetRepository'],
        Resource: [sub(`${ARN}:codecommit:${HERE}:\${RepositoryName}`)],
      },
      { Sid: 'ArtifactBucketListing', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions'], Resource: [bucket] },
      {
        Sid: 'SeedAndEmptyArtifactBucket',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:PutObject'],
        Resource: [{ 'Fn::Join': ['', [bucket, '/*']] }],
      },
      {
        Sid: 'EncryptSeedBundle',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey'],
        Resource: [sub(`${ARN}:kms:${HERE}:key/*`)],
        Condition: {
          StringEquals: {
            'aws:ResourceTag/ami-bakery:name-prefix': ref('NamePrefix'),
            'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}'),
          },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': sub('alias/${NamePrefix}-artifacts') },
        },
      },
    ]);
  });

  it('configuration role: no IAM write and no wildcard action', () => {
    const config = resource(template, 'AWS::IAM::Role', 'ConfigurationRole').props;
    const actions = inlinePolicy(config, 'Bootstrap').flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => a.startsWith('iam:') && a !== 'iam:PassRole')).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('bakery stack deploy role: trusted by CloudFormation of this account only', () => {
    const deploy = resource(template, 'AWS::IAM::Role', 'BakeryStackDeployRole').props;
    expect(deploy.RoleName).toEqual(sub('${NamePrefix}-bakery-stack-deploy'));
    expect(statementsOf(deploy.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudformation.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      },
    ]);
  });

  it('bakery stack deploy role: creates exactly the bakery stack resources', () => {
    const deploy = resource(template, 'AWS::IAM::Role', 'BakeryStackDeployRole').props;
    const tagged = { StringEquals: { 'aws:ResourceTag/ami-bakery:name-prefix': ref('NamePrefix') } };
    expect(inlinePolicy(deploy, 'BakeryStackResources')).toEqual([
      {
        Sid: 'CreateTaggedKey',
        Effect: 'Allow',
        Action: ['kms:CreateKey'],
        Resource: ['*'],
        Condition: { StringEquals: { 'aws:RequestTag/ami-bakery:name-prefix': ref('NamePrefix') } },
      },
      {
        Sid: 'ManageBakeryKey',
        Effect: 'Allow',
        Action: [
          'kms:CreateAlias',
          'kms:DeleteAlias',
          'kms:DescribeKey',
          'kms:DisableKey',
          'kms:EnableKey',
          'kms:EnableKeyRotation',
          'kms:GetKeyPolicy',
          'kms:GetKeyRotationStatus',
          'kms:ListResourceTags',
          'kms:PutKeyPolicy',
          'kms:ScheduleKeyDeletion',
          'kms:TagResource',
          'kms:UntagResource',
          'kms:UpdateAlias',
          'kms:UpdateKeyDescription',
        ],
        Resource: [sub(`${ARN}:kms:${HERE}:key/*`)],
        Condition: tagged,
      },
      {
        Sid: 'BakeryKeyAlias',
        Effect: 'Allow',
        Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
        Resource: [sub(`${ARN}:kms:${HERE}:alias/\${NamePrefix}-artifacts`)],
      },
      { Sid: 'ReadAliases', Effect: 'Allow', Action: ['kms:ListAliases'], Resource: ['*'] },
      {
        Sid: 'ArtifactAndLogBuckets',
        Effect: 'Allow',
        Action: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:DeleteBucketPolicy',
          's3:GetAccelerateConfiguration',
          's3:GetAnalyticsConfiguration',
          's3:GetBucketAcl',
          's3:GetBucketCORS',
          's3:GetBucketLocation',
          's3:GetBucketLogging',
          's3:GetBucketNotification',
          's3:GetBucketObjectLockConfiguration',
          's3:GetBucketOwnershipControls',
          's3:GetBucketPolicy',
          's3:GetBucketPublicAccessBlock',
          's3:GetBucketTagging',
          's3:GetBucketVersioning',
          's3:GetBucketWebsite',
          's3:GetEncryptionConfiguration',
          's3:GetIntelligentTieringConfiguration',
          's3:GetInventoryConfiguration',
          's3:GetLifecycleConfiguration',
          's3:GetMetricsConfiguration',
          's3:GetReplicationConfiguration',
          's3:ListBucket',
          's3:PutBucketLogging',
          's3:PutBucketNotification',
          's3:PutBucketOwnershipControls',
          's3:PutBucketPolicy',
          's3:PutBucketPublicAccessBlock',
          's3:PutBucketTagging',
          's3:PutBucketVersioning',
          's3:PutEncryptionConfiguration',
          's3:PutLifecycleConfiguration',
        ],
        Resource: [
          sub(`${ARN}:s3:::\${NamePrefix}-artifacts-\${AWS::AccountId}-\${AWS::Region}`),
          sub(`${ARN}:s3:::\${NamePrefix}-logs-\${AWS::AccountId}-*`),
        ],
      },
      {
        Sid: 'RecipeRepository',
        Effect: 'Allow',
        Action: [
          'codecommit:CreateRepository',
          'codecommit:DeleteRepository',
          'codecommit:GetRepository',
          'codecommit:ListTagsForResource',
          'codecommit:TagResource',
          'codecommit:UntagResource',
          'codecommit:UpdateRepositoryDescription',
        ],
        Resource: [sub(`${ARN}:codecommit:${HERE}:\${RepositoryName}`)],
      },
      {
        Sid: 'Pipeline',
        Effect: 'Allow',
        Action: [
          'codepipeline:CreatePipeline',
          'codepipeline:DeletePipeline',
          'codepipeline:GetPipeline',
          'codepipeline:GetPipelineState',
          'codepipeline:ListTagsForResource',
          'codepipeline:StartPipelineExecution',
          'codepipeline:TagResource',
          'codepipeline:UntagResource',
          'codepipeline:UpdatePipeline',
        ],
        Resource: [sub(`${ARN}:codepipeline:${HERE}:\${NamePrefix}-pipeline`)],
      },
      {
        Sid: 'SourceRules',
        Effect: 'Allow',
        Action: [
          'events:DeleteRule',
          'events:DescribeRule',
          'events:DisableRule',
          'events:EnableRule',
          'events:ListTagsForResource',
          'events:ListTargetsByRule',
          'events:PutRule',
          'events:PutTargets',
          'events:RemoveTargets',
          'events:TagResource',
          'events:UntagResource',
        ],
        Resource: [sub(`${ARN}:events:${HERE}:rule/\${NamePrefix}-source-*`)],
      },
      {
        Sid: 'BakeryRoles',
        Effect: 'Allow',
        Action: [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:DeleteRolePolicy',
          'iam:GetRole',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:ListRolePolicies',
          'iam:PutRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
        ],
        Resource: [role('${NamePrefix}-pipeline'), role('${NamePrefix}-pipeline-events'), role('${NamePrefix}-recipe-deploy')],
      },
      {
        Sid: 'RecipePermissionsBoundary',
        Effect: 'Allow',
        Action: [
          'iam:CreatePolicy',
          'iam:CreatePolicyVersion',
          'iam:DeletePolicy',
          'iam:DeletePolicyVersion',
          'iam:GetPolicy',
          'iam:GetPolicyVersion',
          'iam:ListPolicyTags',
          'iam:ListPolicyVersions',
          'iam:TagPolicy',
          'iam:UntagPolicy',
        ],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:policy/\${NamePrefix}-recipe-boundary-*`)],
      },
      {
        Sid: 'PassPipelineRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [role('${NamePrefix}-pipeline')],
        Condition: { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } },
      },
      {
        Sid: 'PassEventsRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [role('${NamePrefix}-pipeline-events')],
        Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
      },
    ]);
  });

  it('bakery stack deploy role: cannot touch itself or the configuration role', () => {
    const deploy = resource(template, 'AWS::IAM::Role', 'BakeryStackDeployRole').props;
    const iamResources = inlinePolicy(deploy, 'BakeryStackResources')
      .filter((s) => (s.Action as string[]).some((a) => a.startsWith('iam:')))
      .flatMap((s) => s.Resource as Json[])
      .map((r) => JSON.stringify(r));
    expect(iamResources.some((r) => r.includes('bakery-stack-deploy') || r.includes('ConfigurationRoleName') || r.includes('role/*'))).toBe(
      false,
    );
  });
});
