import { DEPLOYER_PERMISSIONS } from '@ami-bakery/deployer/permissions';
import {
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  aws_cloudformation as cloudformation,
  aws_codecommit as codecommit,
  aws_codepipeline as codepipeline,
  Duration,
  aws_events as events,
  Fn,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { addImageEvents, CATALOG_REASON, CATALOG_WILDCARDS } from './catalog.js';
import { controlTowerFinding } from './control-tower.js';
import { acknowledge } from './nag.js';
import {
  accessLogBucketName,
  artifactBucketName,
  artifactKeyExportName,
  BAKERY_DEFAULTS,
  BUILD_LOG_PREFIX,
  buildBoundaryName,
  CATALOG_SETTINGS_PREFIX,
  codeCommitRuleName,
  controlBucketName,
  DEPLOYMENTS_PREFIX,
  deployerFunctionName,
  deployerRoleName,
  EVIDENCE_PREFIX,
  evidenceBucketName,
  guardHookAlias,
  guardHookRoleName,
  lifecycleBoundaryName,
  pipelineEventsRoleName,
  pipelineName,
  pipelineRoleName,
  REPORTS_PREFIX,
  recipeDeployRoleName,
  SOURCE_ARTIFACT,
  SSM_PARAMETER_PATH,
  s3SourceRuleName,
} from './names.js';
import { permissionStatements } from './permission-statements.js';
import { cloudFormationServiceRole } from './shared.js';

interface BakeryStackProps extends StackProps {
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

/** The parameters of docs/contracts.md, in contract order; the bootstrap Lambda passes each one. */
const PARAMETER_NAMES = [
  'NamePrefix',
  'RepositoryName',
  'BranchName',
  'SourceType',
  'SourceObjectKey',
  'OrganizationId',
  'ManagementAccountId',
  'RecipeStackPrefix',
  'Prune',
  'DeployConcurrency',
  'EvidenceLockMode',
  'EvidenceLockDays',
  'DeployerCodeKey',
  'GuardRulesKey',
  'ImageEventsCodeKey',
  'NotificationEmail',
] as const;

/** Keys of the deployer's RECIPE_PARAMETERS: every recipe template parameter the bakery can fill. */
const RECIPE_PARAMETERS = [
  'ArtifactBucketName',
  'EvidenceBucketName',
  'ArtifactKeyArn',
  'PermissionsBoundaryArn',
  'LifecyclePermissionsBoundaryArn',
  'OrganizationId',
  'ManagementAccountId',
] as const;
type RecipeParameter = (typeof RECIPE_PARAMETERS)[number];

/** Managed policies a recipe role may carry; its boundary still caps what they grant. */
const ATTACHABLE_MANAGED_POLICIES = [
  'AmazonSSMManagedInstanceCore',
  'EC2InstanceProfileForImageBuilder',
  'service-role/EC2ImageBuilderLifecycleExecutionPolicy',
] as const;

/** Native EventBridge delivery: the L2 switch would add a notifications Lambda to the template. */
const EVENTBRIDGE_ON = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

/** Deployer log retention: deployment reports also stay in the artifact bucket. */
const DEPLOYER_LOG_RETENTION_DAYS = 365;
/** Seconds per deployer invocation; longer deployments continue through continuation tokens. */
const DEPLOYER_TIMEOUT_SECONDS = 900;

/**
 * The bakery account's stack, the control plane of the bakery: bucket, evidence bucket and logs,
 * the recipe repository, the permissions boundaries and deploy role of the recipe stacks, the
 * deployer Lambda, a fixed pipeline Source -> Deploy, and the Guard hook on the recipe stacks.
 * The template is the same whatever the recipes are: the branch carries data only, the deployer
 * (code shipped with the management stack's package, uploaded by the bootstrap Lambda) deploys it.
 * Deployed with plain CloudFormation by the bootstrap Lambda, so it needs no CDK bootstrap.
 */
class BakeryStack extends Stack {
  constructor(scope: Construct, id: string, props: BakeryStackProps = {}) {
    super(scope, id, {
      description:
        'AMI Bakery: buckets, recipe repository, the fixed pipeline and deployer of the recipe stacks, their boundaries and Guard hook',
      ...props,
      synthesizer: props.synthesizer ?? new BootstraplessSynthesizer(),
      analyticsReporting: false,
    });
    // Log delivery through a bucket policy with confused-deputy conditions, not the legacy ACL; set
    // here so the template does not depend on the App's cdk.json.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
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
      Prune: new CfnParameter(this, 'Prune', {
        type: 'String',
        default: BAKERY_DEFAULTS.Prune,
        allowedValues: ['true', 'false'],
        description: 'Whether the deployer deletes the stacks of recipes that left the bundle (their AMIs stay)',
      }),
      DeployConcurrency: new CfnParameter(this, 'DeployConcurrency', {
        type: 'String',
        default: BAKERY_DEFAULTS.DeployConcurrency,
        allowedPattern: '^([1-9]|1[0-9]|20)$',
        constraintDescription: 'a whole number from 1 to 20',
        description: 'How many recipe stacks the deployer changes at the same time',
      }),
      EvidenceLockMode: new CfnParameter(this, 'EvidenceLockMode', {
        type: 'String',
        default: BAKERY_DEFAULTS.EvidenceLockMode,
        allowedValues: ['NONE', 'GOVERNANCE', 'COMPLIANCE'],
        description: 'S3 Object Lock default retention mode of the evidence bucket (NONE: no default retention)',
      }),
      EvidenceLockDays: new CfnParameter(this, 'EvidenceLockDays', {
        type: 'Number',
        default: BAKERY_DEFAULTS.EvidenceLockDays,
        minValue: 1,
        maxValue: 36500,
        description: 'Default retention in days of new evidence objects when EvidenceLockMode is not NONE',
      }),
      DeployerCodeKey: new CfnParameter(this, 'DeployerCodeKey', {
        type: 'String',
        allowedPattern: '^deployer/[0-9a-f]{64}\\.zip$',
        constraintDescription: 'deployer/<sha256>.zip, uploaded to the control bucket by the bootstrap Lambda',
        description: 'Key of the deployer code in the control bucket (content hash; set by the bootstrap Lambda)',
      }),
      GuardRulesKey: new CfnParameter(this, 'GuardRulesKey', {
        type: 'String',
        allowedPattern: '^guard-rules/[0-9a-f]{64}\\.zip$',
        constraintDescription: 'guard-rules/<sha256>.zip, uploaded to the control bucket by the bootstrap Lambda',
        description: 'Key of the Guard rules in the control bucket (content hash; set by the bootstrap Lambda)',
      }),
      ImageEventsCodeKey: new CfnParameter(this, 'ImageEventsCodeKey', {
        type: 'String',
        allowedPattern: '^image-events/[0-9a-f]{64}\\.zip$',
        description: 'Key of the image-events code in the control bucket (set by the bootstrap Lambda)',
      }),
      NotificationEmail: new CfnParameter(this, 'NotificationEmail', {
        type: 'String',
        default: '',
        allowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
        description: 'E-mail address for the image catalog events; empty: none',
      }),
    } satisfies Record<(typeof PARAMETER_NAMES)[number], CfnParameter>;

    const isCodeCommit = new CfnCondition(this, 'IsCodeCommit', {
      expression: Fn.conditionEquals(param.SourceType.valueAsString, 'CodeCommit'),
    });
    const isS3 = new CfnCondition(this, 'IsS3', { expression: Fn.conditionEquals(param.SourceType.valueAsString, 'S3') });
    const hasEvidenceLock = new CfnCondition(this, 'HasEvidenceLock', {
      expression: Fn.conditionNot(Fn.conditionEquals(param.EvidenceLockMode.valueAsString, 'NONE')),
    });

    const partitionArn = (service: string, rest: string): string => sub(`${ARN}:${service}:${rest}`);
    const roleArn = (name: string): string => sub(`${ARN}:iam::\${AWS::AccountId}:role/${name}`);
    const pipelineArn = partitionArn('codepipeline', `${HERE}:${pipelineName(P)}`);
    const repositoryArn = partitionArn('codecommit', `${HERE}:\${RepositoryName}`);
    const recipeDeployRoleArn = roleArn(recipeDeployRoleName(P));
    const s3ViaService = sub('s3.${AWS::Region}.${AWS::URLSuffix}');
    const viaS3 = { StringEquals: { 'kms:ViaService': s3ViaService } };
    // First group of the stack id's UUID: fixed for the stack's life, new for a re-created stack.
    const stackIdPart = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
    const withStackIdPart = (name: string): string => Fn.sub(name, { StackIdPart: stackIdPart });

    // ----- The bakery key and control bucket come from the access StackSet (they outlive this stack) -----
    const keyArn = Fn.importValue(sub(artifactKeyExportName(P)));
    const keyRef = kms.Key.fromKeyArn(this, 'BakeryKeyRef', keyArn);
    const controlBucket = sub(controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}'));
    const controlObjectArn = (keyParameter: 'DeployerCodeKey' | 'GuardRulesKey'): string =>
      sub(`${ARN}:s3:::${controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}')}/\${${keyParameter}}`);

    // ----- Buckets -----
    // RETAIN: access logs are audit evidence that outlives the stack; the stack-id suffix keeps a
    // later re-creation from colliding with the bucket left behind.
    const logBucket = new s3.Bucket(this, 'AccessLogBucket', {
      bucketName: withStackIdPart(accessLogBucketName(P, '${AWS::AccountId}', '${StackIdPart}')),
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
    acknowledge(
      logBucket,
      'S3 server access logging delivers only to buckets encrypted with SSE-S3 and never logs the target bucket into itself; the bucket was created without Object Lock, which cannot be switched on for an existing bucket through CloudFormation, and its logs expire after a year.',
      controlTowerFinding('s3_bucket_default_encryption_kms_check'),
      controlTowerFinding('s3_bucket_logging_enabled_check'),
      controlTowerFinding('s3_bucket_object_lock_enabled_check'),
    );

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
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = EVENTBRIDGE_ON;
    acknowledge(
      bucket,
      'The artifact bucket holds pipeline artifacts, the source zip, deployment templates and reports, all rebuilt from the monorepo; the bootstrap Lambda empties it on teardown, and Object Lock cannot be switched on for the existing bucket through CloudFormation.',
      controlTowerFinding('s3_bucket_object_lock_enabled_check'),
    );

    // Compliance evidence (raw reports, summary.json) of every image build. RETAIN: evidence
    // outlives the stack, and so does the key (access StackSet). Object Lock is enabled on every
    // evidence bucket; EvidenceLockMode only sets the default retention, so it changes in place.
    const evidence = new s3.Bucket(this, 'EvidenceBucket', {
      bucketName: withStackIdPart(evidenceBucketName(P, '${AWS::AccountId}', '${StackIdPart}')),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: keyRef,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectLockEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'evidence-bucket/',
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge on every bucket: object events can feed monitoring (a Control Tower control).
    for (const b of [logBucket, evidence]) (b.node.defaultChild as s3.CfnBucket).notificationConfiguration = EVENTBRIDGE_ON;
    (evidence.node.defaultChild as s3.CfnBucket).objectLockConfiguration = Fn.conditionIf(
      hasEvidenceLock.logicalId,
      {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: param.EvidenceLockMode.valueAsString, Days: param.EvidenceLockDays.valueAsNumber } },
      },
      Aws.NO_VALUE,
    );
    acknowledge(
      this,
      'EvidenceLockMode NONE is the value that turns the default retention off: the HasEvidenceLock condition passes the mode to DefaultRetention only when it is GOVERNANCE or COMPLIANCE; the validator substitutes NONE into the guarded branch.',
      'CloudFormation-Validate::W1030',
    );

    // ----- Source repository (SourceType CodeCommit) -----
    const repository = new codecommit.CfnRepository(this, 'Repository', {
      repositoryName: param.RepositoryName.valueAsString,
      repositoryDescription: 'AMI Bakery: published recipe bundles; pushes to the configured branch run the pipeline',
    });
    repository.cfnOptions.condition = isCodeCommit;
    repository.applyRemovalPolicy(repositoryRemoval);

    // ----- Permissions boundaries of the roles recipe stacks create -----
    // RETAIN: recipe stacks outliving this stack keep their roles' boundary, and deleting a policy
    // still used as a boundary would fail the stack deletion. Stack-id suffix: see the log bucket.
    const boundaryPolicy = (cid: string, name: string, description: string, statements: iam.PolicyStatement[]): iam.ManagedPolicy => {
      const policy = new iam.ManagedPolicy(this, cid, { managedPolicyName: withStackIdPart(name), description, statements });
      (policy.node.defaultChild as iam.CfnManagedPolicy).applyRemovalPolicy(RemovalPolicy.RETAIN);
      return policy;
    };
    const buildBoundary = boundaryPolicy(
      'BuildInstanceBoundary',
      buildBoundaryName(P, '${StackIdPart}'),
      'AMI Bakery: the most a build-instance role of a recipe stack may do (SSM agent, components, logs, log and evidence uploads)',
      [
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
        new iam.PolicyStatement({ sid: 'AwsToeDownloads', actions: ['s3:GetObject'], resources: [sub(`${ARN}:s3:::ec2imagebuilder*`)] }),
        new iam.PolicyStatement({
          sid: 'ImageBuilderLogGroups',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [partitionArn('logs', `${HERE}:log-group:/aws/imagebuilder/*`)],
        }),
        new iam.PolicyStatement({
          // Evidence documents on the test instance read its Ec2ImageBuilderArn tag (the image
          // build version names the evidence folder); no resource-level permissions exist.
          sid: 'ReadInstanceTags',
          actions: ['ec2:DescribeTags'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'LogAndEvidenceUpload',
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${BUILD_LOG_PREFIX}*`), evidence.arnForObjects(`${EVIDENCE_PREFIX}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'UploadEncryptionThroughS3',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [keyArn],
          conditions: viaS3,
        }),
      ],
    );
    acknowledge(
      buildBoundary,
      'A permissions boundary is a ceiling, not a grant: the SSM agent actions and ec2:DescribeTags (test instances read their image build version tag) support no resource-level permissions; the recipe roles attach AmazonSSMManagedInstanceCore and their own inline policies, which narrow it.',
      'AwsSolutions-IAM5[Resource::*]',
    );
    acknowledge(
      buildBoundary,
      'Image Builder component and log-group ARNs end in generated names and versions, AWSTOE downloads come from the ec2imagebuilder buckets, and build logs and evidence are written under per-recipe prefixes named at build time; the ceiling stays on these prefixes of the two bakery buckets.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:component/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:aws:component/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/imagebuilder/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::ec2imagebuilder*]',
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${BUILD_LOG_PREFIX}*]`,
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(evidence.node.defaultChild as s3.CfnBucket)}.Arn>/${EVIDENCE_PREFIX}*]`,
    );

    // Lifecycle roles are assumed by Image Builder. Every grant is void for credentials used on an
    // EC2 instance (ec2:SourceInstanceARN present), so a build-instance role given this boundary
    // instead of its own can do nothing at all: AMI deregistration never reaches a build instance.
    const notOnAnInstance = { Null: { 'ec2:SourceInstanceARN': 'true' } };
    const lifecycleBoundary = boundaryPolicy(
      'LifecycleBoundary',
      lifecycleBoundaryName(P, '${StackIdPart}'),
      'AMI Bakery: the most an Image Builder lifecycle role of a recipe stack may do (deprecate, disable, deregister images, delete snapshots)',
      [
        new iam.PolicyStatement({
          sid: 'LifecycleImages',
          actions: [
            'ec2:CreateTags',
            'ec2:DeleteSnapshot',
            'ec2:DeregisterImage',
            'ec2:DisableImage',
            'ec2:DisableImageDeprecation',
            'ec2:EnableImage',
            'ec2:EnableImageDeprecation',
          ],
          // Any region: distributed copies are cleaned up where they were copied to.
          resources: [sub(`${ARN}:ec2:*::image/*`), sub(`${ARN}:ec2:*::snapshot/*`)],
          conditions: notOnAnInstance,
        }),
        new iam.PolicyStatement({
          sid: 'LifecycleDescribe',
          actions: [
            'ec2:DescribeImageAttribute',
            'ec2:DescribeImages',
            'ec2:DescribeInstances',
            'ec2:DescribeLaunchTemplateVersions',
            'ec2:DescribeSnapshots',
            'tag:GetResources',
          ],
          resources: ['*'],
          conditions: notOnAnInstance,
        }),
        new iam.PolicyStatement({
          sid: 'LifecycleImageBuilderImages',
          actions: ['imagebuilder:DeleteImage', 'imagebuilder:GetImage'],
          resources: [partitionArn('imagebuilder', `${HERE}:image/*`)],
          conditions: notOnAnInstance,
        }),
      ],
    );
    acknowledge(
      lifecycleBoundary,
      'A permissions boundary is a ceiling, not a grant: the EC2 Describe and tag:GetResources actions support no resource-level permissions, so the ceiling allows them on every resource, and only outside EC2 instances; EC2ImageBuilderLifecycleExecutionPolicy narrows them.',
      'AwsSolutions-IAM5[Resource::*]',
    );
    acknowledge(
      lifecycleBoundary,
      'AMI, snapshot and Image Builder image ARNs end in generated ids and versions; lifecycle policies act on the images of their recipe in every region they were distributed to, and never from an EC2 instance.',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:image/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*::image/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*::snapshot/*]',
    );

    // ----- Recipe deploy role: the CloudFormation service role of every recipe stack -----
    // Recipe roles and instance profiles live under the IAM path /<recipe stack name>/; every
    // control-plane role sits at path /, so no control-plane role ever matches these ARNs.
    const recipeRolesArn = roleArn(`${RP}*/*`);
    const boundaryArns = [buildBoundary.managedPolicyArn, lifecycleBoundary.managedPolicyArn];
    const withABoundary = { StringEquals: { 'iam:PermissionsBoundary': boundaryArns } };
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
        // The image pipeline handler reads the account's Inspector status when image scanning is on
        // (AWS::ImageBuilder::ImagePipeline create/update permissions); both support no resource ARN.
        new iam.PolicyStatement({
          sid: 'LookupsWithoutResourceArns',
          actions: ['ec2:DescribeImages', 'inspector2:BatchGetAccountStatus'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'PublicParameterLookup',
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [partitionArn('ssm', '${AWS::Region}::parameter/aws/service/*')],
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRolesOnlyWithABoundary',
          actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
          resources: [recipeRolesArn],
          conditions: withABoundary,
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRolesAttachImageBuilderPolicies',
          actions: ['iam:AttachRolePolicy'],
          resources: [recipeRolesArn],
          conditions: {
            ...withABoundary,
            ArnEquals: { 'iam:PolicyARN': ATTACHABLE_MANAGED_POLICIES.map((name) => sub(`${ARN}:iam::aws:policy/${name}`)) },
          },
        }),
        new iam.PolicyStatement({
          sid: 'RecipeRolesManage',
          actions: [
            'iam:DeleteRole',
            'iam:DeleteRolePolicy',
            'iam:DetachRolePolicy',
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
          resources: [sub(`${ARN}:iam::\${AWS::AccountId}:instance-profile/${RP}*/*`)],
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
          // Six Image Builder create handlers read the service-linked role before creating it;
          // GetRole carries no iam:AWSServiceName key, so it gets its own statement.
          sid: 'ImageBuilderServiceLinkedRoleRead',
          actions: ['iam:GetRole'],
          resources: [sub(`${ARN}:iam::\${AWS::AccountId}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`)],
        }),
        new iam.PolicyStatement({
          // The distribution configuration handler reads the parameters the distribution will write.
          // Read only: a recipe stack holds no SSM parameter (RB6008), and channel parameters under
          // the same path are the deployer's (docs/contracts.md, "Image catalog").
          sid: 'RecipeSsmParameters',
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
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
      'Recipe stacks name their Image Builder resources after the RecipeStackPrefix parameter and put their roles and instance profiles under the IAM path /<recipe stack>/; names, versions and build numbers follow, so each grant ends in a wildcard after the prefix. Role creation additionally requires one of the two permissions boundaries.',
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
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/<RecipeStackPrefix>*/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/<RecipeStackPrefix>*/*]',
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
      'ec2:DescribeImages and inspector2:BatchGetAccountStatus support no resource-level permissions; parent images are resolved from SSM public parameters under /aws/service/ and latest-AMI parameters live under /ami-bakery/. The Deny on DeleteRolePermissionsBoundary covers every role on purpose.',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>::parameter/aws/service/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/${SSM_PARAMETER_PATH}/*]`,
    );

    // ----- Deployer: the Lambda function the pipeline's Deploy action runs -----
    const functionName = sub(deployerFunctionName(P));
    const functionArn = partitionArn('lambda', `${HERE}:function:${deployerFunctionName(P)}`);
    const deployerLogGroup = new logs.CfnLogGroup(this, 'DeployerLogGroup', {
      logGroupName: sub(`/aws/lambda/${deployerFunctionName(P)}`),
      retentionInDays: DEPLOYER_LOG_RETENTION_DAYS,
    });
    acknowledge(
      deployerLogGroup,
      'The deployer logs stack names, change-set summaries and failure reasons, no secrets; CloudWatch Logs encrypts them at rest with its own key, and the bakery key admits data use through S3 only.',
      controlTowerFinding('cloudwatch_log_group_encrypted_check'),
    );
    const deployerRole = new iam.Role(this, 'DeployerRole', {
      roleName: sub(deployerRoleName(P)),
      description: 'AMI Bakery: the deployer Lambda; deploys recipe stacks only through change sets with the recipe deploy role',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
      inlinePolicies: {
        // Exactly the deployer's own list (docs/contracts.md, "Permissions"), its placeholders
        // filled here; the access proofs evaluate the same statements.
        Deployer: new iam.PolicyDocument({
          statements: [
            ...permissionStatements(
              DEPLOYER_PERMISSIONS,
              {
                ArtifactBucket: artifactBucketName(P, '${AWS::AccountId}', '${AWS::Region}'),
                RecipeDeployRoleArn: `${ARN}:iam::\${AWS::AccountId}:role/${recipeDeployRoleName(P)}`,
                ControlBucket: controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}'),
              },
              { ArtifactKeyArn: keyArn },
            ),
            new iam.PolicyStatement({
              sid: 'OwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              // The log group's Arn attribute already ends in ":*", which covers its streams; a
              // further ":log-stream:*" would match no stream at all.
              resources: [deployerLogGroup.attrArn],
            }),
          ],
        }),
      },
    });
    acknowledge(
      deployerRole,
      'DescribeStacks without a stack name (listing the recipe stacks) and the CodePipeline job results support no resource-level permissions. Recipe stack ids, template and report keys, image pipeline names are generated or named per recipe and execution; the grants stay on stacks and pipelines named with RecipeStackPrefix (change sets and deletions only with the recipe deploy role) and the deployments/ and reports/ prefixes.',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<RecipeStackPrefix>*/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${artifactBucketName('<NamePrefix>', '<AWS::AccountId>', '<AWS::Region>')}/${DEPLOYMENTS_PREFIX}*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${artifactBucketName('<NamePrefix>', '<AWS::AccountId>', '<AWS::Region>')}/${REPORTS_PREFIX}*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:image-pipeline/<RecipeStackPrefix>*]',
    );
    acknowledge(
      deployerRole,
      `${CATALOG_REASON} Catalog settings for the image-events function go under catalog/ of the artifact bucket.`,
      ...CATALOG_WILDCARDS,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:parameter/ami-bakery/*/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${artifactBucketName('<NamePrefix>', '<AWS::AccountId>', '<AWS::Region>')}/${CATALOG_SETTINGS_PREFIX}*]`,
    );

    const recipeParameterValues: Record<RecipeParameter, string> = {
      ArtifactBucketName: '${ArtifactBucket}',
      EvidenceBucketName: '${EvidenceBucket}',
      ArtifactKeyArn: '${KeyArn}',
      PermissionsBoundaryArn: '${BuildBoundary}',
      LifecyclePermissionsBoundaryArn: '${LifecycleBoundary}',
      OrganizationId: '${OrganizationId}',
      ManagementAccountId: '${ManagementAccountId}',
    };
    // Values are ${...} placeholders whose patterns exclude `"` and `\`: the result stays valid JSON.
    const recipeParameters = Fn.sub(JSON.stringify(recipeParameterValues), {
      ArtifactBucket: bucket.bucketName,
      EvidenceBucket: evidence.bucketName,
      KeyArn: keyArn,
      BuildBoundary: buildBoundary.managedPolicyArn,
      LifecycleBoundary: lifecycleBoundary.managedPolicyArn,
    });
    const deployer = new lambda.CfnFunction(this, 'DeployerFunction', {
      functionName,
      description: 'AMI Bakery: deploys the recipe stacks of a published bundle (the pipeline Deploy action)',
      runtime: lambda.Runtime.NODEJS_24_X.name,
      architectures: ['arm64'],
      handler: 'index.handler',
      code: { s3Bucket: controlBucket, s3Key: param.DeployerCodeKey.valueAsString },
      // A zip of 1,000 recipes unpacked and verified, plus the WebAssembly Guard evaluator (docs/contracts.md).
      memorySize: 2048,
      timeout: DEPLOYER_TIMEOUT_SECONDS,
      // One at a time: a continuation of one pipeline job never overlaps another deployment.
      reservedConcurrentExecutions: 1,
      role: deployerRole.roleArn,
      loggingConfig: { logFormat: 'JSON', logGroup: deployerLogGroup.ref },
      environment: {
        variables: {
          ARTIFACT_BUCKET: bucket.bucketName,
          RECIPE_STACK_PREFIX: param.RecipeStackPrefix.valueAsString,
          RECIPE_DEPLOY_ROLE_ARN: recipeDeployRoleArn,
          RECIPE_PARAMETERS: recipeParameters,
          PRUNE: param.Prune.valueAsString,
          MAX_CONCURRENCY: param.DeployConcurrency.valueAsString,
          NAME_PREFIX: param.NamePrefix.valueAsString,
          GUARD_RULES_S3_URI: sub(`s3://${controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}')}/\${GuardRulesKey}`),
        },
      },
    });
    acknowledge(
      deployer,
      'The deployer talks only to AWS APIs (CloudFormation, S3, Image Builder, CodePipeline) and to no network resource; a VPC would add interface endpoints or a NAT gateway for nothing it could protect.',
      controlTowerFinding('lambda_inside_vpc_check'),
    );

    // ----- Image catalog: Image Builder's state changes, the candidate channel, the events -----
    addImageEvents(this, {
      namePrefix: param.NamePrefix,
      recipeStackPrefix: param.RecipeStackPrefix,
      organizationId: param.OrganizationId,
      managementAccountId: param.ManagementAccountId,
      codeKey: param.ImageEventsCodeKey,
      notificationEmail: param.NotificationEmail,
      controlBucket,
      grantText: { ArtifactBucket: artifactBucketName(P, '${AWS::AccountId}', '${AWS::Region}') },
      grantTokens: { ArtifactKeyArn: keyArn, EvidenceBucket: evidence.bucketName },
      artifactBucketName: bucket.bucketName,
      evidenceBucketName: evidence.bucketName,
      evidenceBucketLogicalId: this.getLogicalId(evidence.node.defaultChild as s3.CfnBucket),
    });

    // ----- Pipeline role -----
    const pipelineRole = new iam.Role(this, 'PipelineRole', {
      roleName: sub(pipelineRoleName(P)),
      description: 'AMI Bakery: CodePipeline service role (source, the deployer invocation)',
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
              sid: 'KeyThroughS3',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
              resources: [keyArn],
              conditions: viaS3,
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
            new iam.PolicyStatement({ sid: 'InvokeDeployer', actions: ['lambda:InvokeFunction'], resources: [functionArn] }),
          ],
        }),
      },
    });
    acknowledge(
      pipelineRole,
      'CodePipeline writes artifacts and reads the S3 source object under generated keys; the grant stays on this bakery artifact bucket.',
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
    );

    // ----- Pipeline: Source -> Deploy, fixed whatever the recipes are -----
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
    const pipeline = new codepipeline.CfnPipeline(this, 'Pipeline', {
      name: sub(pipelineName(P)),
      pipelineType: 'V2',
      // One execution per stage at a time, and a newer bundle overtakes a waiting older one: two
      // deployments never run at once, and the deployer always ends on the latest bundle.
      executionMode: 'SUPERSEDED',
      roleArn: pipelineRole.roleArn,
      artifactStore: { type: 'S3', location: bucket.bucketName, encryptionKey: { id: keyArn, type: 'KMS' } },
      stages: [
        { name: 'Source', actions: [Fn.conditionIf(isCodeCommit.logicalId, codeCommitSource, s3Source)] },
        {
          name: 'Deploy',
          actions: [
            {
              name: 'Deploy',
              actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
              inputArtifacts: [{ name: SOURCE_ARTIFACT }],
              configuration: { FunctionName: deployer.ref },
              runOrder: 1,
            },
          ],
        },
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

    // ----- Guard hook: the invariants on every recipe stack, whoever deploys it -----
    const hookRole = new iam.Role(this, 'GuardHookRole', {
      roleName: sub(guardHookRoleName(P)),
      description: 'AMI Bakery: the CloudFormation Guard hook of the recipe stacks; reads its rules object only',
      assumedBy: new iam.ServicePrincipal('hooks.cloudformation.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
      inlinePolicies: {
        ReadRules: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'RulesObject',
              actions: ['s3:GetObject', 's3:GetObjectVersion'],
              resources: [controlObjectArn('GuardRulesKey')],
            }),
            new iam.PolicyStatement({ sid: 'KeyThroughS3', actions: ['kms:Decrypt'], resources: [keyArn], conditions: viaS3 }),
          ],
        }),
      },
    });
    new cloudformation.CfnGuardHook(this, 'RecipeGuardHook', {
      alias: withStackIdPart(guardHookAlias('${StackIdPart}')),
      executionRole: hookRole.roleArn,
      failureMode: 'FAIL',
      hookStatus: 'ENABLED',
      ruleLocation: { uri: sub(`s3://${controlBucketName(P, '${AWS::AccountId}', '${AWS::Region}')}/\${GuardRulesKey}`) },
      // Any stack named like a recipe stack, or deployed with the recipe deploy role.
      stackFilters: {
        filteringCriteria: 'ANY',
        stackNames: { include: [sub(`${RP}*`)] },
        stackRoles: { include: [recipeDeployRoleArn] },
      },
      targetOperations: ['STACK'],
    });

    // ----- Outputs: what the bootstrap Lambda, the publisher and the evidence tools look up -----
    const output = (cid: string, value: string, description: string, condition?: CfnCondition): void => {
      const out = new CfnOutput(this, cid, { value, description });
      if (condition) out.condition = condition;
    };
    output('ArtifactBucketName', bucket.bucketName, 'Artifact bucket; with SourceType S3 the bundle zip goes here');
    // Re-published here so readers need only this stack's outputs (the publisher, the evidence tools);
    // cfn-lint's W6001 (an output that re-exports an import) is that intent.
    this.templateOptions.metadata = { 'cfn-lint': { config: { ignore_checks: ['W6001'] } } };
    output('ArtifactKeyArn', keyArn, 'KMS key of the bakery buckets (from the access StackSet)');
    output('EvidenceBucketName', evidence.bucketName, 'Compliance evidence of the image builds (retained)');
    output('PipelineName', pipeline.ref, 'The bakery pipeline');
    output('DeployerFunctionName', deployer.ref, 'The deployer Lambda (the pipeline Deploy action)');
    output('PermissionsBoundaryArn', buildBoundary.managedPolicyArn, 'Permissions boundary of build-instance roles of recipe stacks');
    output(
      'LifecyclePermissionsBoundaryArn',
      lifecycleBoundary.managedPolicyArn,
      'Permissions boundary of lifecycle roles of recipe stacks',
    );
    output('RecipeDeployRoleArn', recipeDeployRole.roleArn, 'CloudFormation service role of the recipe stacks');
    output('RepositoryCloneUrlHttp', repository.attrCloneUrlHttp, 'Recipe repository (SourceType CodeCommit)', isCodeCommit);
  }
}

export { BakeryStack, type BakeryStackProps, PARAMETER_NAMES, RECIPE_PARAMETERS, type RecipeParameter };
