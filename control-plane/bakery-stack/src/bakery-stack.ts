import {
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  aws_codecommit as codecommit,
  aws_codepipeline as codepipeline,
  Duration,
  aws_events as events,
  Fn,
  aws_iam as iam,
  aws_kms as kms,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type BundleManifest, type DeployableRecipe, deployableRecipes, deployStages, type RecipeParameter } from './manifest.js';
import { acknowledge } from './nag.js';
import {
  accessLogBucketName,
  artifactBucketName,
  artifactKeyAlias,
  BAKERY_DEFAULTS,
  BUILD_LOG_PREFIX,
  bakeryStackRoleName,
  codeCommitRuleName,
  NAME_PREFIX_TAG,
  permissionsBoundaryName,
  pipelineEventsRoleName,
  pipelineName,
  pipelineRoleName,
  recipeDeployRoleName,
  SELF_UPDATE_TEMPLATE_PATH,
  SOURCE_ARTIFACT,
  SSM_PARAMETER_PATH,
  s3SourceRuleName,
} from './names.js';
import { accountKey, cloudFormationServiceRole } from './shared.js';

interface BakeryStackProps extends StackProps {
  /** The bundle the pipeline deploys: one Deploy action per recipe. */
  readonly manifest: BundleManifest;
  /**
   * The recipe repository is the data worth keeping: RETAIN by default, the bootstrap deletes it
   * only when asked to purge.
   */
  readonly repositoryRemovalPolicy?: RemovalPolicy;
}

/** `${Name}` placeholders for Fn::Sub: compact templates matter, the Lambda sends them inline. */
const P = '${NamePrefix}';
const RP = '${RecipeStackPrefix}';
const ARN = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';

/** The 8 parameters of docs/contracts.md, in contract order. */
const PARAMETER_NAMES = [
  'NamePrefix',
  'RepositoryName',
  'BranchName',
  'SourceType',
  'SourceObjectKey',
  'OrganizationId',
  'ManagementAccountId',
  'RecipeStackPrefix',
] as const;

/** Managed policies a recipe role may carry; the boundary still caps what they grant. */
const ATTACHABLE_MANAGED_POLICIES = [
  'AmazonSSMManagedInstanceCore',
  'EC2InstanceProfileForImageBuilder',
  'service-role/EC2ImageBuilderLifecycleExecutionPolicy',
] as const;

/**
 * A JSON object as one Fn::Sub: values are `${Ref}` placeholders whose parameter patterns exclude
 * `"` and `\`, so the substituted text stays valid JSON. Smaller than CDK's Fn::Join rendering.
 */
function subJson(values: Record<string, string>, variables?: Record<string, string>): string {
  return variables && Object.keys(variables).length > 0 ? Fn.sub(JSON.stringify(values), variables) : Fn.sub(JSON.stringify(values));
}

/**
 * The bakery account's stack: artifact key and buckets, the recipe repository, and a CodePipeline
 * that updates itself and then deploys one CloudFormation stack per recipe of the manifest.
 * Deployed with plain CloudFormation by the bootstrap Lambda, so it needs no CDK bootstrap and
 * carries no assets.
 */
class BakeryStack extends Stack {
  readonly recipes: readonly DeployableRecipe[];

  constructor(scope: Construct, id: string, props: BakeryStackProps) {
    super(scope, id, {
      description: 'AMI Bakery: artifact bucket, recipe repository and the self-updating pipeline that deploys recipe stacks',
      ...props,
      synthesizer: props.synthesizer ?? new BootstraplessSynthesizer(),
      analyticsReporting: false,
    });
    // Log delivery through a bucket policy with confused-deputy conditions, not the legacy ACL; set
    // here so the template does not depend on the App's cdk.json.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.recipes = deployableRecipes(props.manifest);
    const repositoryRemoval = props.repositoryRemovalPolicy ?? RemovalPolicy.RETAIN;
    const sub = (text: string): string => Fn.sub(text);

    // ----- Parameters (docs/contracts.md) -----
    const param = {
      NamePrefix: new CfnParameter(this, 'NamePrefix', {
        type: 'String',
        default: BAKERY_DEFAULTS.NamePrefix,
        allowedPattern: '^[a-z][a-z0-9-]{0,22}[a-z0-9]$',
        constraintDescription: '2-24 lowercase letters, digits or hyphens, starting with a letter (it becomes part of S3 bucket names)',
        description: 'Prefix of every named resource in the bakery account',
      }),
      RepositoryName: new CfnParameter(this, 'RepositoryName', {
        type: 'String',
        default: BAKERY_DEFAULTS.RepositoryName,
        allowedPattern: '^[\\w.-]{1,100}$',
        constraintDescription: '1-100 letters, digits, ".", "_" or "-"',
        description: 'CodeCommit repository holding the published bundles (SourceType CodeCommit)',
      }),
      BranchName: new CfnParameter(this, 'BranchName', {
        type: 'String',
        default: BAKERY_DEFAULTS.BranchName,
        allowedPattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$',
        constraintDescription: 'a git branch name: letters, digits, ".", "_", "-" and "/"',
        description: 'Branch whose pushes run the pipeline',
      }),
      SourceType: new CfnParameter(this, 'SourceType', {
        type: 'String',
        default: BAKERY_DEFAULTS.SourceType,
        allowedValues: ['CodeCommit', 'S3'],
        description: 'Where the pipeline reads the bundle: the CodeCommit branch, or a versioned zip in the artifact bucket',
      }),
      SourceObjectKey: new CfnParameter(this, 'SourceObjectKey', {
        type: 'String',
        default: BAKERY_DEFAULTS.SourceObjectKey,
        allowedPattern: "^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,1019}\\.zip$",
        constraintDescription: 'an S3 key ending in .zip, without a leading "/"',
        description: 'Key of the bundle zip in the artifact bucket (SourceType S3)',
      }),
      OrganizationId: new CfnParameter(this, 'OrganizationId', {
        type: 'String',
        allowedPattern: '^o-[a-z0-9]{10,32}$',
        constraintDescription: 'o- followed by 10-32 lowercase letters or digits',
        description: 'AWS Organization id, passed to recipes that share AMIs with the organization',
      }),
      ManagementAccountId: new CfnParameter(this, 'ManagementAccountId', {
        type: 'String',
        allowedPattern: '^\\d{12}$',
        constraintDescription: '12 digits',
        description: 'Management account id, passed to recipes that share AMIs with OUs',
      }),
      RecipeStackPrefix: new CfnParameter(this, 'RecipeStackPrefix', {
        type: 'String',
        default: BAKERY_DEFAULTS.RecipeStackPrefix,
        // Lowercase only: Image Builder ARNs are lowercase, and IAM matches resources case-sensitively.
        allowedPattern: '^[a-z][a-z0-9-]{0,63}$',
        constraintDescription: 'a lowercase letter, then up to 63 lowercase letters, digits or hyphens',
        description: 'Start of every recipe stack name and of every resource name a recipe stack may create',
      }),
    } satisfies Record<(typeof PARAMETER_NAMES)[number], CfnParameter>;

    const isCodeCommit = new CfnCondition(this, 'IsCodeCommit', {
      expression: Fn.conditionEquals(param.SourceType.valueAsString, 'CodeCommit'),
    });
    const isS3 = new CfnCondition(this, 'IsS3', { expression: Fn.conditionEquals(param.SourceType.valueAsString, 'S3') });

    const accountRoot = new iam.AccountRootPrincipal();
    const partitionArn = (service: string, rest: string): string => sub(`${ARN}:${service}:${rest}`);
    const roleArn = (name: string): string => sub(`${ARN}:iam::\${AWS::AccountId}:role/${name}`);
    const pipelineArn = partitionArn('codepipeline', `${HERE}:${pipelineName(P)}`);
    const selfStackArn = partitionArn('cloudformation', `${HERE}:stack/\${AWS::StackName}/*`);
    const recipeStacksArn = partitionArn('cloudformation', `${HERE}:stack/${RP}*/*`);
    const repositoryArn = partitionArn('codecommit', `${HERE}:\${RepositoryName}`);
    const recipeDeployRoleArn = roleArn(recipeDeployRoleName(P));
    const bakeryStackRoleArn = roleArn(bakeryStackRoleName(P));
    const s3ViaService = sub('s3.${AWS::Region}.${AWS::URLSuffix}');
    // First group of the stack id's UUID: fixed for the stack's life, new for a re-created stack.
    const stackIdPart = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));

    // ----- KMS key for artifacts, the S3 source bundle and build logs -----
    const key = accountKey(this, 'ArtifactKey', {
      description: 'AMI Bakery artifacts: pipeline artifacts, the S3 source bundle and Image Builder logs',
      dataUse: [
        // Data use only through S3 in this account: IAM policies then decide who (pipeline role,
        // recipe instance roles, publisher), and nothing can use the key outside S3.
        new iam.PolicyStatement({
          sid: 'UseThroughS3InThisAccount',
          principals: [accountRoot],
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': s3ViaService, 'kms:CallerAccount': Aws.ACCOUNT_ID } },
        }),
      ],
      tags: [{ key: NAME_PREFIX_TAG, value: param.NamePrefix.valueAsString }],
    });
    // The bootstrap empties and deletes the artifact bucket on teardown; the key follows it, with
    // KMS's 30-day waiting period as the undo window.
    key.applyRemovalPolicy(RemovalPolicy.DESTROY);
    new kms.CfnAlias(this, 'ArtifactKeyAlias', { aliasName: sub(artifactKeyAlias(P)), targetKeyId: key.ref });
    const keyRef = kms.Key.fromKeyArn(this, 'ArtifactKeyRef', key.attrArn);

    // ----- Buckets -----
    // RETAIN: access logs are audit evidence that outlives the stack; the stack-id suffix keeps a
    // later re-creation from colliding with the bucket left behind.
    const logBucket = new s3.Bucket(this, 'AccessLogBucket', {
      bucketName: Fn.sub(accessLogBucketName(P, '${AWS::AccountId}', '${StackIdPart}'), { StackIdPart: stackIdPart }),
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const bucket = new s3.Bucket(this, 'ArtifactBucket', {
      bucketName: sub(artifactBucketName(P, '${AWS::AccountId}', '${AWS::Region}')),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: keyRef,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'artifact-bucket/',
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // The bootstrap empties it before deleting the stack; its content is rebuilt from the monorepo.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Native EventBridge delivery: the L2 switch would add a notifications Lambda to the template.
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    // ----- Source repository (SourceType CodeCommit) -----
    const repository = new codecommit.CfnRepository(this, 'Repository', {
      repositoryName: param.RepositoryName.valueAsString,
      repositoryDescription: 'AMI Bakery: published recipe bundles; pushes to the configured branch run the pipeline',
    });
    repository.cfnOptions.condition = isCodeCommit;
    repository.applyRemovalPolicy(repositoryRemoval);

    // ----- Permissions boundary of every role a recipe stack creates -----
    // RETAIN: recipe stacks outliving this stack keep their roles' boundary, and deleting a policy
    // still used as a boundary would fail the stack deletion. Stack-id suffix: see the log bucket.
    const boundary = new iam.ManagedPolicy(this, 'RecipePermissionsBoundary', {
      managedPolicyName: Fn.sub(permissionsBoundaryName(P, '${StackIdPart}'), { StackIdPart: stackIdPart }),
      description: 'AMI Bakery: the most any role created by a recipe stack may do (build instances, lifecycle policies)',
      statements: [
        new iam.PolicyStatement({
          sid: 'SsmAgentCore',
          actions: [
            'ec2messages:AcknowledgeMessage',
            'ec2messages:DeleteMessage',
            'ec2messages:FailMessage',
            'ec2messages:GetEndpoint',
            'ec2messages:GetMessages',
            'ec2messages:SendReply',
            'ssm:DescribeAssociation',
            'ssm:DescribeDocument',
            'ssm:GetDeployablePatchSnapshotForInstance',
            'ssm:GetDocument',
            'ssm:GetManifest',
            'ssm:GetParameter',
            'ssm:GetParameters',
            'ssm:ListAssociations',
            'ssm:ListInstanceAssociations',
            'ssm:PutComplianceItems',
            'ssm:PutConfigurePackageResult',
            'ssm:PutInventory',
            'ssm:UpdateAssociationStatus',
            'ssm:UpdateInstanceAssociationStatus',
            'ssm:UpdateInstanceInformation',
            'ssmmessages:CreateControlChannel',
            'ssmmessages:CreateDataChannel',
            'ssmmessages:OpenControlChannel',
            'ssmmessages:OpenDataChannel',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ImageBuilderComponents',
          actions: ['imagebuilder:GetComponent'],
          resources: [partitionArn('imagebuilder', `${HERE}:component/*`), partitionArn('imagebuilder', '${AWS::Region}:aws:component/*')],
        }),
        new iam.PolicyStatement({
          sid: 'ImageBuilderEncryptedComponents',
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: {
            'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'aws:imagebuilder:arn' },
            StringEquals: { 'kms:ViaService': sub('imagebuilder.${AWS::Region}.${AWS::URLSuffix}') },
          },
        }),
        new iam.PolicyStatement({
          sid: 'AwsToeDownloads',
          actions: ['s3:GetObject'],
          resources: [sub(`${ARN}:s3:::ec2imagebuilder*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ImageBuilderLogGroups',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [partitionArn('logs', `${HERE}:log-group:/aws/imagebuilder/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'BuildLogUpload',
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${BUILD_LOG_PREFIX}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'BuildLogEncryption',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [key.attrArn],
        }),
        new iam.PolicyStatement({
          sid: 'LifecycleImages',
          actions: [
            'ec2:CreateSnapshot',
            'ec2:CreateTags',
            'ec2:DeleteSnapshot',
            'ec2:DeleteTags',
            'ec2:DeregisterImage',
            'ec2:DisableImage',
            'ec2:DisableImageDeprecation',
            'ec2:EnableImage',
            'ec2:EnableImageDeprecation',
          ],
          // Any region: distributed copies are cleaned up where they were copied to.
          resources: [sub(`${ARN}:ec2:*::image/*`), sub(`${ARN}:ec2:*::snapshot/*`), sub(`${ARN}:ec2:*:\${AWS::AccountId}:volume/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'LifecycleDescribe',
          actions: ['ec2:DescribeImageAttribute', 'ec2:DescribeImages', 'ec2:DescribeSnapshots', 'ec2:DescribeVolumes', 'tag:GetResources'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'LifecycleImageBuilderImages',
          actions: ['imagebuilder:DeleteImage'],
          resources: [partitionArn('imagebuilder', `${HERE}:image/*`)],
        }),
      ],
    });
    (boundary.node.defaultChild as iam.CfnManagedPolicy).applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledge(
      boundary,
      'A permissions boundary is a ceiling, not a grant: the SSM agent, EC2 Describe and tag:GetResources actions support no resource-level permissions, so the ceiling must allow them on every resource; the attached managed policies narrow them.',
      'AwsSolutions-IAM5[Resource::*]',
    );
    acknowledge(
      boundary,
      'Image Builder component, image, log-group and AMI/snapshot ARNs end in generated names and versions; the ceiling covers those of this account and region (AMI copies: any region) only.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:component/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:aws:component/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:image/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/imagebuilder/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*::image/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*::snapshot/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:volume/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::ec2imagebuilder*]',
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${BUILD_LOG_PREFIX}*]`,
    );

    // ----- Recipe deploy role: the CloudFormation service role of every recipe stack -----
    const recipeRolesArn = roleArn(`${RP}*`);
    const boundaryCondition = { StringEquals: { 'iam:PermissionsBoundary': boundary.managedPolicyArn } };
    const ib = (resource: string): string => partitionArn('imagebuilder', `${HERE}:${resource}`);
    const recipeDeployRole = cloudFormationServiceRole(this, 'RecipeDeployRole', {
      roleName: sub(recipeDeployRoleName(P)),
      description: 'AMI Bakery: CloudFormation service role of the recipe stacks (Image Builder resources, bounded roles)',
      policyName: 'RecipeStackResources',
      statements: [
        new iam.PolicyStatement({
          sid: 'ImageBuilderRecipeResources',
          actions: [
            'imagebuilder:CreateComponent',
            'imagebuilder:CreateDistributionConfiguration',
            'imagebuilder:CreateImagePipeline',
            'imagebuilder:CreateImageRecipe',
            'imagebuilder:CreateInfrastructureConfiguration',
            'imagebuilder:CreateLifecyclePolicy',
            'imagebuilder:CreateWorkflow',
            'imagebuilder:DeleteComponent',
            'imagebuilder:DeleteDistributionConfiguration',
            'imagebuilder:DeleteImagePipeline',
            'imagebuilder:DeleteImageRecipe',
            'imagebuilder:DeleteInfrastructureConfiguration',
            'imagebuilder:DeleteLifecyclePolicy',
            'imagebuilder:DeleteWorkflow',
            'imagebuilder:GetComponent',
            'imagebuilder:GetDistributionConfiguration',
            'imagebuilder:GetImagePipeline',
            'imagebuilder:GetImageRecipe',
            'imagebuilder:GetInfrastructureConfiguration',
            'imagebuilder:GetLifecyclePolicy',
            'imagebuilder:GetWorkflow',
            'imagebuilder:TagResource',
            'imagebuilder:UntagResource',
            'imagebuilder:UpdateDistributionConfiguration',
            'imagebuilder:UpdateImagePipeline',
            'imagebuilder:UpdateInfrastructureConfiguration',
            'imagebuilder:UpdateLifecyclePolicy',
          ],
          resources: [
            ib(`component/${RP}*`),
            ib(`distribution-configuration/${RP}*`),
            ib(`image-pipeline/${RP}*`),
            ib(`image-recipe/${RP}*`),
            ib(`infrastructure-configuration/${RP}*`),
            ib(`lifecycle-policy/${RP}*`),
            ib(`workflow/*/${RP}*`),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ImageBuilderAwsManagedResources',
          actions: ['imagebuilder:GetComponent', 'imagebuilder:GetImage', 'imagebuilder:GetWorkflow'],
          resources: [
            partitionArn('imagebuilder', '${AWS::Region}:aws:component/*'),
            partitionArn('imagebuilder', '${AWS::Region}:aws:image/*'),
            partitionArn('imagebuilder', '${AWS::Region}:aws:workflow/*'),
          ],
        }),
        new iam.PolicyStatement({ sid: 'ParentImageLookup', actions: ['ec2:DescribeImages'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'PublicParameterLookup',
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [partitionArn('ssm', '${AWS::Region}::parameter/aws/service/*')],
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRolesOnlyWithBoundary',
          actions: ['iam:CreateRole', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
          resources: [recipeRolesArn],
          conditions: boundaryCondition,
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRolesAttachImageBuilderPolicies',
          actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          resources: [recipeRolesArn],
          conditions: {
            ...boundaryCondition,
            ArnEquals: { 'iam:PolicyARN': ATTACHABLE_MANAGED_POLICIES.map((name) => sub(`${ARN}:iam::aws:policy/${name}`)) },
          },
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRolesManage',
          actions: [
            'iam:DeleteRole',
            'iam:GetRole',
            'iam:GetRolePolicy',
            'iam:ListAttachedRolePolicies',
            'iam:ListRolePolicies',
            'iam:TagRole',
            'iam:UntagRole',
            'iam:UpdateAssumeRolePolicy',
            'iam:UpdateRole',
            'iam:UpdateRoleDescription',
          ],
          resources: [recipeRolesArn],
        }),
        new iam.PolicyStatement({
          sid: 'RecipeInstanceProfiles',
          actions: [
            'iam:AddRoleToInstanceProfile',
            'iam:CreateInstanceProfile',
            'iam:DeleteInstanceProfile',
            'iam:GetInstanceProfile',
            'iam:RemoveRoleFromInstanceProfile',
            'iam:TagInstanceProfile',
            'iam:UntagInstanceProfile',
          ],
          resources: [sub(`${ARN}:iam::\${AWS::AccountId}:instance-profile/${RP}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'PassRecipeRolesToImageBuilder',
          actions: ['iam:PassRole'],
          resources: [recipeRolesArn],
          conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'imagebuilder.amazonaws.com'] } },
        }),
        new iam.PolicyStatement({
          sid: 'ImageBuilderServiceLinkedRole',
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [sub(`${ARN}:iam::\${AWS::AccountId}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`)],
          conditions: { StringEquals: { 'iam:AWSServiceName': 'imagebuilder.amazonaws.com' } },
        }),
        new iam.PolicyStatement({
          sid: 'RecipeSsmParameters',
          actions: [
            'ssm:AddTagsToResource',
            'ssm:DeleteParameter',
            'ssm:GetParameter',
            'ssm:GetParameters',
            'ssm:ListTagsForResource',
            'ssm:PutParameter',
            'ssm:RemoveTagsFromResource',
          ],
          resources: [partitionArn('ssm', `${HERE}:parameter/${SSM_PARAMETER_PATH}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'KeepBoundaries',
          effect: iam.Effect.DENY,
          actions: ['iam:DeleteRolePermissionsBoundary'],
          resources: [roleArn('*')],
        }),
      ],
    });
    acknowledge(
      recipeDeployRole,
      'Recipe stacks name their Image Builder resources, roles and instance profiles after the RecipeStackPrefix parameter; names, versions and build numbers follow it, so each grant ends in a wildcard after the prefix. Role creation additionally requires the permissions boundary.',
      ...[
        'component',
        'distribution-configuration',
        'image-pipeline',
        'image-recipe',
        'infrastructure-configuration',
        'lifecycle-policy',
      ].map(
        (r) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:${r}/<RecipeStackPrefix>*]`,
      ),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:workflow/*/<RecipeStackPrefix>*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/<RecipeStackPrefix>*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/<RecipeStackPrefix>*]',
    );
    acknowledge(
      recipeDeployRole,
      'Recipes reference AWS-managed components, images and workflows (for example stig-build-linux-high/x.x.x) by name with a version wildcard; read access to the AWS-owned ones in this region is required to create recipes from them.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:aws:component/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:aws:image/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:aws:workflow/*]',
    );
    acknowledge(
      recipeDeployRole,
      'ec2:DescribeImages supports no resource-level permissions; parent images are resolved from SSM public parameters under /aws/service/ and latest-AMI parameters live under /ami-bakery/.',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>::parameter/aws/service/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/${SSM_PARAMETER_PATH}/*]`,
    );

    // ----- Pipeline role -----
    const pipelineRole = new iam.Role(this, 'PipelineRole', {
      roleName: sub(pipelineRoleName(P)),
      description: 'AMI Bakery: CodePipeline service role (source, self-update, recipe deployments)',
      assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': pipelineArn },
      }),
      inlinePolicies: {
        Pipeline: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ArtifactObjects',
              actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
              resources: [bucket.arnForObjects('*')],
            }),
            new iam.PolicyStatement({
              sid: 'ArtifactBucket',
              actions: ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketVersioning'],
              resources: [bucket.bucketArn],
            }),
            new iam.PolicyStatement({
              sid: 'ArtifactEncryption',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
              resources: [key.attrArn],
            }),
            new iam.PolicyStatement({
              sid: 'SourceRepository',
              actions: [
                'codecommit:CancelUploadArchive',
                'codecommit:GetBranch',
                'codecommit:GetCommit',
                'codecommit:GetRepository',
                'codecommit:GetUploadArchiveStatus',
                'codecommit:UploadArchive',
              ],
              resources: [repositoryArn],
            }),
            new iam.PolicyStatement({
              sid: 'ReadStacks',
              actions: ['cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks'],
              resources: [selfStackArn, recipeStacksArn],
            }),
            new iam.PolicyStatement({
              sid: 'SelfUpdateWithBakeryStackRole',
              actions: ['cloudformation:UpdateStack'],
              resources: [selfStackArn],
              conditions: { ArnEquals: { 'cloudformation:RoleArn': bakeryStackRoleArn } },
            }),
            new iam.PolicyStatement({
              sid: 'DeployRecipeStacksWithRecipeRole',
              actions: ['cloudformation:CreateStack', 'cloudformation:UpdateStack'],
              resources: [recipeStacksArn],
              conditions: { ArnEquals: { 'cloudformation:RoleArn': recipeDeployRoleArn } },
            }),
            new iam.PolicyStatement({
              sid: 'PassDeployRoles',
              actions: ['iam:PassRole'],
              resources: [bakeryStackRoleArn, recipeDeployRoleArn],
              conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
            }),
          ],
        }),
      },
    });
    acknowledge(
      pipelineRole,
      'CodePipeline writes artifacts under generated keys, and stack ARNs end in a generated id; the grants stay on this bakery bucket, this stack and stacks named with RecipeStackPrefix.',
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<AWS::StackName>/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<RecipeStackPrefix>*/*]',
    );

    // ----- Pipeline -----
    const sourceActionBase = { Name: 'Source', OutputArtifacts: [{ Name: SOURCE_ARTIFACT }], RunOrder: 1 };
    const codeCommitSource = {
      ...sourceActionBase,
      ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeCommit', Version: '1' },
      Configuration: {
        RepositoryName: param.RepositoryName.valueAsString,
        BranchName: param.BranchName.valueAsString,
        // The EventBridge rule below starts the pipeline; polling would be a second, slower trigger.
        PollForSourceChanges: false,
        OutputArtifactFormat: 'CODE_ZIP',
      },
    };
    const s3Source = {
      ...sourceActionBase,
      ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'S3', Version: '1' },
      Configuration: { S3Bucket: bucket.bucketName, S3ObjectKey: param.SourceObjectKey.valueAsString, PollForSourceChanges: false },
    };
    const deployAction = (name: string, config: Record<string, unknown>): codepipeline.CfnPipeline.ActionDeclarationProperty => ({
      name,
      actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
      inputArtifacts: [{ name: SOURCE_ARTIFACT }],
      runOrder: 1,
      configuration: { ActionMode: 'CREATE_UPDATE', Capabilities: 'CAPABILITY_NAMED_IAM', ...config },
    });
    // Self-update keeps today's parameter values: each override is a Ref to the running stack's own parameter.
    const selfOverrides = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, `\${${name}}`]));
    const recipeParameterValue: Record<RecipeParameter, string> = {
      ArtifactBucketName: '${ArtifactBucket}',
      PermissionsBoundaryArn: '${PermissionsBoundary}',
      OrganizationId: '${OrganizationId}',
      ManagementAccountId: '${ManagementAccountId}',
    };
    // Only the variables a recipe's overrides use: Fn::Sub rejects unused ones in cfn-lint (W1019).
    const recipeVariables = (recipe: DeployableRecipe): Record<string, string> => ({
      ...(recipe.parameters.includes('ArtifactBucketName') ? { ArtifactBucket: bucket.bucketName } : {}),
      ...(recipe.parameters.includes('PermissionsBoundaryArn') ? { PermissionsBoundary: boundary.managedPolicyArn } : {}),
    });
    const recipeAction = (recipe: DeployableRecipe) =>
      deployAction(recipe.name, {
        StackName: sub(`${RP}${recipe.name}`),
        TemplatePath: `${SOURCE_ARTIFACT}::${recipe.templatePath}`,
        RoleArn: recipeDeployRole.roleArn,
        ...(recipe.parameters.length > 0
          ? {
              ParameterOverrides: subJson(
                Object.fromEntries(recipe.parameters.map((p) => [p, recipeParameterValue[p]])),
                recipeVariables(recipe),
              ),
            }
          : {}),
      });

    const pipeline = new codepipeline.CfnPipeline(this, 'Pipeline', {
      name: sub(pipelineName(P)),
      pipelineType: 'V2',
      executionMode: 'SUPERSEDED',
      // After the self-update changed the pipeline, run it again so new Deploy actions run at once.
      restartExecutionOnUpdate: true,
      roleArn: pipelineRole.roleArn,
      artifactStore: { type: 'S3', location: bucket.bucketName, encryptionKey: { id: key.attrArn, type: 'KMS' } },
      stages: [
        { name: 'Source', actions: [Fn.conditionIf(isCodeCommit.logicalId, codeCommitSource, s3Source)] },
        {
          name: 'UpdatePipeline',
          actions: [
            deployAction('SelfUpdate', {
              StackName: Aws.STACK_NAME,
              TemplatePath: `${SOURCE_ARTIFACT}::${SELF_UPDATE_TEMPLATE_PATH}`,
              RoleArn: bakeryStackRoleArn,
              ParameterOverrides: subJson(selfOverrides),
            }),
          ],
        },
        ...deployStages(this.recipes).map((stage) => ({ name: stage.name, actions: stage.recipes.map(recipeAction) })),
      ],
    });

    // ----- Start the pipeline on a push to the branch, or on a new version of the source zip -----
    const rulesArns = [codeCommitRuleName(P), s3SourceRuleName(P)].map((name) => partitionArn('events', `${HERE}:rule/${name}`));
    const eventsRole = new iam.Role(this, 'PipelineEventsRole', {
      roleName: sub(pipelineEventsRoleName(P)),
      description: 'AMI Bakery: lets the source EventBridge rules start the pipeline',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': rulesArns },
      }),
      inlinePolicies: {
        StartPipeline: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ sid: 'StartPipeline', actions: ['codepipeline:StartPipelineExecution'], resources: [pipelineArn] }),
          ],
        }),
      },
    });
    const target = { id: 'Pipeline', arn: pipelineArn, roleArn: eventsRole.roleArn };
    const codeCommitRule = new events.CfnRule(this, 'CodeCommitPushRule', {
      name: sub(codeCommitRuleName(P)),
      description: 'AMI Bakery: start the pipeline on a push to the configured branch',
      state: 'ENABLED',
      eventPattern: {
        source: ['aws.codecommit'],
        'detail-type': ['CodeCommit Repository State Change'],
        resources: [repository.attrArn],
        detail: {
          event: ['referenceCreated', 'referenceUpdated'],
          referenceType: ['branch'],
          referenceName: [param.BranchName.valueAsString],
        },
      },
      targets: [target],
    });
    codeCommitRule.cfnOptions.condition = isCodeCommit;
    const s3Rule = new events.CfnRule(this, 'S3SourceRule', {
      name: sub(s3SourceRuleName(P)),
      description: 'AMI Bakery: start the pipeline when a new bundle zip is uploaded',
      state: 'ENABLED',
      eventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [bucket.bucketName] }, object: { key: [param.SourceObjectKey.valueAsString] } },
      },
      targets: [target],
    });
    s3Rule.cfnOptions.condition = isS3;

    // ----- Outputs: what the bootstrap Lambda and the publisher look up -----
    const output = (id: string, value: string, description: string, condition?: CfnCondition): void => {
      const out = new CfnOutput(this, id, { value, description });
      if (condition) out.condition = condition;
    };
    output('ArtifactBucketName', bucket.bucketName, 'Artifact bucket; with SourceType S3 the bundle zip goes here');
    output('ArtifactKeyArn', key.attrArn, 'KMS key of the artifact bucket');
    output('PipelineName', pipeline.ref, 'The bakery pipeline');
    output('PermissionsBoundaryArn', boundary.managedPolicyArn, 'Permissions boundary of every role a recipe stack creates');
    output('RecipeDeployRoleArn', recipeDeployRole.roleArn, 'CloudFormation service role of the recipe stacks');
    output('RepositoryCloneUrlHttp', repository.attrCloneUrlHttp, 'Recipe repository (SourceType CodeCommit)', isCodeCommit);
  }
}

export { BakeryStack, type BakeryStackProps, PARAMETER_NAMES };
