import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthBakeryTemplate } from '../src/index.js';
import { getAtt, inlinePolicy, type Json, manifestOf, recipe, ref, resource, statementsOf, sub } from './support.js';

// One synthesis for the whole file; the built-in validator runs in tests/nag.test.ts.
process.env.CDK_VALIDATION = 'false';

const ARN = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';

let template: Template;
let json: Json;
let ids: Record<'bucket' | 'logBucket' | 'boundary' | 'recipeRole' | 'pipelineRole' | 'eventsRole', string>;

beforeAll(() => {
  // Prepare
  const manifest = manifestOf(
    recipe('amazon-linux-2023-stig-high'),
    recipe('ubuntu-pro-2204-cis-l1', ['ArtifactBucketName', 'ManagementAccountId', 'OrganizationId', 'PermissionsBoundaryArn']),
    recipe('windows-2022-stig', []),
  );
  // Act
  json = synthBakeryTemplate(manifest) as Json;
  template = Template.fromJSON(json);
  ids = {
    bucket: resource(template, 'AWS::S3::Bucket', 'ArtifactBucket').id,
    logBucket: resource(template, 'AWS::S3::Bucket', 'AccessLogBucket').id,
    boundary: resource(template, 'AWS::IAM::ManagedPolicy', 'RecipePermissionsBoundary').id,
    recipeRole: resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').id,
    pipelineRole: resource(template, 'AWS::IAM::Role', 'PipelineRole').id,
    eventsRole: resource(template, 'AWS::IAM::Role', 'PipelineEventsRole').id,
  };
});

describe('BakeryStack parameters and conditions', () => {
  it('declares exactly the contract parameters, with defaults and patterns', () => {
    const params = json.Parameters as Record<string, Json>;
    expect(Object.keys(params)).toEqual([
      'NamePrefix',
      'RepositoryName',
      'BranchName',
      'SourceType',
      'SourceObjectKey',
      'OrganizationId',
      'ManagementAccountId',
      'RecipeStackPrefix',
    ]);
    expect(params.NamePrefix).toMatchObject({ Type: 'String', Default: 'ami-bakery', AllowedPattern: '^[a-z][a-z0-9-]{0,22}[a-z0-9]$' });
    expect(params.RepositoryName).toMatchObject({ Default: 'ami-bakery-recipes', AllowedPattern: '^[\\w.-]{1,100}$' });
    expect(params.BranchName).toMatchObject({ Default: 'main', AllowedPattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$' });
    expect(params.SourceType).toMatchObject({ Default: 'CodeCommit', AllowedValues: ['CodeCommit', 'S3'] });
    expect(params.SourceObjectKey).toMatchObject({ Default: 'source/bundle.zip' });
    expect(params.OrganizationId).toMatchObject({ Type: 'String', AllowedPattern: '^o-[a-z0-9]{10,32}$' });
    expect(params.OrganizationId).not.toHaveProperty('Default');
    expect(params.ManagementAccountId).toMatchObject({ AllowedPattern: '^\\d{12}$' });
    expect(params.ManagementAccountId).not.toHaveProperty('Default');
    expect(params.RecipeStackPrefix).toMatchObject({ Default: 'ami-bakery-recipe-', AllowedPattern: '^[a-z][a-z0-9-]{0,63}$' });
  });

  it('needs no CDK bootstrap: no BootstrapVersion parameter, no rules, no assets', () => {
    expect(json).not.toHaveProperty('Rules');
    expect(JSON.stringify(json)).not.toContain('cdk-hnb659fds');
    expect(JSON.stringify(json)).not.toContain('BootstrapVersion');
  });

  it('chooses the source by SourceType conditions', () => {
    expect(json.Conditions).toEqual({
      IsCodeCommit: { 'Fn::Equals': [ref('SourceType'), 'CodeCommit'] },
      IsS3: { 'Fn::Equals': [ref('SourceType'), 'S3'] },
    });
  });
});

describe('BakeryStack KMS key', () => {
  it('rotates, waits 30 days before deletion and is tagged for the deploy role', () => {
    const key = resource(template, 'AWS::KMS::Key', 'ArtifactKey');
    expect(key.props).toMatchObject({
      EnableKeyRotation: true,
      PendingWindowInDays: 30,
      Tags: [{ Key: 'ami-bakery:name-prefix', Value: ref('NamePrefix') }],
    });
    expect(key.raw.DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: sub('alias/${NamePrefix}-artifacts'), TargetKeyId: ref('ArtifactKey') });
  });

  it('has a key policy with administration for the account and data use through S3 only', () => {
    const root = { AWS: { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::', ref('AWS::AccountId'), ':root']] } };
    expect(statementsOf(resource(template, 'AWS::KMS::Key', 'ArtifactKey').props.KeyPolicy)).toEqual([
      {
        Sid: 'KeyAdministration',
        Effect: 'Allow',
        Principal: root,
        Action: [
          'kms:CancelKeyDeletion',
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
        Resource: ['*'],
      },
      {
        Sid: 'UseThroughS3InThisAccount',
        Effect: 'Allow',
        Principal: root,
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: ['*'],
        Condition: {
          StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}'), 'kms:CallerAccount': ref('AWS::AccountId') },
        },
      },
    ]);
  });
});

describe('BakeryStack buckets', () => {
  it('artifact bucket: named, KMS, versioned, private, logged, EventBridge on, old versions expire', () => {
    const bucket = resource(template, 'AWS::S3::Bucket', 'ArtifactBucket');
    expect(bucket.props).toEqual({
      BucketName: sub('${NamePrefix}-artifacts-${AWS::AccountId}-${AWS::Region}'),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: getAtt('ArtifactKey'), SSEAlgorithm: 'aws:kms' } },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: ref(ids.logBucket), LogFilePrefix: 'artifact-bucket/' },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-old-versions',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    // The bootstrap empties it before deleting the stack.
    expect(bucket.raw.DeletionPolicy).toBe('Delete');
  });

  it('access log bucket: SSE-S3 (log delivery needs it), versioned, private, retained, name tied to the stack id', () => {
    const logs = resource(template, 'AWS::S3::Bucket', 'AccessLogBucket');
    expect(logs.props).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(logs.props.BucketName).toEqual({
      'Fn::Sub': [
        '${NamePrefix}-logs-${AWS::AccountId}-${StackIdPart}',
        { StackIdPart: { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', ref('AWS::StackId')] }] }] }] } },
      ],
    });
    expect(logs.props).not.toHaveProperty('AccessControl');
    expect(logs.raw.DeletionPolicy).toBe('Retain');
  });

  it.each([
    ['artifact bucket', 'ArtifactBucketPolicy', 'ArtifactBucket'],
    ['access log bucket', 'AccessLogBucketPolicy', 'AccessLogBucket'],
  ])('%s policy denies non-TLS and TLS < 1.2 for every principal', (_name, policyPrefix, bucketPrefix) => {
    const bucketId = resource(template, 'AWS::S3::Bucket', bucketPrefix).id;
    const statements = statementsOf(resource(template, 'AWS::S3::BucketPolicy', policyPrefix).props.PolicyDocument);
    const both = [getAtt(bucketId), { 'Fn::Join': ['', [getAtt(bucketId), '/*']] }];
    expect(statements.slice(0, 2)).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:*'],
        Resource: both,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:*'],
        Resource: both,
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      },
    ]);
  });

  it('lets only S3 log delivery for the artifact bucket of this account write access logs', () => {
    const statements = statementsOf(resource(template, 'AWS::S3::BucketPolicy', 'AccessLogBucketPolicy').props.PolicyDocument);
    expect(statements).toHaveLength(3);
    expect(statements[2]).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [{ 'Fn::Join': ['', [getAtt(ids.logBucket), '/artifact-bucket/*']] }],
      Condition: { ArnLike: { 'aws:SourceArn': getAtt(ids.bucket) }, StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
    });
  });
});

describe('BakeryStack repository', () => {
  it('exists only for SourceType CodeCommit and is retained by default', () => {
    const repo = resource(template, 'AWS::CodeCommit::Repository', 'Repository');
    expect(repo.raw.Condition).toBe('IsCodeCommit');
    expect(repo.raw.DeletionPolicy).toBe('Retain');
    expect(repo.raw.UpdateReplacePolicy).toBe('Retain');
    expect(repo.props.RepositoryName).toEqual(ref('RepositoryName'));
  });
});

describe('BakeryStack permissions boundary', () => {
  it('is retained, named after the stack id, and caps recipe roles at build, log and lifecycle needs', () => {
    const boundary = resource(template, 'AWS::IAM::ManagedPolicy', 'RecipePermissionsBoundary');
    expect(boundary.raw.DeletionPolicy).toBe('Retain');
    expect((boundary.props.ManagedPolicyName as Json)['Fn::Sub']).toEqual([
      '${NamePrefix}-recipe-boundary-${StackIdPart}',
      { StackIdPart: { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', ref('AWS::StackId')] }] }] }] } },
    ]);
    expect(statementsOf(boundary.props.PolicyDocument)).toEqual([
      {
        Sid: 'SsmAgentCore',
        Effect: 'Allow',
        Action: [
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
        Resource: ['*'],
      },
      {
        Sid: 'ImageBuilderComponents',
        Effect: 'Allow',
        Action: ['imagebuilder:GetComponent'],
        Resource: [sub(`${ARN}:imagebuilder:${HERE}:component/*`), sub(`${ARN}:imagebuilder:\${AWS::Region}:aws:component/*`)],
      },
      {
        Sid: 'ImageBuilderEncryptedComponents',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: ['*'],
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'aws:imagebuilder:arn' },
          StringEquals: { 'kms:ViaService': sub('imagebuilder.${AWS::Region}.${AWS::URLSuffix}') },
        },
      },
      { Sid: 'AwsToeDownloads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [sub(`${ARN}:s3:::ec2imagebuilder*`)] },
      {
        Sid: 'ImageBuilderLogGroups',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [sub(`${ARN}:logs:${HERE}:log-group:/aws/imagebuilder/*`)],
      },
      {
        Sid: 'BuildLogUpload',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [{ 'Fn::Join': ['', [getAtt(ids.bucket), '/image-builder-logs/*']] }],
      },
      { Sid: 'BuildLogEncryption', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [getAtt('ArtifactKey')] },
      {
        Sid: 'LifecycleImages',
        Effect: 'Allow',
        Action: [
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
        Resource: [sub(`${ARN}:ec2:*::image/*`), sub(`${ARN}:ec2:*::snapshot/*`), sub(`${ARN}:ec2:*:\${AWS::AccountId}:volume/*`)],
      },
      {
        Sid: 'LifecycleDescribe',
        Effect: 'Allow',
        Action: ['ec2:DescribeImageAttribute', 'ec2:DescribeImages', 'ec2:DescribeSnapshots', 'ec2:DescribeVolumes', 'tag:GetResources'],
        Resource: ['*'],
      },
      {
        Sid: 'LifecycleImageBuilderImages',
        Effect: 'Allow',
        Action: ['imagebuilder:DeleteImage'],
        Resource: [sub(`${ARN}:imagebuilder:${HERE}:image/*`)],
      },
    ]);
  });

  it('allows no IAM action at all', () => {
    const boundary = resource(template, 'AWS::IAM::ManagedPolicy', 'RecipePermissionsBoundary');
    const actions = statementsOf(boundary.props.PolicyDocument).flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => a.startsWith('iam:') || a.startsWith('sts:'))).toEqual([]);
  });
});

describe('BakeryStack recipe deploy role', () => {
  const RP = '${RecipeStackPrefix}';
  const ib = (r: string) => sub(`${ARN}:imagebuilder:${HERE}:${r}`);

  it('trusts CloudFormation of this account only', () => {
    const role = resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props;
    expect(role.RoleName).toEqual(sub('${NamePrefix}-recipe-deploy'));
    expect(statementsOf(role.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudformation.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      },
    ]);
  });

  it('grants exactly these statements', () => {
    const role = resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props;
    const boundary = ref(ids.boundary);
    const expected = [
      {
        Sid: 'ImageBuilderRecipeResources',
        Effect: 'Allow',
        Action: [
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
        Resource: [
          ib(`component/${RP}*`),
          ib(`distribution-configuration/${RP}*`),
          ib(`image-pipeline/${RP}*`),
          ib(`image-recipe/${RP}*`),
          ib(`infrastructure-configuration/${RP}*`),
          ib(`lifecycle-policy/${RP}*`),
          ib(`workflow/*/${RP}*`),
        ],
      },
      {
        Sid: 'ImageBuilderAwsManagedResources',
        Effect: 'Allow',
        Action: ['imagebuilder:GetComponent', 'imagebuilder:GetImage', 'imagebuilder:GetWorkflow'],
        Resource: [
          sub(`${ARN}:imagebuilder:\${AWS::Region}:aws:component/*`),
          sub(`${ARN}:imagebuilder:\${AWS::Region}:aws:image/*`),
          sub(`${ARN}:imagebuilder:\${AWS::Region}:aws:workflow/*`),
        ],
      },
      { Sid: 'ParentImageLookup', Effect: 'Allow', Action: ['ec2:DescribeImages'], Resource: ['*'] },
      {
        Sid: 'PublicParameterLookup',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: [sub(`${ARN}:ssm:\${AWS::Region}::parameter/aws/service/*`)],
      },
      {
        Sid: 'RecipeRolesOnlyWithBoundary',
        Effect: 'Allow',
        Action: ['iam:CreateRole', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/${RP}*`)],
        Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
      },
      {
        Sid: 'RecipeRolesAttachImageBuilderPolicies',
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/${RP}*`)],
        Condition: {
          StringEquals: { 'iam:PermissionsBoundary': boundary },
          ArnEquals: {
            'iam:PolicyARN': [
              sub(`${ARN}:iam::aws:policy/AmazonSSMManagedInstanceCore`),
              sub(`${ARN}:iam::aws:policy/EC2InstanceProfileForImageBuilder`),
              sub(`${ARN}:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy`),
            ],
          },
        },
      },
      {
        Sid: 'RecipeRolesManage',
        Effect: 'Allow',
        Action: [
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
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/${RP}*`)],
      },
      {
        Sid: 'RecipeInstanceProfiles',
        Effect: 'Allow',
        Action: [
          'iam:AddRoleToInstanceProfile',
          'iam:CreateInstanceProfile',
          'iam:DeleteInstanceProfile',
          'iam:GetInstanceProfile',
          'iam:RemoveRoleFromInstanceProfile',
          'iam:TagInstanceProfile',
          'iam:UntagInstanceProfile',
        ],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:instance-profile/${RP}*`)],
      },
      {
        Sid: 'PassRecipeRolesToImageBuilder',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/${RP}*`)],
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'imagebuilder.amazonaws.com'] } },
      },
      {
        Sid: 'ImageBuilderServiceLinkedRole',
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole'],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`)],
        Condition: { StringEquals: { 'iam:AWSServiceName': 'imagebuilder.amazonaws.com' } },
      },
      {
        Sid: 'RecipeSsmParameters',
        Effect: 'Allow',
        Action: [
          'ssm:AddTagsToResource',
          'ssm:DeleteParameter',
          'ssm:GetParameter',
          'ssm:GetParameters',
          'ssm:ListTagsForResource',
          'ssm:PutParameter',
          'ssm:RemoveTagsFromResource',
        ],
        Resource: [sub(`${ARN}:ssm:${HERE}:parameter/ami-bakery/*`)],
      },
      {
        Sid: 'KeepBoundaries',
        Effect: 'Deny',
        Action: ['iam:DeleteRolePermissionsBoundary'],
        Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/*`)],
      },
    ];
    expect(inlinePolicy(role, 'RecipeStackResources')).toEqual(expected);
  });

  it('never allows iam:CreateRole without the boundary condition', () => {
    const role = resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props;
    const creating = inlinePolicy(role, 'RecipeStackResources').filter((s) =>
      (s.Action as string[]).some((a) =>
        ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(a),
      ),
    );
    expect(creating.map((s) => s.Sid)).toEqual(['RecipeRolesOnlyWithBoundary', 'RecipeRolesAttachImageBuilderPolicies']);
    for (const statement of creating)
      expect(statement.Condition).toMatchObject({ StringEquals: { 'iam:PermissionsBoundary': ref(ids.boundary) } });
  });
});

describe('BakeryStack pipeline role', () => {
  it('trusts CodePipeline for this pipeline only', () => {
    const role = resource(template, 'AWS::IAM::Role', 'PipelineRole').props;
    expect(role.RoleName).toEqual(sub('${NamePrefix}-pipeline'));
    expect(statementsOf(role.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'codepipeline.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': ref('AWS::AccountId'),
            'aws:SourceArn': sub(`${ARN}:codepipeline:${HERE}:\${NamePrefix}-pipeline`),
          },
        },
      },
    ]);
  });

  it('grants exactly these statements', () => {
    const role = resource(template, 'AWS::IAM::Role', 'PipelineRole').props;
    const selfStack = sub(`${ARN}:cloudformation:${HERE}:stack/\${AWS::StackName}/*`);
    const recipeStacks = sub(`${ARN}:cloudformation:${HERE}:stack/\${RecipeStackPrefix}*/*`);
    const bakeryStackRole = sub(`${ARN}:iam::\${AWS::AccountId}:role/\${NamePrefix}-bakery-stack-deploy`);
    const recipeRole = sub(`${ARN}:iam::\${AWS::AccountId}:role/\${NamePrefix}-recipe-deploy`);
    expect(inlinePolicy(role, 'Pipeline')).toEqual([
      {
        Sid: 'ArtifactObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        Resource: [{ 'Fn::Join': ['', [getAtt(ids.bucket), '/*']] }],
      },
      {
        Sid: 'ArtifactBucket',
        Effect: 'Allow',
        Action: ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketVersioning'],
        Resource: [getAtt(ids.bucket)],
      },
      { Sid: 'ArtifactEncryption', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [getAtt('ArtifactKey')] },
      {
        Sid: 'SourceRepository',
        Effect: 'Allow',
        Action: [
          'codecommit:CancelUploadArchive',
          'codecommit:GetBranch',
          'codecommit:GetCommit',
          'codecommit:GetRepository',
          'codecommit:GetUploadArchiveStatus',
          'codecommit:UploadArchive',
        ],
        Resource: [sub(`${ARN}:codecommit:${HERE}:\${RepositoryName}`)],
      },
      {
        Sid: 'ReadStacks',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks'],
        Resource: [selfStack, recipeStacks],
      },
      {
        Sid: 'SelfUpdateWithBakeryStackRole',
        Effect: 'Allow',
        Action: ['cloudformation:UpdateStack'],
        Resource: [selfStack],
        Condition: { ArnEquals: { 'cloudformation:RoleArn': bakeryStackRole } },
      },
      {
        Sid: 'DeployRecipeStacksWithRecipeRole',
        Effect: 'Allow',
        Action: ['cloudformation:CreateStack', 'cloudformation:UpdateStack'],
        Resource: [recipeStacks],
        Condition: { ArnEquals: { 'cloudformation:RoleArn': recipeRole } },
      },
      {
        Sid: 'PassDeployRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [bakeryStackRole, recipeRole],
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      },
    ]);
  });
});

describe('BakeryStack pipeline', () => {
  const pipeline = (): Json => resource(template, 'AWS::CodePipeline::Pipeline', 'Pipeline').props;

  it('is a V2 pipeline with a KMS-encrypted artifact store that restarts after a self-update', () => {
    expect(pipeline()).toMatchObject({
      Name: sub('${NamePrefix}-pipeline'),
      PipelineType: 'V2',
      ExecutionMode: 'SUPERSEDED',
      RestartExecutionOnUpdate: true,
      RoleArn: getAtt(ids.pipelineRole),
      ArtifactStore: { Type: 'S3', Location: ref(ids.bucket), EncryptionKey: { Id: getAtt('ArtifactKey'), Type: 'KMS' } },
    });
    expect((pipeline().Stages as Json[]).map((s) => s.Name)).toEqual(['Source', 'UpdatePipeline', 'Deploy']);
  });

  it('reads the CodeCommit branch or the S3 object by condition, never by polling', () => {
    const source = (pipeline().Stages as Json[])[0] as Json;
    expect(source.Actions).toEqual([
      {
        'Fn::If': [
          'IsCodeCommit',
          {
            Name: 'Source',
            OutputArtifacts: [{ Name: 'SourceArtifact' }],
            RunOrder: 1,
            ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeCommit', Version: '1' },
            Configuration: {
              RepositoryName: ref('RepositoryName'),
              BranchName: ref('BranchName'),
              PollForSourceChanges: false,
              OutputArtifactFormat: 'CODE_ZIP',
            },
          },
          {
            Name: 'Source',
            OutputArtifacts: [{ Name: 'SourceArtifact' }],
            RunOrder: 1,
            ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'S3', Version: '1' },
            Configuration: { S3Bucket: ref(ids.bucket), S3ObjectKey: ref('SourceObjectKey'), PollForSourceChanges: false },
          },
        ],
      },
    ]);
  });

  it('updates itself from the bundle with its own current parameter values', () => {
    const update = (pipeline().Stages as Json[])[1] as Json;
    expect(update.Actions).toEqual([
      {
        Name: 'SelfUpdate',
        ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'CloudFormation', Version: '1' },
        InputArtifacts: [{ Name: 'SourceArtifact' }],
        RunOrder: 1,
        Configuration: {
          ActionMode: 'CREATE_UPDATE',
          Capabilities: 'CAPABILITY_NAMED_IAM',
          StackName: ref('AWS::StackName'),
          TemplatePath: 'SourceArtifact::bakery/bakery-stack.template.json',
          RoleArn: sub(`${ARN}:iam::\${AWS::AccountId}:role/\${NamePrefix}-bakery-stack-deploy`),
          ParameterOverrides: sub(
            '{"NamePrefix":"${NamePrefix}","RepositoryName":"${RepositoryName}","BranchName":"${BranchName}","SourceType":"${SourceType}",' +
              '"SourceObjectKey":"${SourceObjectKey}","OrganizationId":"${OrganizationId}","ManagementAccountId":"${ManagementAccountId}","RecipeStackPrefix":"${RecipeStackPrefix}"}',
          ),
        },
      },
    ]);
  });
});

describe('BakeryStack triggers', () => {
  it('starts the pipeline on a push to the BranchName parameter (CodeCommit)', () => {
    const rule = resource(template, 'AWS::Events::Rule', 'CodeCommitPushRule');
    expect(rule.raw.Condition).toBe('IsCodeCommit');
    expect(rule.props).toEqual({
      Name: sub('${NamePrefix}-source-codecommit'),
      Description: 'AMI Bakery: start the pipeline on a push to the configured branch',
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.codecommit'],
        'detail-type': ['CodeCommit Repository State Change'],
        resources: [getAtt('Repository')],
        detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'], referenceName: [ref('BranchName')] },
      },
      Targets: [{ Id: 'Pipeline', Arn: sub(`${ARN}:codepipeline:${HERE}:\${NamePrefix}-pipeline`), RoleArn: getAtt(ids.eventsRole) }],
    });
  });

  it('starts the pipeline on a new version of the source object (S3)', () => {
    const rule = resource(template, 'AWS::Events::Rule', 'S3SourceRule');
    expect(rule.raw.Condition).toBe('IsS3');
    expect(rule.props.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [ref(ids.bucket)] }, object: { key: [ref('SourceObjectKey')] } },
    });
  });

  it('events role: trusted by these two rules only, may only start this pipeline', () => {
    const role = resource(template, 'AWS::IAM::Role', 'PipelineEventsRole').props;
    expect(statementsOf(role.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': ref('AWS::AccountId'),
            'aws:SourceArn': [
              sub(`${ARN}:events:${HERE}:rule/\${NamePrefix}-source-codecommit`),
              sub(`${ARN}:events:${HERE}:rule/\${NamePrefix}-source-s3`),
            ],
          },
        },
      },
    ]);
    expect(inlinePolicy(role, 'StartPipeline')).toEqual([
      {
        Sid: 'StartPipeline',
        Effect: 'Allow',
        Action: ['codepipeline:StartPipelineExecution'],
        Resource: [sub(`${ARN}:codepipeline:${HERE}:\${NamePrefix}-pipeline`)],
      },
    ]);
  });
});

describe('BakeryStack outputs', () => {
  it('exports what the bootstrap Lambda and the publisher read', () => {
    const outputs = json.Outputs as Record<string, Json>;
    expect(Object.keys(outputs).sort()).toEqual([
      'ArtifactBucketName',
      'ArtifactKeyArn',
      'PermissionsBoundaryArn',
      'PipelineName',
      'RecipeDeployRoleArn',
      'RepositoryCloneUrlHttp',
    ]);
    expect(outputs.ArtifactBucketName?.Value).toEqual(ref(ids.bucket));
    expect(outputs.RepositoryCloneUrlHttp?.Condition).toBe('IsCodeCommit');
  });
});
