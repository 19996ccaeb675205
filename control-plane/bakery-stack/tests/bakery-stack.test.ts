import { renderPermissions } from '@ami-bakery/deployer/permissions';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARAMETER_NAMES, RECIPE_PARAMETERS, synthBakeryTemplate } from '../src/index.js';
import { resolve, type Scope } from './cfn-eval.js';
import { getAtt, inlinePolicy, type Json, ref, resource, statementsOf, sub } from './support.js';

// One synthesis for the whole file; the built-in validator runs in tests/nag.test.ts.
process.env.CDK_VALIDATION = 'false';

const ARN = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';
const KEY = { 'Fn::ImportValue': sub('${NamePrefix}-artifact-key-arn') };
const VIA_S3 = { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}') } };
const STACK_ID_PART = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', ref('AWS::StackId')] }] }] }] };

let template: Template;
let json: Json;
let ids: Record<'bucket' | 'evidence' | 'build' | 'lifecycle' | 'deployerRole' | 'pipelineRole' | 'hookRole', string>;

beforeAll(() => {
  json = synthBakeryTemplate() as Json;
  template = Template.fromJSON(json);
  ids = {
    bucket: resource(template, 'AWS::S3::Bucket', 'ArtifactBucket').id,
    evidence: resource(template, 'AWS::S3::Bucket', 'EvidenceBucket').id,
    build: resource(template, 'AWS::IAM::ManagedPolicy', 'BuildInstanceBoundary').id,
    lifecycle: resource(template, 'AWS::IAM::ManagedPolicy', 'LifecycleBoundary').id,
    deployerRole: resource(template, 'AWS::IAM::Role', 'DeployerRole').id,
    pipelineRole: resource(template, 'AWS::IAM::Role', 'PipelineRole').id,
    hookRole: resource(template, 'AWS::IAM::Role', 'GuardHookRole').id,
  };
});

describe('BakeryStack parameters', () => {
  it('declares exactly the contract parameters, in contract order', () => {
    expect(Object.keys(json.Parameters as Json)).toEqual([...PARAMETER_NAMES]);
  });

  it.each([
    ['Prune', { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'] }],
    ['DeployConcurrency', { Default: '4', AllowedPattern: '^([1-9]|1[0-9]|20)$' }],
    ['EvidenceLockMode', { Default: 'NONE', AllowedValues: ['NONE', 'GOVERNANCE', 'COMPLIANCE'] }],
    ['EvidenceLockDays', { Type: 'Number', Default: '365', MinValue: 1, MaxValue: 36500 }],
    ['DeployerCodeKey', { AllowedPattern: '^deployer/[0-9a-f]{64}\\.zip$' }],
    ['GuardRulesKey', { AllowedPattern: '^guard-rules/[0-9a-f]{64}\\.zip$' }],
    ['RecipeStackPrefix', { Default: 'ami-bakery-recipe-', AllowedPattern: '^[a-z][a-z0-9-]{0,63}$' }],
  ])('%s', (name, expected) => {
    expect((json.Parameters as Record<string, Json>)[name]).toMatchObject(expected);
  });

  it('has no default for what only the bootstrap Lambda knows', () => {
    for (const name of ['DeployerCodeKey', 'GuardRulesKey', 'OrganizationId', 'ManagementAccountId'])
      expect((json.Parameters as Record<string, Json>)[name], name).not.toHaveProperty('Default');
  });

  it('needs no CDK bootstrap: no BootstrapVersion parameter, no rules, no assets', () => {
    expect(json).not.toHaveProperty('Rules');
    expect(JSON.stringify(json)).not.toContain('cdk-hnb659fds');
  });
});

describe('BakeryStack key and buckets', () => {
  it('creates no KMS key: the key comes from the access StackSet export', () => {
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual([]);
    expect(resource(template, 'AWS::S3::Bucket', 'ArtifactBucket').props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: KEY, SSEAlgorithm: 'aws:kms' } },
      ],
    });
  });

  it('evidence bucket: KMS, versioned, Object Lock with a default retention only when asked, retained, logged', () => {
    const evidence = resource(template, 'AWS::S3::Bucket', 'EvidenceBucket');
    expect(evidence.raw.DeletionPolicy).toBe('Retain');
    expect(evidence.raw.UpdateReplacePolicy).toBe('Retain');
    expect(evidence.props).toMatchObject({
      BucketName: { 'Fn::Sub': ['${NamePrefix}-evidence-${AWS::AccountId}-${StackIdPart}', { StackIdPart: STACK_ID_PART }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: KEY, SSEAlgorithm: 'aws:kms' } },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        'Fn::If': [
          'HasEvidenceLock',
          { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: ref('EvidenceLockMode'), Days: ref('EvidenceLockDays') } } },
          ref('AWS::NoValue'),
        ],
      },
      LoggingConfiguration: { LogFilePrefix: 'evidence-bucket/' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(json.Conditions).toMatchObject({ HasEvidenceLock: { 'Fn::Not': [{ 'Fn::Equals': [ref('EvidenceLockMode'), 'NONE'] }] } });
  });

  it.each(['ArtifactBucketPolicy', 'EvidenceBucketPolicy', 'AccessLogBucketPolicy'])('%s denies plain HTTP and TLS < 1.2', (policy) => {
    const statements = statementsOf(resource(template, 'AWS::S3::BucketPolicy', policy).props.PolicyDocument);
    expect(statements.slice(0, 2).map((s) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    ]);
  });

  it('keeps the artifact bucket deletable (the bootstrap empties it) and everything with data retained', () => {
    expect(resource(template, 'AWS::S3::Bucket', 'ArtifactBucket').raw.DeletionPolicy).toBe('Delete');
    expect(resource(template, 'AWS::S3::Bucket', 'AccessLogBucket').raw.DeletionPolicy).toBe('Retain');
    expect(resource(template, 'AWS::CodeCommit::Repository', 'Repository').raw.DeletionPolicy).toBe('Retain');
  });
});

describe('BakeryStack boundaries', () => {
  it('build-instance boundary: uploads only under image-builder-logs/ and evidence/, with the KMS calls S3 makes', () => {
    const statements = statementsOf(resource(template, 'AWS::IAM::ManagedPolicy', 'BuildInstanceBoundary').props.PolicyDocument);
    expect(statements.find((s) => s.Sid === 'LogAndEvidenceUpload')).toEqual({
      Sid: 'LogAndEvidenceUpload',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [
        { 'Fn::Join': ['', [getAtt(ids.bucket), '/image-builder-logs/*']] },
        { 'Fn::Join': ['', [getAtt(ids.evidence), '/evidence/*']] },
      ],
    });
    expect(statements.find((s) => s.Sid === 'UploadEncryptionThroughS3')).toEqual({
      Sid: 'UploadEncryptionThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [KEY],
      Condition: VIA_S3,
    });
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => /^(iam|sts):|Deregister|DeleteSnapshot|DeleteImage/.test(a))).toEqual([]);
  });

  it('lifecycle boundary: image lifecycle only, and none of it from an EC2 instance', () => {
    const statements = statementsOf(resource(template, 'AWS::IAM::ManagedPolicy', 'LifecycleBoundary').props.PolicyDocument);
    expect(statements.map((s) => s.Sid)).toEqual(['LifecycleImages', 'LifecycleDescribe', 'LifecycleImageBuilderImages']);
    for (const s of statements) expect(s.Condition, String(s.Sid)).toEqual({ Null: { 'ec2:SourceInstanceARN': 'true' } });
    expect(statements.flatMap((s) => s.Action as string[]).filter((a) => a.startsWith('s3:') || a.startsWith('iam:'))).toEqual([]);
  });

  it('both are retained and named after the stack id', () => {
    for (const [prefix, name] of [
      ['BuildInstanceBoundary', '${NamePrefix}-build-boundary-${StackIdPart}'],
      ['LifecycleBoundary', '${NamePrefix}-lifecycle-boundary-${StackIdPart}'],
    ] as const) {
      const policy = resource(template, 'AWS::IAM::ManagedPolicy', prefix);
      expect(policy.raw.DeletionPolicy).toBe('Retain');
      expect(policy.props.ManagedPolicyName).toEqual({ 'Fn::Sub': [name, { StackIdPart: STACK_ID_PART }] });
    }
  });
});

describe('BakeryStack recipe deploy role', () => {
  const recipeRoles = sub(`${ARN}:iam::\${AWS::AccountId}:role/\${RecipeStackPrefix}*/*`);

  it('creates, changes and attaches to recipe roles only under /<recipe stack>/ and only with one of the two boundaries', () => {
    const statements = inlinePolicy(resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props, 'RecipeStackResources');
    const boundaries = [ref(ids.build), ref(ids.lifecycle)];
    const granting = statements.filter(
      (s) =>
        s.Effect === 'Allow' &&
        (s.Action as string[]).some((a) =>
          ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(a),
        ),
    );
    expect(granting.map((s) => s.Sid)).toEqual(['RecipeRolesOnlyWithABoundary', 'RecipeRolesAttachImageBuilderPolicies']);
    for (const s of granting) {
      expect(s.Resource).toEqual([recipeRoles]);
      expect(s.Condition).toMatchObject({ StringEquals: { 'iam:PermissionsBoundary': boundaries } });
    }
  });

  it('lists every IAM resource under a path, never a bare name a control-plane role could have', () => {
    const statements = inlinePolicy(resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props, 'RecipeStackResources');
    const iamResources = statements
      .filter((s) => s.Effect === 'Allow' && (s.Action as string[]).some((a) => a.startsWith('iam:')))
      .flatMap((s) => s.Resource as Json[]);
    expect(new Set(iamResources.map((r) => JSON.stringify(r)))).toEqual(
      new Set(
        [
          recipeRoles,
          sub(`${ARN}:iam::\${AWS::AccountId}:instance-profile/\${RecipeStackPrefix}*/*`),
          sub(`${ARN}:iam::\${AWS::AccountId}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`),
        ].map((r) => JSON.stringify(r)),
      ),
    );
  });

  it('may read the account Inspector status the image pipeline handler checks for scanning', () => {
    const statements = inlinePolicy(resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props, 'RecipeStackResources');
    expect(statements.find((s) => s.Sid === 'LookupsWithoutResourceArns')).toEqual({
      Sid: 'LookupsWithoutResourceArns',
      Effect: 'Allow',
      Action: ['ec2:DescribeImages', 'inspector2:BatchGetAccountStatus'],
      Resource: ['*'],
    });
  });
});

describe('BakeryStack deployer', () => {
  const fn = (): Json => resource(template, 'AWS::Lambda::Function', 'DeployerFunction').props;

  it('is a Node.js 24 arm64 function from the control bucket, 2,048 MB for 15 minutes, one invocation at a time, logging to its own group', () => {
    expect(fn()).toMatchObject({
      FunctionName: sub('${NamePrefix}-deployer'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Code: { S3Bucket: sub('${NamePrefix}-control-${AWS::AccountId}-${AWS::Region}'), S3Key: ref('DeployerCodeKey') },
      ReservedConcurrentExecutions: 1,
      MemorySize: 2048,
      Timeout: 900,
      Role: getAtt(ids.deployerRole),
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref('DeployerLogGroup') },
    });
    expect(fn()).not.toHaveProperty('DeadLetterConfig');
    expect(resource(template, 'AWS::Logs::LogGroup', 'DeployerLogGroup').props).toEqual({
      LogGroupName: sub('/aws/lambda/${NamePrefix}-deployer'),
      RetentionInDays: 365,
    });
  });

  it('gets the contract environment, RECIPE_PARAMETERS carrying every recipe template parameter', () => {
    const variables = (fn().Environment as Json).Variables as Json;
    expect(Object.keys(variables).sort()).toEqual(
      [
        'ARTIFACT_BUCKET',
        'GUARD_RULES_S3_URI',
        'MAX_CONCURRENCY',
        'NAME_PREFIX',
        'PRUNE',
        'RECIPE_DEPLOY_ROLE_ARN',
        'RECIPE_PARAMETERS',
        'RECIPE_STACK_PREFIX',
      ].sort(),
    );
    expect(variables).toMatchObject({
      ARTIFACT_BUCKET: ref(ids.bucket),
      PRUNE: ref('Prune'),
      MAX_CONCURRENCY: ref('DeployConcurrency'),
      RECIPE_STACK_PREFIX: ref('RecipeStackPrefix'),
      RECIPE_DEPLOY_ROLE_ARN: sub(`${ARN}:iam::\${AWS::AccountId}:role/\${NamePrefix}-recipe-deploy`),
      GUARD_RULES_S3_URI: sub('s3://${NamePrefix}-control-${AWS::AccountId}-${AWS::Region}/${GuardRulesKey}'),
    });
    const [text, values] = (variables.RECIPE_PARAMETERS as { 'Fn::Sub': [string, Json] })['Fn::Sub'];
    expect(Object.keys(JSON.parse(text))).toEqual([...RECIPE_PARAMETERS]);
    expect(values).toEqual({
      ArtifactBucket: ref(ids.bucket),
      EvidenceBucket: ref(ids.evidence),
      KeyArn: KEY,
      BuildBoundary: ref(ids.build),
      LifecycleBoundary: ref(ids.lifecycle),
    });
  });

  it('role: exactly the statements of DEPLOYER_PERMISSIONS, placeholders filled, and its own logs', () => {
    // Prepare: one deployment's values, as CloudFormation would resolve them.
    const values = {
      'AWS::Partition': 'aws-us-gov',
      'AWS::Region': 'us-gov-west-1',
      'AWS::AccountId': '111122223333',
      'AWS::URLSuffix': 'amazonaws.com',
      NamePrefix: 'bakery',
      RecipeStackPrefix: 'bakery-recipe-',
      GuardRulesKey: `guard-rules/${'0'.repeat(64)}.zip`,
      OrganizationId: 'o-a1b2c3d4e5',
      ManagementAccountId: '999988887777',
    };
    const keyArn = 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/0a1b';
    const scope: Scope = {
      values,
      ref: (id) => id,
      getAtt: (id, attribute) => `${id}.${attribute}`,
      imports: { 'bakery-artifact-key-arn': keyArn },
    };
    // Act
    const statements = resolve(inlinePolicy(resource(template, 'AWS::IAM::Role', 'DeployerRole').props, 'Deployer'), scope) as Json[];
    // Assess
    const expected = renderPermissions({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      accountId: '111122223333',
      urlSuffix: 'amazonaws.com',
      artifactBucket: 'bakery-artifacts-111122223333-us-gov-west-1',
      recipeStackPrefix: 'bakery-recipe-',
      recipeDeployRoleArn: 'arn:aws-us-gov:iam::111122223333:role/bakery-recipe-deploy',
      artifactKeyArn: keyArn,
      controlBucket: 'bakery-control-111122223333-us-gov-west-1',
      guardRulesKey: values.GuardRulesKey,
      namePrefix: 'bakery',
      organizationId: values.OrganizationId,
      managementAccountId: values.ManagementAccountId,
    }).map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    }));
    expect(statements).toEqual([
      ...expected,
      {
        Sid: 'OwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['DeployerLogGroup.Arn'],
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('${');
  });
});

describe('BakeryStack pipeline', () => {
  const pipeline = (): Json => resource(template, 'AWS::CodePipeline::Pipeline', 'Pipeline').props;

  it('is fixed: Source, then one Deploy action invoking the deployer, one execution at a time', () => {
    expect(pipeline()).toMatchObject({
      Name: sub('${NamePrefix}-pipeline'),
      PipelineType: 'V2',
      ExecutionMode: 'SUPERSEDED',
      RoleArn: getAtt(ids.pipelineRole),
      ArtifactStore: { Type: 'S3', Location: ref(ids.bucket), EncryptionKey: { Id: KEY, Type: 'KMS' } },
    });
    expect(pipeline()).not.toHaveProperty('RestartExecutionOnUpdate');
    const stages = pipeline().Stages as Json[];
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Deploy']);
    expect(stages[1]?.Actions).toEqual([
      {
        Name: 'Deploy',
        ActionTypeId: { Category: 'Invoke', Owner: 'AWS', Provider: 'Lambda', Version: '1' },
        InputArtifacts: [{ Name: 'SourceArtifact' }],
        Configuration: { FunctionName: ref('DeployerFunction') },
        RunOrder: 1,
      },
    ]);
  });

  it('pipeline role: no CloudFormation at all, only the source, the artifacts and the deployer invocation', () => {
    const statements = inlinePolicy(resource(template, 'AWS::IAM::Role', 'PipelineRole').props, 'Pipeline');
    expect(statements.map((s) => s.Sid)).toEqual([
      'ArtifactObjects',
      'ArtifactBucket',
      'KeyThroughS3',
      'SourceRepository',
      'InvokeDeployer',
    ]);
    expect(statements.flatMap((s) => s.Action as string[]).filter((a) => a.startsWith('cloudformation:') || a.startsWith('iam:'))).toEqual(
      [],
    );
    expect(statements.find((s) => s.Sid === 'InvokeDeployer')).toEqual({
      Sid: 'InvokeDeployer',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [sub(`${ARN}:lambda:${HERE}:function:\${NamePrefix}-deployer`)],
    });
  });
});

describe('BakeryStack Guard hook', () => {
  it('fails every recipe stack operation that breaks a rule, by stack name or deploy role', () => {
    const hook = resource(template, 'AWS::CloudFormation::GuardHook', 'RecipeGuardHook').props;
    expect(hook).toEqual({
      Alias: { 'Fn::Sub': ['AmiBakery::RecipeInvariants::S${StackIdPart}', { StackIdPart: STACK_ID_PART }] },
      ExecutionRole: getAtt(ids.hookRole),
      FailureMode: 'FAIL',
      HookStatus: 'ENABLED',
      RuleLocation: { Uri: sub('s3://${NamePrefix}-control-${AWS::AccountId}-${AWS::Region}/${GuardRulesKey}') },
      StackFilters: {
        FilteringCriteria: 'ANY',
        StackNames: { Include: [sub('${RecipeStackPrefix}*')] },
        StackRoles: { Include: [sub(`${ARN}:iam::\${AWS::AccountId}:role/\${NamePrefix}-recipe-deploy`)] },
      },
      TargetOperations: ['STACK'],
    });
  });

  it('its role reads the rules object and nothing else', () => {
    const role = resource(template, 'AWS::IAM::Role', 'GuardHookRole').props;
    expect(statementsOf(role.AssumeRolePolicyDocument)[0]).toMatchObject({ Principal: { Service: 'hooks.cloudformation.amazonaws.com' } });
    expect(inlinePolicy(role, 'ReadRules')).toEqual([
      {
        Sid: 'RulesObject',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [sub(`${ARN}:s3:::\${NamePrefix}-control-\${AWS::AccountId}-\${AWS::Region}/\${GuardRulesKey}`)],
      },
      { Sid: 'KeyThroughS3', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: VIA_S3 },
    ]);
  });
});

describe('BakeryStack outputs', () => {
  it('exports what the bootstrap Lambda, the publisher and the evidence tools read', () => {
    expect(Object.keys(json.Outputs as Json).sort()).toEqual([
      'ArtifactBucketName',
      'ArtifactKeyArn',
      'DeployerFunctionName',
      'EvidenceBucketName',
      'LifecyclePermissionsBoundaryArn',
      'PermissionsBoundaryArn',
      'PipelineName',
      'RecipeDeployRoleArn',
      'RepositoryCloneUrlHttp',
    ]);
    expect((json.Outputs as Record<string, Json>).EvidenceBucketName?.Value).toEqual(ref(ids.evidence));
  });
});
