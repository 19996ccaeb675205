import {
  Aws,
  BootstraplessSynthesizer,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  aws_iam as iam,
  aws_kms as kms,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { controlTowerFinding } from './control-tower.js';
import { acknowledge } from './nag.js';
import {
  accessLogBucketName,
  artifactBucketName,
  artifactKeyExportName,
  BAKERY_DEFAULTS,
  bakeryKeyAlias,
  bakeryStackRoleName,
  buildBoundaryName,
  catalogNotificationRuleName,
  catalogTopicName,
  controlBucketName,
  DEPLOYER_CODE_PREFIX,
  deployerFunctionName,
  deployerRoleName,
  evidenceBucketName,
  GUARD_RULES_PREFIX,
  guardHookRoleName,
  IMAGE_EVENTS_CODE_PREFIX,
  imageEventsFunctionName,
  imageEventsRoleName,
  imageEventsRuleName,
  lifecycleBoundaryName,
  pipelineEventsRoleName,
  pipelineName,
  pipelineRoleName,
  recipeDeployRoleName,
} from './names.js';
import { accountKey, cloudFormationServiceRole } from './shared.js';

type BakeryAccessStackProps = StackProps;

const P = '${NamePrefix}';
const ARN = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';

/**
 * What the management account deploys into the bakery account through a StackSet, in the bakery
 * region, before the bakery stack exists:
 * - the bakery key: it encrypts every bakery bucket and outlives the bakery stack (retained
 *   evidence stays readable), and the bakery stack's deploy role never needs to create or administer a key;
 * - the control bucket: the deployer code and the Guard rules, written only by the configuration role;
 * - the configuration role the bootstrap Lambda assumes, and the CloudFormation service role that
 *   creates and updates the bakery stack. The configuration role itself cannot create anything but
 *   the bakery stack; the service role can create only the bakery stack's named resources.
 */
class BakeryAccessStack extends Stack {
  constructor(scope: Construct, id: string, props: BakeryAccessStackProps = {}) {
    super(scope, id, {
      description:
        'AMI Bakery: bakery key, control bucket, configuration role for the management account bootstrap and the bakery stack deploy role',
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
    const controlBucketArn = sub(`${ARN}:s3:::${controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}')}`);
    const controlObjects = (prefix: string): string => Fn.join('', [controlBucketArn, `/${prefix}*`]);
    const deployRoleArn = role(bakeryStackRoleName(P));
    const configurationRoleArn = role('${ConfigurationRoleName}');
    const viaS3 = { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}') } };

    // ----- The bakery key: every bakery bucket, retained with the evidence it protects -----
    const key = accountKey(this, 'BakeryKey', {
      description: 'AMI Bakery: artifact, evidence and control buckets of the bakery account',
      dataUse: [
        // Data use only through S3 in this account: IAM policies then decide who (pipeline, deployer,
        // build instances, hook, publisher, bootstrap), and nothing can use the key outside S3.
        new iam.PolicyStatement({
          sid: 'UseThroughS3InThisAccount',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}'), 'kms:CallerAccount': Aws.ACCOUNT_ID },
          },
        }),
        // Grants only for AWS services acting for a resource (S3 Bucket Keys): nobody hands the key on.
        new iam.PolicyStatement({
          sid: 'GrantsOnlyForAwsServices',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        }),
      ],
    });
    // Evidence outlives the bakery stack and this StackSet instance alike; so does its key.
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new kms.CfnAlias(this, 'BakeryKeyAlias', { aliasName: sub(bakeryKeyAlias(P)), targetKeyId: key.ref });
    const keyRef = kms.Key.fromKeyArn(this, 'BakeryKeyRef', key.attrArn);

    // ----- Control bucket: what the management account ships for the bakery stack -----
    const control = new s3.Bucket(this, 'ControlBucket', {
      bucketName: sub(controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}')),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: keyRef,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // No default retention: the bucket only needs Object Lock available (a Control Tower control).
      objectLockEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-replaced-objects',
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Deleting the StackSet instance leaves the shipped code behind for inspection; the name is fixed per account and region.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (control.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    // Nobody but the configuration role writes here: not the branch, not the publish role, not the
    // deployer, whatever their IAM policies say.
    control.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheConfigurationRoleWrites',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [
          's3:DeleteObject',
          's3:DeleteObjectVersion',
          's3:PutObject',
          's3:PutObjectAcl',
          's3:PutObjectRetention',
          's3:RestoreObject',
        ],
        resources: [control.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': configurationRoleArn } },
      }),
    );
    acknowledge(
      control,
      'The control bucket holds only the deployer code and Guard rules the bootstrap Lambda uploads under content-hash keys; every write is by the configuration role (CloudTrail records it), so a separate access-log bucket would log nothing else.',
      'AwsSolutions-S1',
      controlTowerFinding('s3_bucket_logging_enabled_check'),
    );

    // ----- Bakery stack deploy role (CloudFormation service role of the bakery stack) -----
    // Named resources of the bakery stack only. No KMS administration at all (the key lives here),
    // and no IAM action on this role, the configuration role or any recipe role.
    const bakeryRoles = [
      pipelineRoleName(P),
      pipelineEventsRoleName(P),
      recipeDeployRoleName(P),
      deployerRoleName(P),
      guardHookRoleName(P),
      imageEventsRoleName(P),
    ].map(role);
    const deployerFunctionArn = sub(`${ARN}:lambda:${HERE}:function:${deployerFunctionName(P)}`);
    const imageEventsFunctionArn = sub(`${ARN}:lambda:${HERE}:function:${imageEventsFunctionName(P)}`);
    const logGroupArns = [deployerFunctionName(P), imageEventsFunctionName(P)].flatMap((name) => {
      const arn = sub(`${ARN}:logs:${HERE}:log-group:/aws/lambda/${name}`);
      return [arn, Fn.join('', [arn, ':*'])];
    });
    const deployRole = cloudFormationServiceRole(this, 'BakeryStackDeployRole', {
      roleName: sub(bakeryStackRoleName(P)),
      description: 'AMI Bakery: CloudFormation service role that creates, updates and deletes the bakery stack',
      policyName: 'BakeryStackResources',
      statements: [
        new iam.PolicyStatement({
          sid: 'BakeryBuckets',
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
            's3:PutBucketObjectLockConfiguration',
            's3:PutBucketOwnershipControls',
            's3:PutBucketPolicy',
            's3:PutBucketPublicAccessBlock',
            's3:PutBucketTagging',
            's3:PutBucketVersioning',
            's3:PutEncryptionConfiguration',
            's3:PutLifecycleConfiguration',
          ],
          resources: [
            bucketArn,
            sub(`${ARN}:s3:::${accessLogBucketName(P, '${AWS::AccountId}', '*')}`),
            sub(`${ARN}:s3:::${evidenceBucketName(P, '${AWS::AccountId}', '*')}`),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ReadShippedCode',
          actions: ['s3:GetObject'],
          resources: [controlObjects(DEPLOYER_CODE_PREFIX), controlObjects(IMAGE_EVENTS_CODE_PREFIX), controlObjects(GUARD_RULES_PREFIX)],
        }),
        new iam.PolicyStatement({ sid: 'KeyThroughS3', actions: ['kms:Decrypt'], resources: [key.attrArn], conditions: viaS3 }),
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
          resources: [
            sub(`${ARN}:events:${HERE}:rule/${P}-source-*`),
            sub(`${ARN}:events:${HERE}:rule/${imageEventsRuleName(P)}`),
            sub(`${ARN}:events:${HERE}:rule/${catalogNotificationRuleName(P)}`),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'DeployerFunction',
          actions: [
            'lambda:CreateFunction',
            'lambda:DeleteFunction',
            'lambda:DeleteFunctionConcurrency',
            'lambda:GetFunction',
            'lambda:GetFunctionCodeSigningConfig',
            'lambda:GetFunctionConfiguration',
            'lambda:GetRuntimeManagementConfig',
            'lambda:ListTags',
            'lambda:PutFunctionConcurrency',
            'lambda:TagResource',
            'lambda:UntagResource',
            'lambda:UpdateFunctionCode',
            'lambda:UpdateFunctionConfiguration',
          ],
          resources: [deployerFunctionArn, imageEventsFunctionArn],
        }),
        new iam.PolicyStatement({
          // The image-events function's invoke permission for its EventBridge rule; the deployer has none.
          sid: 'ImageEventsInvokePermission',
          actions: ['lambda:AddPermission', 'lambda:GetPolicy', 'lambda:RemovePermission'],
          resources: [imageEventsFunctionArn],
        }),
        new iam.PolicyStatement({
          sid: 'CatalogTopic',
          actions: [
            'sns:CreateTopic',
            'sns:DeleteTopic',
            'sns:GetDataProtectionPolicy',
            'sns:GetSubscriptionAttributes',
            'sns:GetTopicAttributes',
            'sns:ListSubscriptionsByTopic',
            'sns:ListTagsForResource',
            'sns:SetSubscriptionAttributes',
            'sns:SetTopicAttributes',
            'sns:Subscribe',
            'sns:TagResource',
            'sns:Unsubscribe',
            'sns:UntagResource',
          ],
          resources: [sub(`${ARN}:sns:${HERE}:${catalogTopicName(P)}`)],
        }),
        new iam.PolicyStatement({
          sid: 'DeployerLogGroup',
          actions: [
            'logs:CreateLogGroup',
            'logs:DeleteLogGroup',
            'logs:DeleteRetentionPolicy',
            'logs:ListTagsForResource',
            'logs:PutRetentionPolicy',
            'logs:TagResource',
            'logs:UntagResource',
          ],
          resources: logGroupArns,
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
          // Exactly the five roles of the bakery stack: never this role or the configuration role.
          resources: bakeryRoles,
        }),
        new iam.PolicyStatement({
          sid: 'RecipePermissionsBoundaries',
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
          resources: [buildBoundaryName(P, '*'), lifecycleBoundaryName(P, '*')].map((name) =>
            sub(`${ARN}:iam::\${AWS::AccountId}:policy/${name}`),
          ),
        }),
        ...(
          [
            ['PassPipelineRole', pipelineRoleName(P), ['codepipeline.amazonaws.com']],
            ['PassEventsRole', pipelineEventsRoleName(P), ['events.amazonaws.com']],
            ['PassDeployerRole', deployerRoleName(P), ['lambda.amazonaws.com']],
            ['PassImageEventsRole', imageEventsRoleName(P), ['lambda.amazonaws.com']],
            ['PassGuardHookRole', guardHookRoleName(P), ['cloudformation.amazonaws.com', 'hooks.cloudformation.amazonaws.com']],
          ] as const
        ).map(
          ([sid, name, services]) =>
            new iam.PolicyStatement({
              sid,
              actions: ['iam:PassRole'],
              resources: [role(name)],
              conditions: { StringEquals: { 'iam:PassedToService': services.length === 1 ? services[0] : [...services] } },
            }),
        ),
        // Activating the Guard hook: the registry type actions support no resource-level permissions.
        new iam.PolicyStatement({
          sid: 'GuardHookActivation',
          actions: [
            'cloudformation:ActivateType',
            'cloudformation:BatchDescribeTypeConfigurations',
            'cloudformation:DeactivateType',
            'cloudformation:DescribeType',
            'cloudformation:SetTypeConfiguration',
          ],
          resources: ['*'],
        }),
      ],
    });
    acknowledge(
      deployRole,
      'The CloudFormation registry actions that activate and configure the Guard hook support no resource-level permissions; this role is used only by CloudFormation for the bakery stack, which only the bootstrap Lambda deploys.',
      'AwsSolutions-IAM5[Resource::*]',
    );
    acknowledge(
      deployRole,
      'The log and evidence bucket and boundary policy names end in the bakery stack id, the shipped code and rules are stored under content-hash keys, and the log group has generated streams; the grants stay on names derived from this bakery, on the two control-bucket prefixes and on the source rules of this name prefix.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-logs-<AWS::AccountId>-*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-evidence-<AWS::AccountId>-*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-control-<AWS::AccountId>-<AWS::Region>/${DEPLOYER_CODE_PREFIX}*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-control-<AWS::AccountId>-<AWS::Region>/${GUARD_RULES_PREFIX}*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/<NamePrefix>-deployer:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/<NamePrefix>-image-events:*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-control-<AWS::AccountId>-<AWS::Region>/${IMAGE_EVENTS_CODE_PREFIX}*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/<NamePrefix>-build-boundary-*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/<NamePrefix>-lifecycle-boundary-*]',
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
              sid: 'ControlBucketListing',
              actions: ['s3:ListBucket'],
              resources: [controlBucketArn],
            }),
            new iam.PolicyStatement({
              sid: 'UploadShippedCode',
              actions: ['s3:GetObject', 's3:PutObject'],
              resources: [
                controlObjects(DEPLOYER_CODE_PREFIX),
                controlObjects(IMAGE_EVENTS_CODE_PREFIX),
                controlObjects(GUARD_RULES_PREFIX),
              ],
            }),
            new iam.PolicyStatement({
              sid: 'KeyThroughS3',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
              resources: [key.attrArn],
              conditions: viaS3,
            }),
          ],
        }),
      },
    });
    acknowledge(
      configurationRole,
      'The stack id and object keys are generated (seed bundle, content-hash keys of the shipped code); the grants stay on the one bakery stack, its artifact bucket and the two prefixes of the control bucket.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<BakeryStackName>/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-artifacts-<AWS::AccountId>-<AWS::Region>/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-control-<AWS::AccountId>-<AWS::Region>/${DEPLOYER_CODE_PREFIX}*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-control-<AWS::AccountId>-<AWS::Region>/${GUARD_RULES_PREFIX}*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<NamePrefix>-control-<AWS::AccountId>-<AWS::Region>/${IMAGE_EVENTS_CODE_PREFIX}*]`,
    );

    new CfnOutput(this, 'BakeryKeyArn', {
      value: key.attrArn,
      description: 'KMS key of the bakery buckets; the bakery stack imports it',
      exportName: sub(artifactKeyExportName(P)),
    });
    new CfnOutput(this, 'ControlBucketName', {
      value: control.bucketName,
      description: 'Deployer code and Guard rules, written by the configuration role only',
    });
    new CfnOutput(this, 'ConfigurationRoleArn', { value: configurationRole.roleArn, description: 'Role the bootstrap Lambda assumes' });
    new CfnOutput(this, 'BakeryStackDeployRoleArn', {
      value: deployRole.roleArn,
      description: 'CloudFormation service role of the bakery stack',
    });
  }
}

export { BakeryAccessStack, type BakeryAccessStackProps };
