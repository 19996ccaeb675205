import { BootstraplessSynthesizer, CfnOutput, CfnParameter, Fn, aws_iam as iam, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import {
  accessLogBucketName,
  artifactBucketName,
  artifactKeyAlias,
  BAKERY_DEFAULTS,
  bakeryStackRoleName,
  NAME_PREFIX_TAG,
  permissionsBoundaryName,
  pipelineEventsRoleName,
  pipelineName,
  pipelineRoleName,
  recipeDeployRoleName,
} from './names.js';
import { cloudFormationServiceRole, KEY_MANAGEMENT_ACTIONS } from './shared.js';

type BakeryAccessStackProps = StackProps;

const P = '${NamePrefix}';
const ARN = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';

/**
 * What the management account deploys into the bakery account through a StackSet, in the bakery
 * region: the configuration role the bootstrap Lambda assumes, and the CloudFormation service role
 * that creates and updates the bakery stack. The configuration role itself cannot create anything
 * but the bakery stack; the service role can create only the bakery stack's named resources.
 */
class BakeryAccessStack extends Stack {
  constructor(scope: Construct, id: string, props: BakeryAccessStackProps = {}) {
    super(scope, id, {
      description: 'AMI Bakery: configuration role for the management account bootstrap and the bakery stack deploy role',
      ...props,
      synthesizer: props.synthesizer ?? new BootstraplessSynthesizer(),
      analyticsReporting: false,
    });
    const sub = (text: string): string => Fn.sub(text);

    new CfnParameter(this, 'ManagementAccountId', {
      type: 'String',
      allowedPattern: '^\\d{12}$',
      constraintDescription: '12 digits',
      description: 'Account of the bootstrap Lambda',
    });
    const lambdaRoleArn = new CfnParameter(this, 'LambdaRoleArn', {
      type: 'String',
      allowedPattern: '^arn:[a-z-]+:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$',
      constraintDescription: 'the ARN of an IAM role',
      description: 'Execution role of the bootstrap Lambda, the only principal that may assume the configuration role',
    });
    new CfnParameter(this, 'ConfigurationRoleName', {
      type: 'String',
      default: 'ami-bakery-configuration',
      allowedPattern: '^[\\w+=,.@-]{1,64}$',
      description: 'Name of the configuration role',
    });
    new CfnParameter(this, 'BakeryStackName', {
      type: 'String',
      default: 'ami-bakery',
      allowedPattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$',
      description: 'Name of the bakery stack the bootstrap Lambda deploys',
    });
    new CfnParameter(this, 'NamePrefix', {
      type: 'String',
      default: BAKERY_DEFAULTS.NamePrefix,
      allowedPattern: '^[a-z][a-z0-9-]{0,22}[a-z0-9]$',
      description: 'NamePrefix parameter of the bakery stack',
    });
    new CfnParameter(this, 'RepositoryName', {
      type: 'String',
      default: BAKERY_DEFAULTS.RepositoryName,
      allowedPattern: '^[\\w.-]{1,100}$',
      description: 'RepositoryName parameter of the bakery stack',
    });

    const role = (name: string): string => sub(`${ARN}:iam::\${AWS::AccountId}:role/${name}`);
    const bakeryStackArn = sub(`${ARN}:cloudformation:${HERE}:stack/\${BakeryStackName}/*`);
    const repositoryArn = sub(`${ARN}:codecommit:${HERE}:\${RepositoryName}`);
    const bucketArn = sub(`${ARN}:s3:::${artifactBucketName(P, '${AWS::AccountId}', '${AWS::Region}')}`);
    const deployRoleArn = role(bakeryStackRoleName(P));
    const bakeryKeys = sub(`${ARN}:kms:${HERE}:key/*`);
    const onlyBakeryKey = { StringEquals: { [`aws:ResourceTag/${NAME_PREFIX_TAG}`]: Fn.ref('NamePrefix') } };
    const viaS3 = sub('s3.${AWS::Region}.${AWS::URLSuffix}');

    // ----- Bakery stack deploy role (CloudFormation service role of the bakery stack) -----
    const bakeryRoles = [pipelineRoleName(P), pipelineEventsRoleName(P), recipeDeployRoleName(P)].map(role);
    const deployRole = cloudFormationServiceRole(this, 'BakeryStackDeployRole', {
      roleName: sub(bakeryStackRoleName(P)),
      description: 'AMI Bakery: CloudFormation service role that creates, updates and deletes the bakery stack',
      policyName: 'BakeryStackResources',
      statements: [
        new iam.PolicyStatement({
          sid: 'CreateTaggedKey',
          actions: ['kms:CreateKey'],
          resources: ['*'],
          conditions: { StringEquals: { [`aws:RequestTag/${NAME_PREFIX_TAG}`]: Fn.ref('NamePrefix') } },
        }),
        new iam.PolicyStatement({
          sid: 'ManageBakeryKey',
          actions: [...KEY_MANAGEMENT_ACTIONS],
          resources: [bakeryKeys],
          conditions: onlyBakeryKey,
        }),
        new iam.PolicyStatement({
          sid: 'BakeryKeyAlias',
          actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
          resources: [sub(`${ARN}:kms:${HERE}:${artifactKeyAlias(P)}`)],
        }),
        new iam.PolicyStatement({ sid: 'ReadAliases', actions: ['kms:ListAliases'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'ArtifactAndLogBuckets',
          actions: [
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
          resources: [bucketArn, sub(`${ARN}:s3:::${accessLogBucketName(P, '${AWS::AccountId}', '*')}`)],
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRepository',
          actions: [
            'codecommit:CreateRepository',
            'codecommit:DeleteRepository',
            'codecommit:GetRepository',
            'codecommit:ListTagsForResource',
            'codecommit:TagResource',
            'codecommit:UntagResource',
            'codecommit:UpdateRepositoryDescription',
          ],
          resources: [repositoryArn],
        }),
        new iam.PolicyStatement({
          sid: 'Pipeline',
          actions: [
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
          resources: [sub(`${ARN}:codepipeline:${HERE}:${pipelineName(P)}`)],
        }),
        new iam.PolicyStatement({
          sid: 'SourceRules',
          actions: [
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
          resources: [sub(`${ARN}:events:${HERE}:rule/${P}-source-*`)],
        }),
        new iam.PolicyStatement({
          sid: 'BakeryRoles',
          actions: [
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
          // Exactly the three roles of the bakery stack: never this role or the configuration role.
          resources: bakeryRoles,
        }),
        new iam.PolicyStatement({
          sid: 'RecipePermissionsBoundary',
          actions: [
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
          resources: [sub(`${ARN}:iam::\${AWS::AccountId}:policy/${permissionsBoundaryName(P, '*')}`)],
        }),
        new iam.PolicyStatement({
          sid: 'PassPipelineRole',
          actions: ['iam:PassRole'],
          resources: [role(pipelineRoleName(P))],
          conditions: { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } },
        }),
        new iam.PolicyStatement({
          sid: 'PassEventsRole',
          actions: ['iam:PassRole'],
          resources: [role(pipelineEventsRoleName(P))],
          conditions: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
        }),
      ],
    });
    acknowledge(
      deployRole,
      'kms:CreateKey and kms:ListAliases support no resource-level permissions; CreateKey is limited to keys tagged with this bakery name prefix, and every later key operation requires that tag.',
      'AwsSolutions-IAM5[Resource::*]',
    );
    acknowledge(
      deployRole,
      'Key ids are generated by KMS, and the log bucket and boundary policy names end in the bakery stack id; the grants stay on keys tagged for this bakery, on names derived from this bakery stack, and on the source rules of this name prefix.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-logs-<AWS::AccountId>-*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/<NamePrefix>-recipe-boundary-*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/<NamePrefix>-source-*]',
    );

    // ----- Configuration role, assumed by the bootstrap Lambda only -----
    const configurationRole = new iam.Role(this, 'ConfigurationRole', {
      roleName: Fn.ref('ConfigurationRoleName'),
      description: 'AMI Bakery: assumed by the management account bootstrap Lambda to deploy, seed and tear down the bakery stack',
      assumedBy: new iam.ArnPrincipal(sub(`${ARN}:iam::\${ManagementAccountId}:root`)).withConditions({
        ArnEquals: { 'aws:PrincipalArn': lambdaRoleArn.valueAsString },
      }),
      inlinePolicies: {
        Bootstrap: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'CreateBakeryStackWithDeployRole',
              actions: ['cloudformation:CreateStack'],
              resources: [bakeryStackArn],
              conditions: { ArnEquals: { 'cloudformation:RoleArn': deployRoleArn } },
            }),
            new iam.PolicyStatement({
              sid: 'ManageBakeryStack',
              actions: [
                'cloudformation:DeleteStack',
                'cloudformation:DescribeStackEvents',
                'cloudformation:DescribeStacks',
                'cloudformation:TagResource',
                'cloudformation:UntagResource',
                'cloudformation:UpdateStack',
              ],
              resources: [bakeryStackArn],
            }),
            new iam.PolicyStatement({
              sid: 'PassBakeryStackDeployRole',
              actions: ['iam:PassRole'],
              resources: [deployRoleArn],
              conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
            }),
            new iam.PolicyStatement({
              sid: 'SeedAndPurgeRepository',
              actions: ['codecommit:CreateCommit', 'codecommit:DeleteRepository', 'codecommit:GetBranch', 'codecommit:GetRepository'],
              resources: [repositoryArn],
            }),
            new iam.PolicyStatement({
              sid: 'ArtifactBucketListing',
              actions: ['s3:ListBucket', 's3:ListBucketVersions'],
              resources: [bucketArn],
            }),
            new iam.PolicyStatement({
              sid: 'SeedAndEmptyArtifactBucket',
              actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:PutObject'],
              resources: [Fn.join('', [bucketArn, '/*'])],
            }),
            new iam.PolicyStatement({
              sid: 'EncryptSeedBundle',
              actions: ['kms:GenerateDataKey'],
              resources: [bakeryKeys],
              conditions: {
                ...onlyBakeryKey,
                'ForAnyValue:StringEquals': { 'kms:ResourceAliases': sub(artifactKeyAlias(P)) },
                StringEquals: { ...onlyBakeryKey.StringEquals, 'kms:ViaService': viaS3 },
              },
            }),
          ],
        }),
      },
    });
    acknowledge(
      configurationRole,
      'The stack id, object keys and key id are generated; the grants stay on the one bakery stack, its artifact bucket and the key aliased for this bakery, used through S3.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<BakeryStackName>/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-artifacts-<AWS::AccountId>-<AWS::Region>/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
    );

    new CfnOutput(this, 'ConfigurationRoleArn', { value: configurationRole.roleArn, description: 'Role the bootstrap Lambda assumes' });
    new CfnOutput(this, 'BakeryStackDeployRoleArn', {
      value: deployRole.roleArn,
      description: 'CloudFormation service role of the bakery stack',
    });
  }
}

export { BakeryAccessStack, type BakeryAccessStackProps };
