import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthAccessTemplate } from '../src/index.js';
import { getAtt, inlinePolicy, type Json, ref, resource, statementsOf, sub } from './support.js';

process.env.CDK_VALIDATION = 'false';

const ARN = 'arn:${AWS::Partition}';
const role = (name: string): Json => sub(`${ARN}:iam::\${AWS::AccountId}:role/${name}`);
const VIA_S3 = { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}') } };
const CONTROL = sub(`${ARN}:s3:::\${NamePrefix}-control-\${AWS::AccountId}-\${AWS::Region}`);
const control = (prefix: string): Json => ({ 'Fn::Join': ['', [CONTROL, `/${prefix}*`]] });

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
  });

  it('bakery key: retained, rotated, data use through S3 only, grants only for AWS services, exported for the bakery stack', () => {
    const key = resource(template, 'AWS::KMS::Key', 'BakeryKey');
    expect(key.raw.DeletionPolicy).toBe('Retain');
    expect(key.props).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 30 });
    expect(key.props).not.toHaveProperty('Tags');
    const statements = statementsOf(key.props.KeyPolicy);
    expect(statements.map((s) => s.Sid)).toEqual(['KeyAdministration', 'UseThroughS3InThisAccount', 'GrantsOnlyForAwsServices']);
    expect(statements[2]).toEqual({
      Sid: 'GrantsOnlyForAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['kms:CreateGrant'],
      Resource: ['*'],
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
    expect((json.Outputs as Record<string, Json>).BakeryKeyArn).toEqual({
      Description: 'KMS key of the bakery buckets; the bakery stack imports it',
      Value: getAtt('BakeryKey'),
      Export: { Name: sub('${NamePrefix}-artifact-key-arn') },
    });
  });

  it('control bucket: KMS, versioned, Object Lock available, retained, written by the configuration role only', () => {
    const bucket = resource(template, 'AWS::S3::Bucket', 'ControlBucket');
    expect(bucket.raw.DeletionPolicy).toBe('Retain');
    expect(bucket.props).toMatchObject({
      BucketName: sub('${NamePrefix}-control-${AWS::AccountId}-${AWS::Region}'),
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
    });
    const statements = statementsOf(resource(template, 'AWS::S3::BucketPolicy', 'ControlBucketPolicy').props.PolicyDocument);
    expect(statements.find((s) => s.Sid === 'OnlyTheConfigurationRoleWrites')).toEqual({
      Sid: 'OnlyTheConfigurationRoleWrites',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject', 's3:PutObjectAcl', 's3:PutObjectRetention', 's3:RestoreObject'],
      Resource: [{ 'Fn::Join': ['', [getAtt(bucket.id), '/*']] }],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': role('${ConfigurationRoleName}') } },
    });
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

  it('configuration role: uploads the shipped code and rules, encrypts through S3, and has no IAM write', () => {
    const statements = inlinePolicy(resource(template, 'AWS::IAM::Role', 'ConfigurationRole').props, 'Bootstrap');
    expect(statements.find((s) => s.Sid === 'UploadShippedCode')).toEqual({
      Sid: 'UploadShippedCode',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [control('deployer/'), control('image-events/'), control('guard-rules/')],
    });
    expect(statements.find((s) => s.Sid === 'KeyThroughS3')).toEqual({
      Sid: 'KeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [getAtt('BakeryKey')],
      Condition: VIA_S3,
    });
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => a.startsWith('iam:') && a !== 'iam:PassRole')).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('bakery stack deploy role: no KMS administration, and IAM only on the six named bakery roles and the two boundaries', () => {
    const deploy = inlinePolicy(resource(template, 'AWS::IAM::Role', 'BakeryStackDeployRole').props, 'BakeryStackResources');
    const actions = deploy.flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
    expect(deploy.find((s) => s.Sid === 'BakeryRoles')?.Resource).toEqual(
      [
        '${NamePrefix}-pipeline',
        '${NamePrefix}-pipeline-events',
        '${NamePrefix}-recipe-deploy',
        '${NamePrefix}-deployer',
        '${NamePrefix}-guard-hook',
        '${NamePrefix}-image-events',
      ].map(role),
    );
    expect(deploy.find((s) => s.Sid === 'RecipePermissionsBoundaries')?.Resource).toEqual([
      sub(`${ARN}:iam::\${AWS::AccountId}:policy/\${NamePrefix}-build-boundary-*`),
      sub(`${ARN}:iam::\${AWS::AccountId}:policy/\${NamePrefix}-lifecycle-boundary-*`),
    ]);
    const iamResources = deploy
      .filter((s) => (s.Action as string[]).some((a) => a.startsWith('iam:')))
      .flatMap((s) => s.Resource as Json[])
      .map((r) => JSON.stringify(r));
    expect(iamResources.some((r) => r.includes('bakery-stack-deploy') || r.includes('ConfigurationRoleName') || r.includes('role/*'))).toBe(
      false,
    );
  });

  it('bakery stack deploy role: passes each bakery role only to its service', () => {
    const deploy = inlinePolicy(resource(template, 'AWS::IAM::Role', 'BakeryStackDeployRole').props, 'BakeryStackResources');
    const passes = deploy.filter((s) => (s.Action as string[]).includes('iam:PassRole'));
    expect(passes.map((s) => [s.Resource, s.Condition])).toEqual([
      [[role('${NamePrefix}-pipeline')], { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } }],
      [[role('${NamePrefix}-pipeline-events')], { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } }],
      [[role('${NamePrefix}-deployer')], { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }],
      [[role('${NamePrefix}-image-events')], { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }],
      [
        [role('${NamePrefix}-guard-hook')],
        { StringEquals: { 'iam:PassedToService': ['cloudformation.amazonaws.com', 'hooks.cloudformation.amazonaws.com'] } },
      ],
    ]);
  });
});
