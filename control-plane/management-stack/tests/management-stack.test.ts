import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaCodeMissingError, LOG_RETENTION_DAYS, resolveLambdaCodeDir } from '../src/index.js';
import { getAtt, type Json, ref, resource, sharedAccessTemplate, statementsOf, sub, synthManagement } from './support.js';

process.env.CDK_VALIDATION = 'false';

let template: Template;
let json: Json;
let ids: Record<'role' | 'dlq' | 'topic', string>;

beforeAll(() => {
  ({ template, json } = synthManagement());
  ids = {
    role: resource(template, 'AWS::IAM::Role', 'BootstrapLambdaRole').id,
    dlq: resource(template, 'AWS::SQS::Queue', 'DeadLetterQueue').id,
    topic: resource(template, 'AWS::SNS::Topic', 'AlarmTopic').id,
  };
});

const alarmArn = sub('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${NamePrefix}-bootstrap-dead-letters');

describe('ManagementStack parameters', () => {
  it('declares every setting with a pattern or allowed values, plus the CDK bootstrap version for cdk deploy', () => {
    const params = json.Parameters as Record<string, Json>;
    expect(Object.keys(params)).toEqual([
      'BakeryAccountId',
      'BakeryRegion',
      'SeedRecipes',
      'NamePrefix',
      'BakeryStackName',
      'RepositoryName',
      'BranchName',
      'SourceType',
      'SourceObjectKey',
      'RecipeStackPrefix',
      'ConfigurationRoleName',
      'OrganizationId',
      'RootOrganizationalUnitId',
      'LogRetentionInDays',
      'LogKmsKeyArn',
      'LogLevel',
      'AlarmEmail',
      'Purge',
      'Prune',
      'DeployConcurrency',
      'EvidenceLockMode',
      'EvidenceLockDays',
      'NotificationEmail',
      'SolutionVersion',
      'BootstrapVersion',
    ]);
    expect(params.BakeryAccountId).toEqual(expect.objectContaining({ Type: 'String', AllowedPattern: '^\\d{12}$' }));
    expect(params.BakeryAccountId).not.toHaveProperty('Default');
    expect(params.BakeryRegion).toEqual(expect.objectContaining({ AllowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$' }));
    expect(params.SeedRecipes).toEqual(
      expect.objectContaining({ Default: 'all', AllowedPattern: '^(all|[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*)$' }),
    );
    expect(params.BranchName).toEqual(expect.objectContaining({ Default: 'main' }));
    expect(params.OrganizationId).toEqual(expect.objectContaining({ Type: 'String', AllowedPattern: '^o-[a-z0-9]{10,32}$' }));
    expect(params.RootOrganizationalUnitId).toEqual(expect.objectContaining({ Type: 'String', AllowedPattern: '^r-[a-z0-9]{4,32}$' }));
    expect(params.LogRetentionInDays).toEqual(
      expect.objectContaining({ Type: 'Number', Default: '14', AllowedValues: LOG_RETENTION_DAYS }),
    );
    expect(params.LogKmsKeyArn).toEqual(
      expect.objectContaining({ Default: '', AllowedPattern: '^$|^arn:[a-z-]+:kms:[a-z0-9-]+:\\d{12}:key/[a-zA-Z0-9-]+$' }),
    );
    expect(params.LogLevel).toEqual(expect.objectContaining({ Default: 'INFO', AllowedValues: ['INFO', 'ERROR', 'DEBUG'] }));
    expect(params.AlarmEmail).toEqual(
      expect.objectContaining({ Default: '', AllowedPattern: '^$|^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$' }),
    );
    expect(params.Purge).toEqual(expect.objectContaining({ Default: 'false', AllowedValues: ['false', 'true'] }));
    expect(params.SolutionVersion).toEqual(expect.objectContaining({ Default: '1.0.0' }));
  });

  it('makes the email subscription and the log KMS key optional through conditions', () => {
    expect(json.Conditions).toEqual({
      HasAlarmEmail: { 'Fn::Not': [{ 'Fn::Equals': [ref('AlarmEmail'), ''] }] },
      HasLogKmsKey: { 'Fn::Not': [{ 'Fn::Equals': [ref('LogKmsKeyArn'), ''] }] },
    });
  });
});

describe('ManagementStack notification key, DLQ and alarm', () => {
  it('key rotates and its policy allows data use only through SQS/SNS and by CloudWatch for this alarm, and grants only for AWS services', () => {
    const key = resource(template, 'AWS::KMS::Key', 'NotificationKey');
    expect(key.props).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 30 });
    const root = { AWS: { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::', ref('AWS::AccountId'), ':root']] } };
    expect(statementsOf(key.props.KeyPolicy)).toEqual([
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
        Sid: 'UseThroughSqsAndSns',
        Effect: 'Allow',
        Principal: root,
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: ['*'],
        Condition: {
          StringEquals: {
            'kms:CallerAccount': ref('AWS::AccountId'),
            'kms:ViaService': [sub('sqs.${AWS::Region}.${AWS::URLSuffix}'), sub('sns.${AWS::Region}.${AWS::URLSuffix}')],
          },
        },
      },
      {
        Sid: 'CloudWatchAlarmToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: ['*'],
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnEquals: { 'aws:SourceArn': alarmArn } },
      },
      {
        Sid: 'GrantsOnlyForAwsServices',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['kms:CreateGrant'],
        Resource: ['*'],
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      },
    ]);
  });

  it('DLQ is KMS-encrypted, keeps messages 14 days and refuses non-TLS access', () => {
    expect(resource(template, 'AWS::SQS::Queue', 'DeadLetterQueue').props).toEqual({
      KmsMasterKeyId: getAtt('NotificationKey'),
      MessageRetentionPeriod: 1_209_600,
    });
    const policy = resource(template, 'AWS::SQS::QueuePolicy', 'DeadLetterQueuePolicy').props;
    expect(statementsOf(policy.PolicyDocument)).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['sqs:*'],
        Resource: [getAtt(ids.dlq)],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('alarm topic is KMS-encrypted, TLS-only, and only this alarm may publish as CloudWatch', () => {
    expect(resource(template, 'AWS::SNS::Topic', 'AlarmTopic').props).toMatchObject({ KmsMasterKeyId: getAtt('NotificationKey') });
    const policy = resource(template, 'AWS::SNS::TopicPolicy', 'AlarmTopicPolicy').props;
    expect(statementsOf(policy.PolicyDocument)).toEqual([
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: ['sns:Publish'],
        Resource: [ref(ids.topic)],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'CloudWatchAlarmPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['sns:Publish'],
        Resource: [ref(ids.topic)],
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnEquals: { 'aws:SourceArn': alarmArn } },
      },
    ]);
  });

  it('subscribes the alarm email only when one is given', () => {
    const subscription = resource(template, 'AWS::SNS::Subscription', 'AlarmEmailSubscription');
    expect(subscription.raw.Condition).toBe('HasAlarmEmail');
    expect(subscription.props).toEqual({ TopicArn: ref(ids.topic), Protocol: 'email', Endpoint: ref('AlarmEmail') });
  });

  it('alarm fires on the first dead letter and treats missing data as fine', () => {
    expect(resource(template, 'AWS::CloudWatch::Alarm', 'DeadLetterAlarm').props).toEqual({
      AlarmName: sub('${NamePrefix}-bootstrap-dead-letters'),
      AlarmDescription:
        'AMI Bakery: the bootstrap Lambda failed an asynchronous invocation; read its log group and the message in the dead-letter queue',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ids.dlq, 'QueueName') }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(ids.topic)],
    });
  });
});

describe('ManagementStack log group and Lambda', () => {
  it('log group takes retention from a parameter and the KMS key only when given', () => {
    expect(resource(template, 'AWS::Logs::LogGroup', 'LogGroup').props).toEqual({
      LogGroupName: sub('/aws/lambda/${NamePrefix}-bootstrap'),
      RetentionInDays: ref('LogRetentionInDays'),
      KmsKeyId: { 'Fn::If': ['HasLogKmsKey', ref('LogKmsKeyArn'), ref('AWS::NoValue')] },
    });
  });

  it('Lambda role: trusted by Lambda of this account; may assume only the configuration role in the bakery account', () => {
    const role = resource(template, 'AWS::IAM::Role', 'BootstrapLambdaRole').props;
    expect(statementsOf(role.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      },
    ]);
    expect(role).not.toHaveProperty('ManagedPolicyArns');
    const policies = role.Policies as Json[];
    expect(policies.map((p) => p.PolicyName)).toEqual(['Bootstrap']);
    expect(statementsOf((policies[0] as Json).PolicyDocument)).toEqual([
      {
        Sid: 'AssumeConfigurationRole',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [sub('arn:${AWS::Partition}:iam::${BakeryAccountId}:role/${ConfigurationRoleName}')],
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [getAtt('LogGroup')],
      },
      { Sid: 'DeadLetters', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [getAtt(ids.dlq)] },
      {
        Sid: 'DeadLetterEncryption',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [getAtt('NotificationKey')],
      },
    ]);
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
  });

  it('function: Node.js 24 on arm64 from the bundle asset, with DLQ, JSON logs in its log group and the log level parameter', () => {
    const fn = resource(template, 'AWS::Lambda::Function', 'BootstrapFunction').props;
    expect(fn).toMatchObject({
      FunctionName: sub('${NamePrefix}-bootstrap'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 900,
      Role: getAtt(ids.role),
      DeadLetterConfig: { TargetArn: getAtt(ids.dlq) },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref('LogGroup'), ApplicationLogLevel: ref('LogLevel'), SystemLogLevel: 'WARN' },
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ami-bakery-bootstrap', POWERTOOLS_LOG_LEVEL: ref('LogLevel') } },
    });
    const code = fn.Code as Json;
    expect(code.S3Bucket).toEqual(sub('cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}'));
    expect(code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });
});

describe('ManagementStack StackSet', () => {
  it('deploys the access template to the bakery account only, in the bakery region only', () => {
    const stackSet = resource(template, 'AWS::CloudFormation::StackSet', 'BakeryAccessStackSet').props;
    expect(stackSet).toEqual({
      StackSetName: sub('${NamePrefix}-bakery-access'),
      Description: 'AMI Bakery: configuration role and bakery stack deploy role in the bakery account',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: { FailureToleranceCount: 0, MaxConcurrentCount: 1, RegionConcurrencyType: 'SEQUENTIAL' },
      TemplateBody: JSON.stringify(sharedAccessTemplate()),
      Parameters: [
        { ParameterKey: 'ManagementAccountId', ParameterValue: ref('AWS::AccountId') },
        { ParameterKey: 'LambdaRoleArn', ParameterValue: getAtt(ids.role) },
        { ParameterKey: 'ConfigurationRoleName', ParameterValue: ref('ConfigurationRoleName') },
        { ParameterKey: 'BakeryStackName', ParameterValue: ref('BakeryStackName') },
        { ParameterKey: 'NamePrefix', ParameterValue: ref('NamePrefix') },
        { ParameterKey: 'RepositoryName', ParameterValue: ref('RepositoryName') },
      ],
      StackInstancesGroup: [
        {
          DeploymentTargets: {
            OrganizationalUnitIds: [ref('RootOrganizationalUnitId')],
            Accounts: [ref('BakeryAccountId')],
            AccountFilterType: 'INTERSECTION',
          },
          Regions: [ref('BakeryRegion')],
        },
      ],
    });
  });

  it('passes every parameter the access template declares', () => {
    const stackSet = resource(template, 'AWS::CloudFormation::StackSet', 'BakeryAccessStackSet').props;
    const declared = Object.keys((sharedAccessTemplate().Parameters ?? {}) as Json);
    expect((stackSet.Parameters as Json[]).map((p) => p.ParameterKey)).toEqual(declared);
  });
});

describe('ManagementStack custom resource', () => {
  it('sends every setting as a property, so any parameter change reaches the Lambda as an Update', () => {
    const cr = resource(template, 'Custom::AmiBakeryBootstrap', 'Bootstrap');
    expect(cr.props).toEqual({
      ServiceToken: getAtt('BootstrapFunction'),
      ServiceTimeout: '960',
      BakeryAccountId: ref('BakeryAccountId'),
      BakeryRegion: ref('BakeryRegion'),
      ConfigurationRoleName: ref('ConfigurationRoleName'),
      BakeryStackName: ref('BakeryStackName'),
      NamePrefix: ref('NamePrefix'),
      RepositoryName: ref('RepositoryName'),
      BranchName: ref('BranchName'),
      SourceType: ref('SourceType'),
      SourceObjectKey: ref('SourceObjectKey'),
      RecipeStackPrefix: ref('RecipeStackPrefix'),
      OrganizationId: ref('OrganizationId'),
      ManagementAccountId: ref('AWS::AccountId'),
      SeedRecipes: ref('SeedRecipes'),
      Purge: ref('Purge'),
      Prune: ref('Prune'),
      DeployConcurrency: ref('DeployConcurrency'),
      EvidenceLockMode: ref('EvidenceLockMode'),
      EvidenceLockDays: ref('EvidenceLockDays'),
      NotificationEmail: ref('NotificationEmail'),
      SolutionVersion: ref('SolutionVersion'),
    });
    // The configuration role exists before the Lambda assumes it and outlives the Delete.
    expect(cr.raw.DependsOn).toEqual(['BakeryAccessStackSet']);
    expect(cr.raw.DeletionPolicy).toBe('Delete');
  });
});

describe('ManagementStack variants and inputs', () => {
  it('CfCT variant: SSM-typed organization parameters, Lambda code from S3 parameters, no CDK bootstrap', () => {
    // Prepare + Act
    const { template: cfct, json: cfctJson } = synthManagement({ lambdaCode: { kind: 's3Parameters' }, organizationParameters: 'ssm' });
    // Assess
    const params = cfctJson.Parameters as Record<string, Json>;
    expect(params.OrganizationId).toEqual({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/sra/control-tower/organization-id',
      Description: 'SSM parameter holding the organization id',
    });
    expect(params.RootOrganizationalUnitId).toEqual(
      expect.objectContaining({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/sra/control-tower/root-organizational-unit-id' }),
    );
    expect(params.LambdaCodeS3Bucket).toEqual(
      expect.objectContaining({ Type: 'String', AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' }),
    );
    expect(params.LambdaCodeS3Key).toEqual(expect.objectContaining({ Default: 'ami-bakery/lambda_code/bootstrap-lambda-1.0.0.zip' }));
    expect(params).not.toHaveProperty('BootstrapVersion');
    expect(cfctJson).not.toHaveProperty('Rules');
    expect(JSON.stringify(cfctJson)).not.toContain('cdk-hnb659fds');
    expect(resource(cfct, 'AWS::Lambda::Function', 'BootstrapFunction').props.Code).toEqual({
      S3Bucket: ref('LambdaCodeS3Bucket'),
      S3Key: ref('LambdaCodeS3Key'),
    });
  });

  it('puts the bakery resources in the bakery region whatever the home region', () => {
    // Prepare: a management stack pinned to us-east-1.
    const { template: east, json: eastJson } = synthManagement({}, { region: 'us-east-1' });
    // Assess: the StackSet targets the BakeryRegion parameter, and nothing names a region.
    const stackSet = resource(east, 'AWS::CloudFormation::StackSet', 'BakeryAccessStackSet').props;
    expect((stackSet.StackInstancesGroup as Json[])[0]?.Regions).toEqual([ref('BakeryRegion')]);
    expect(resource(east, 'Custom::AmiBakeryBootstrap', 'Bootstrap').props.BakeryRegion).toEqual(ref('BakeryRegion'));
    const withoutAssets = JSON.stringify({ ...eastJson, Parameters: {} }).replace(/cdk-hnb659fds-assets-222222222222-us-east-1/g, '');
    expect(withoutAssets).not.toMatch(/us-east-1|eu-west-1/);
  });

  it('fails with a message naming the build command when the Lambda bundle is missing', () => {
    expect(() => resolveLambdaCodeDir('/nonexistent/bootstrap-lambda/dist')).toThrowError(LambdaCodeMissingError);
    expect(() => resolveLambdaCodeDir('/nonexistent/bootstrap-lambda/dist')).toThrowError(
      /pnpm --filter @ami-bakery\/bootstrap-lambda build/,
    );
    expect(() => synthManagement({ lambdaCode: { kind: 'asset', codeDir: '/nonexistent/dist' } })).toThrowError(
      /The bootstrap Lambda bundle is missing \(the folder does not exist in \/nonexistent\/dist\)/,
    );
  });
});

describe('ManagementStack outputs', () => {
  it('exports the Lambda, DLQ, topic, StackSet and configuration role', () => {
    expect(Object.keys(json.Outputs as Json).sort()).toEqual([
      'AlarmTopicArn',
      'BakeryAccessStackSetId',
      'BootstrapFunctionArn',
      'ConfigurationRoleArn',
      'DeadLetterQueueUrl',
    ]);
  });
});
