import { acknowledge, BAKERY_DEFAULTS, controlTowerFinding, synthAccessTemplate } from '@ami-bakery/bakery-stack';
import { accountKey } from '@ami-bakery/bakery-stack/shared';
import {
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CustomResource,
  aws_cloudformation as cloudformation,
  aws_cloudwatch as cloudwatch,
  Duration,
  Fn,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  Stack,
  type StackProps,
  aws_s3_assets as s3assets,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LAMBDA_HANDLER, resolveLambdaCodeDir } from './lambda-code.js';

/**
 * Where the bootstrap Lambda's code comes from:
 * - `asset`: a CDK file asset from the esbuild bundle folder (`cdk deploy`, needs `cdk bootstrap`);
 * - `s3Parameters`: `LambdaCodeS3Bucket` / `LambdaCodeS3Key` parameters, so the template deploys
 *   with plain CloudFormation or Customizations for Control Tower, without CDK bootstrap.
 */
type LambdaCodeSource = { kind: 'asset'; codeDir?: string } | { kind: 's3Parameters' };

interface ManagementStackProps extends StackProps {
  readonly lambdaCode: LambdaCodeSource;
  /**
   * `plain`: OrganizationId / RootOrganizationalUnitId are typed in. `ssm`: they are read from the
   * SRA / Control Tower SSM parameters (`/sra/control-tower/...`) of the management account.
   */
  readonly organizationParameters?: 'plain' | 'ssm';
  /** StackSet template; defaults to the bakery-stack package's access template. */
  readonly accessTemplate?: Record<string, unknown>;
}

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = ['1', '3', '5', '7', '14', '30', '60', '90', '120', '150', '180', '365', '400', '545', '731', '1827', '3653'];
const SOLUTION_VERSION = '1.0.0';
/** Seconds: a bakery stack deployment plus seeding must fit in one Lambda run. */
const LAMBDA_TIMEOUT_SECONDS = 900;

/**
 * The management account's stack: the bootstrap Lambda and the custom resource that runs it, its
 * failure path (DLQ, alarm, topic), its log group, and the StackSet that puts the configuration
 * role (and the bakery stack's deploy role) into the bakery account, in the bakery region.
 */
class ManagementStack extends Stack {
  constructor(scope: Construct, id: string, props: ManagementStackProps) {
    const cfnOnly = props.lambdaCode.kind === 's3Parameters';
    super(scope, id, {
      description: 'AMI Bakery: bootstraps the bakery account (configuration role StackSet, bootstrap Lambda and its alarms)',
      ...props,
      // Without assets the template needs no CDK bootstrap: plain CloudFormation and CfCT can deploy it.
      ...(cfnOnly && !props.synthesizer ? { synthesizer: new BootstraplessSynthesizer() } : {}),
      analyticsReporting: false,
    });
    const sub = (text: string): string => Fn.sub(text);
    const ssm = props.organizationParameters === 'ssm';

    // ----- Parameters -----
    const p = {
      BakeryAccountId: new CfnParameter(this, 'BakeryAccountId', {
        type: 'String',
        allowedPattern: '^\\d{12}$',
        constraintDescription: '12 digits',
        description: 'Member account that hosts the bakery (not the management account)',
      }),
      BakeryRegion: new CfnParameter(this, 'BakeryRegion', {
        type: 'String',
        allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$',
        constraintDescription: 'exactly one region code, such as eu-west-1',
        description: 'The one region of the bakery account where every bakery resource is created',
      }),
      SeedRecipes: new CfnParameter(this, 'SeedRecipes', {
        type: 'String',
        default: 'all',
        allowedPattern: '^(all|[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*)$',
        constraintDescription: '"all" or comma-separated recipe names without spaces',
        description: 'Recipes of the packaged seed bundle committed to an empty repository',
      }),
      NamePrefix: new CfnParameter(this, 'NamePrefix', {
        type: 'String',
        default: BAKERY_DEFAULTS.NamePrefix,
        allowedPattern: '^[a-z][a-z0-9-]{0,22}[a-z0-9]$',
        constraintDescription: '2-24 lowercase letters, digits or hyphens, starting with a letter',
        description: 'Prefix of every named resource, here and in the bakery account',
      }),
      BakeryStackName: new CfnParameter(this, 'BakeryStackName', {
        type: 'String',
        default: 'ami-bakery',
        allowedPattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$',
        description: 'Name of the bakery stack in the bakery account',
      }),
      RepositoryName: new CfnParameter(this, 'RepositoryName', {
        type: 'String',
        default: BAKERY_DEFAULTS.RepositoryName,
        allowedPattern: '^[\\w.-]{1,100}$',
        description: 'CodeCommit repository of the published bundles',
      }),
      BranchName: new CfnParameter(this, 'BranchName', {
        type: 'String',
        default: BAKERY_DEFAULTS.BranchName,
        allowedPattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$',
        description: 'Branch whose pushes run the bakery pipeline',
      }),
      SourceType: new CfnParameter(this, 'SourceType', {
        type: 'String',
        default: BAKERY_DEFAULTS.SourceType,
        allowedValues: ['CodeCommit', 'S3'],
        description: 'Pipeline source: the CodeCommit branch, or a versioned zip in the artifact bucket',
      }),
      SourceObjectKey: new CfnParameter(this, 'SourceObjectKey', {
        type: 'String',
        default: BAKERY_DEFAULTS.SourceObjectKey,
        allowedPattern: "^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,1019}\\.zip$",
        description: 'Key of the bundle zip when SourceType is S3',
      }),
      RecipeStackPrefix: new CfnParameter(this, 'RecipeStackPrefix', {
        type: 'String',
        default: BAKERY_DEFAULTS.RecipeStackPrefix,
        allowedPattern: '^[a-z][a-z0-9-]{0,63}$',
        description: 'Start of every recipe stack name',
      }),
      ConfigurationRoleName: new CfnParameter(this, 'ConfigurationRoleName', {
        type: 'String',
        default: 'ami-bakery-configuration',
        allowedPattern: '^[\\w+=,.@-]{1,64}$',
        description: 'Role the StackSet creates in the bakery account for the bootstrap Lambda',
      }),
      OrganizationId: new CfnParameter(
        this,
        'OrganizationId',
        ssm
          ? {
              type: 'AWS::SSM::Parameter::Value<String>',
              default: '/sra/control-tower/organization-id',
              description: 'SSM parameter holding the organization id',
            }
          : {
              type: 'String',
              allowedPattern: '^o-[a-z0-9]{10,32}$',
              constraintDescription: 'o- and 10-32 lowercase letters or digits',
              description: 'AWS Organization id',
            },
      ),
      RootOrganizationalUnitId: new CfnParameter(
        this,
        'RootOrganizationalUnitId',
        ssm
          ? {
              type: 'AWS::SSM::Parameter::Value<String>',
              default: '/sra/control-tower/root-organizational-unit-id',
              description: 'SSM parameter holding the root id of the organization',
            }
          : {
              type: 'String',
              allowedPattern: '^r-[a-z0-9]{4,32}$',
              constraintDescription: 'r- and 4-32 lowercase letters or digits',
              description: 'Root id of the organization (r-...)',
            },
      ),
      LogRetentionInDays: new CfnParameter(this, 'LogRetentionInDays', {
        type: 'Number',
        default: '14',
        allowedValues: LOG_RETENTION_DAYS,
        description: 'Retention of the bootstrap Lambda log group',
      }),
      LogKmsKeyArn: new CfnParameter(this, 'LogKmsKeyArn', {
        type: 'String',
        default: '',
        allowedPattern: '^$|^arn:[a-z-]+:kms:[a-z0-9-]+:\\d{12}:key/[a-zA-Z0-9-]+$',
        constraintDescription: 'empty, or the ARN of a KMS key whose policy lets CloudWatch Logs use it',
        description: 'Optional KMS key for the log group',
      }),
      LogLevel: new CfnParameter(this, 'LogLevel', {
        type: 'String',
        default: 'INFO',
        allowedValues: ['INFO', 'ERROR', 'DEBUG'],
        description: 'Log level of the bootstrap Lambda',
      }),
      AlarmEmail: new CfnParameter(this, 'AlarmEmail', {
        type: 'String',
        default: '',
        allowedPattern: '^$|^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$',
        constraintDescription: 'empty, or one email address',
        description: 'Optional address that receives the dead-letter-queue alarm',
      }),
      Purge: new CfnParameter(this, 'Purge', {
        type: 'String',
        default: 'false',
        allowedValues: ['false', 'true'],
        description: 'On stack deletion also delete the recipe repository (AMIs are never deleted)',
      }),
      Prune: new CfnParameter(this, 'Prune', {
        type: 'String',
        default: BAKERY_DEFAULTS.Prune,
        allowedValues: ['true', 'false'],
        description: 'Whether the bakery deployer deletes the stacks of recipes that left the published bundle (AMIs stay)',
      }),
      DeployConcurrency: new CfnParameter(this, 'DeployConcurrency', {
        type: 'String',
        default: BAKERY_DEFAULTS.DeployConcurrency,
        allowedPattern: '^([1-9]|1[0-9]|20)$',
        description: 'How many recipe stacks the bakery deployer changes at the same time',
      }),
      EvidenceLockMode: new CfnParameter(this, 'EvidenceLockMode', {
        type: 'String',
        default: BAKERY_DEFAULTS.EvidenceLockMode,
        allowedValues: ['NONE', 'GOVERNANCE', 'COMPLIANCE'],
        description: 'S3 Object Lock default retention of the bakery evidence bucket',
      }),
      EvidenceLockDays: new CfnParameter(this, 'EvidenceLockDays', {
        type: 'String',
        default: BAKERY_DEFAULTS.EvidenceLockDays,
        allowedPattern: '^[1-9]\\d{0,4}$',
        description: 'Default retention in days of new evidence objects when EvidenceLockMode is not NONE',
      }),
      NotificationEmail: new CfnParameter(this, 'NotificationEmail', {
        type: 'String',
        default: '',
        allowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
        description: 'E-mail address for the image catalog events (available, build failed, promoted, revoked); empty: none',
      }),
      SolutionVersion: new CfnParameter(this, 'SolutionVersion', {
        type: 'String',
        default: SOLUTION_VERSION,
        allowedPattern: '^[\\w.+-]{1,64}$',
        description: 'Change it to make the bootstrap deploy a new packaged bakery template',
      }),
    };
    const code = cfnOnly
      ? {
          bucket: new CfnParameter(this, 'LambdaCodeS3Bucket', {
            type: 'String',
            allowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
            description: 'Bucket in this region holding the bootstrap Lambda zip (for example the SRA staging bucket)',
          }),
          key: new CfnParameter(this, 'LambdaCodeS3Key', {
            type: 'String',
            default: `ami-bakery/lambda_code/bootstrap-lambda-${SOLUTION_VERSION}.zip`,
            allowedPattern: "^[\\w!.*'()/-]{1,1024}\\.zip$",
            description: 'Key of the bootstrap Lambda zip; use a new key per version so CloudFormation updates the code',
          }),
        }
      : undefined;

    const hasAlarmEmail = new CfnCondition(this, 'HasAlarmEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(p.AlarmEmail.valueAsString, '')),
    });
    const hasLogKmsKey = new CfnCondition(this, 'HasLogKmsKey', {
      expression: Fn.conditionNot(Fn.conditionEquals(p.LogKmsKeyArn.valueAsString, '')),
    });

    const functionName = sub('${NamePrefix}-bootstrap');
    const alarmName = sub('${NamePrefix}-bootstrap-dead-letters');
    const alarmArn = sub('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${NamePrefix}-bootstrap-dead-letters');
    const configurationRoleArn = sub('arn:${AWS::Partition}:iam::${BakeryAccountId}:role/${ConfigurationRoleName}');
    const accountRoot = new iam.AccountRootPrincipal();

    // ----- Key for the dead-letter queue and the alarm topic -----
    const key = accountKey(this, 'NotificationKey', {
      description: 'AMI Bakery: bootstrap dead-letter queue and alarm topic',
      dataUse: [
        // Data use only through SQS and SNS in this account; IAM policies decide who.
        new iam.PolicyStatement({
          sid: 'UseThroughSqsAndSns',
          principals: [accountRoot],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: {
            StringEquals: {
              'kms:CallerAccount': Aws.ACCOUNT_ID,
              'kms:ViaService': [sub('sqs.${AWS::Region}.${AWS::URLSuffix}'), sub('sns.${AWS::Region}.${AWS::URLSuffix}')],
            },
          },
        }),
        // CloudWatch publishes the alarm to the encrypted topic with its own principal.
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmToEncryptedTopic',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnEquals: { 'aws:SourceArn': alarmArn } },
        }),
        // Grants only for AWS services acting for a resource (SQS, SNS): nobody hands the key on.
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
    const keyRef = kms.Key.fromKeyArn(this, 'NotificationKeyRef', key.attrArn);

    // ----- Failure path: async invocations that fail twice land here -----
    const dlq = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: keyRef,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      dlq,
      "This queue is the bootstrap Lambda's dead-letter queue: its messages are kept 14 days and raise the alarm; a dead-letter queue of its own would only move them again.",
      controlTowerFinding('sqs_dlq_check'),
    );

    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'AMI Bakery bootstrap alarms',
      masterKey: keyRef,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnEquals: { 'aws:SourceArn': alarmArn } },
      }),
    );
    const subscription = new sns.CfnSubscription(this, 'AlarmEmailSubscription', {
      topicArn: topic.topicArn,
      protocol: 'email',
      endpoint: p.AlarmEmail.valueAsString,
    });
    subscription.cfnOptions.condition = hasAlarmEmail;

    new cloudwatch.CfnAlarm(this, 'DeadLetterAlarm', {
      alarmName,
      alarmDescription:
        'AMI Bakery: the bootstrap Lambda failed an asynchronous invocation; read its log group and the message in the dead-letter queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ name: 'QueueName', value: dlq.queueName }],
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // The first dead letter is already a failure worth a look.
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      // An idle queue reports no data; that is the healthy state, not an alarm.
      treatMissingData: 'notBreaching',
      alarmActions: [topic.topicArn],
    });

    // ----- Log group -----
    const logGroup = new logs.CfnLogGroup(this, 'LogGroup', {
      logGroupName: sub('/aws/lambda/${NamePrefix}-bootstrap'),
      retentionInDays: p.LogRetentionInDays.valueAsNumber,
      kmsKeyId: Fn.conditionIf(hasLogKmsKey.logicalId, p.LogKmsKeyArn.valueAsString, Aws.NO_VALUE).toString(),
    });
    acknowledge(
      logGroup,
      'Retention and the customer managed key are operator parameters (LogRetentionInDays, default 14 days as in the SRA solution; LogKmsKeyArn, optional), so the template holds a reference the rules cannot judge; without a key CloudWatch Logs encrypts at rest with its own, and every bootstrap action is also in CloudTrail.',
      controlTowerFinding('cloudwatch_log_group_retention_period_check'),
      controlTowerFinding('cloudwatch_log_group_encrypted_check'),
    );
    acknowledge(
      this,
      'LogKmsKeyArn defaults to empty, and the HasLogKmsKey condition only passes it to KmsKeyId when it is set (and then matches the key ARN pattern); the validator substitutes the default into the guarded branch.',
      'CloudFormation-Validate::W1030',
    );

    // ----- Lambda execution role -----
    const role = new iam.Role(this, 'BootstrapLambdaRole', {
      description: 'AMI Bakery: bootstrap Lambda; may only assume the configuration role in the bakery account',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } }),
      inlinePolicies: {
        Bootstrap: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ sid: 'AssumeConfigurationRole', actions: ['sts:AssumeRole'], resources: [configurationRoleArn] }),
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              // The Arn attribute already ends in ":*", which covers the group's streams.
              resources: [logGroup.attrArn],
            }),
            new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }),
            new iam.PolicyStatement({
              sid: 'DeadLetterEncryption',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
              resources: [key.attrArn],
            }),
          ],
        }),
      },
    });

    // ----- Bootstrap Lambda -----
    let functionCode: lambda.CfnFunction.CodeProperty;
    if (code) {
      functionCode = { s3Bucket: code.bucket.valueAsString, s3Key: code.key.valueAsString };
    } else {
      const lambdaCode = props.lambdaCode as { kind: 'asset'; codeDir?: string };
      const asset = new s3assets.Asset(this, 'BootstrapLambdaCode', { path: resolveLambdaCodeDir(lambdaCode.codeDir) });
      functionCode = { s3Bucket: asset.s3BucketName, s3Key: asset.s3ObjectKey };
    }
    const fn = new lambda.CfnFunction(this, 'BootstrapFunction', {
      functionName,
      description: 'AMI Bakery: deploys, updates and tears down the bakery stack in the bakery account',
      runtime: lambda.Runtime.NODEJS_24_X.name,
      architectures: ['arm64'],
      handler: LAMBDA_HANDLER,
      code: functionCode,
      memorySize: 512,
      timeout: LAMBDA_TIMEOUT_SECONDS,
      role: role.roleArn,
      deadLetterConfig: { targetArn: dlq.queueArn },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.ref, applicationLogLevel: p.LogLevel.valueAsString, systemLogLevel: 'WARN' },
      environment: { variables: { POWERTOOLS_SERVICE_NAME: 'ami-bakery-bootstrap', POWERTOOLS_LOG_LEVEL: p.LogLevel.valueAsString } },
    });
    acknowledge(
      fn,
      'The bootstrap Lambda talks only to AWS APIs (STS, and with the configuration role CloudFormation, S3 and CodeCommit in the bakery account) and to no network resource; a VPC would add interface endpoints or a NAT gateway for nothing it could protect.',
      controlTowerFinding('lambda_inside_vpc_check'),
    );

    // ----- Configuration role in the bakery account, bakery region only -----
    const stackSet = new cloudformation.CfnStackSet(this, 'BakeryAccessStackSet', {
      stackSetName: sub('${NamePrefix}-bakery-access'),
      description: 'AMI Bakery: configuration role and bakery stack deploy role in the bakery account',
      // Service-managed: Organizations trusted access replaces the StackSet admin/execution roles, and
      // the INTERSECTION of the root OU with one account id reaches the bakery account and nothing else.
      permissionModel: 'SERVICE_MANAGED',
      callAs: 'SELF',
      autoDeployment: { enabled: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureToleranceCount: 0, maxConcurrentCount: 1, regionConcurrencyType: 'SEQUENTIAL' },
      templateBody: JSON.stringify(props.accessTemplate ?? synthAccessTemplate()),
      parameters: [
        { parameterKey: 'ManagementAccountId', parameterValue: Aws.ACCOUNT_ID },
        { parameterKey: 'LambdaRoleArn', parameterValue: role.roleArn },
        { parameterKey: 'ConfigurationRoleName', parameterValue: p.ConfigurationRoleName.valueAsString },
        { parameterKey: 'BakeryStackName', parameterValue: p.BakeryStackName.valueAsString },
        { parameterKey: 'NamePrefix', parameterValue: p.NamePrefix.valueAsString },
        { parameterKey: 'RepositoryName', parameterValue: p.RepositoryName.valueAsString },
      ],
      stackInstancesGroup: [
        {
          deploymentTargets: {
            organizationalUnitIds: [p.RootOrganizationalUnitId.valueAsString],
            accounts: [p.BakeryAccountId.valueAsString],
            accountFilterType: 'INTERSECTION',
          },
          // The bakery region, whatever this stack's region: IAM is global, the role ARNs it scopes are regional.
          regions: [p.BakeryRegion.valueAsString],
        },
      ],
    });

    // ----- The custom resource: every setting is a property, so any change reaches the Lambda as Update -----
    const bootstrap = new CustomResource(this, 'Bootstrap', {
      resourceType: 'Custom::AmiBakeryBootstrap',
      serviceToken: fn.attrArn,
      // A little longer than the Lambda may run: it always answers, this only bounds a lost answer.
      serviceTimeout: Duration.seconds(LAMBDA_TIMEOUT_SECONDS + 60),
      properties: {
        BakeryAccountId: p.BakeryAccountId.valueAsString,
        BakeryRegion: p.BakeryRegion.valueAsString,
        ConfigurationRoleName: p.ConfigurationRoleName.valueAsString,
        BakeryStackName: p.BakeryStackName.valueAsString,
        NamePrefix: p.NamePrefix.valueAsString,
        RepositoryName: p.RepositoryName.valueAsString,
        BranchName: p.BranchName.valueAsString,
        SourceType: p.SourceType.valueAsString,
        SourceObjectKey: p.SourceObjectKey.valueAsString,
        RecipeStackPrefix: p.RecipeStackPrefix.valueAsString,
        OrganizationId: p.OrganizationId.valueAsString,
        ManagementAccountId: Aws.ACCOUNT_ID,
        SeedRecipes: p.SeedRecipes.valueAsString,
        Purge: p.Purge.valueAsString,
        Prune: p.Prune.valueAsString,
        DeployConcurrency: p.DeployConcurrency.valueAsString,
        EvidenceLockMode: p.EvidenceLockMode.valueAsString,
        EvidenceLockDays: p.EvidenceLockDays.valueAsString,
        NotificationEmail: p.NotificationEmail.valueAsString,
        SolutionVersion: p.SolutionVersion.valueAsString,
      },
    });
    // The configuration role must exist before the Lambda assumes it, and must outlive the Delete.
    bootstrap.node.addDependency(stackSet);

    new CfnOutput(this, 'BootstrapFunctionArn', { value: fn.attrArn, description: 'The bootstrap Lambda' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: dlq.queueUrl,
      description: 'Failed asynchronous invocations of the bootstrap Lambda',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn, description: 'Alarm topic; subscribe more endpoints here' });
    new CfnOutput(this, 'BakeryAccessStackSetId', { value: stackSet.attrStackSetId, description: 'StackSet of the configuration role' });
    new CfnOutput(this, 'ConfigurationRoleArn', {
      value: configurationRoleArn,
      description: 'Role the Lambda assumes in the bakery account',
    });
  }
}

export { type LambdaCodeSource, LOG_RETENTION_DAYS, ManagementStack, type ManagementStackProps, SOLUTION_VERSION };
