/**
 * The image catalog in the bakery stack: the image-events function
 * (Image Builder state changes -> candidate channel, superseded images, events) and the optional
 * notification topic with an e-mail subscription. The function's grants are exactly
 * `IMAGE_EVENTS_PERMISSIONS` (data), rendered like the deployer's list; the deployer's catalog
 * statements are part of `DEPLOYER_PERMISSIONS` and granted with the rest of it.
 */

import { IMAGE_EVENTS_PERMISSIONS } from '@ami-bakery/image-events/permissions';
import {
  Aws,
  CfnCondition,
  type CfnParameter,
  aws_events as events,
  Fn,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  type Stack,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { controlTowerFinding } from './control-tower.js';
import { acknowledge } from './nag.js';
import {
  artifactBucketName,
  catalogNotificationRuleName,
  catalogTopicName,
  imageEventsFunctionName,
  imageEventsRoleName,
  imageEventsRuleName,
} from './names.js';
import { permissionStatements } from './permission-statements.js';

/** AwsSolutions-IAM5 findings of the catalog statements, one per wildcard resource (acknowledged with the reason below). */
const CATALOG_WILDCARDS = [
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:imagebuilder:<AWS::Region>:<AWS::AccountId>:image/<RecipeStackPrefix>*/*/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:parameter/ami-bakery/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ram:*:<AWS::AccountId>:resource-share/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*::image/*]',
];
const CATALOG_REASON =
  "Image catalog: ec2:DescribeImages, ram:CreateResourceShare and the RAM lookups take no resource; image builds, channel parameters (/ami-bakery/<recipe>/<channel>), the RAM share and AMIs have generated ids or per-recipe names in every distribution region. Writes are bounded by conditions: only this account's AMIs tagged ami-bakery:recipe, only the catalog's own tag keys, RAM only with the organization as principal and no external principals, never the distribution's /latest parameter, events only with source ami-bakery.";

interface ImageEventsProps {
  readonly namePrefix: CfnParameter;
  readonly recipeStackPrefix: CfnParameter;
  readonly organizationId: CfnParameter;
  readonly managementAccountId: CfnParameter;
  readonly codeKey: CfnParameter;
  readonly notificationEmail: CfnParameter;
  readonly controlBucket: string;
  /** Placeholders of the permission list filled with Fn::Sub text, and with deploy-time values (see `permissionStatements`). */
  readonly grantText: Readonly<Record<string, string>>;
  readonly grantTokens: Readonly<Record<string, string>>;
  /** Names of the two buckets, for the function's environment. */
  readonly artifactBucketName: string;
  readonly evidenceBucketName: string;
  /** Logical id of the evidence bucket: the function's grant on its summaries names it. */
  readonly evidenceBucketLogicalId: string;
}

const LOG_RETENTION_DAYS = 365;

/** The image-events function, its rule, and the optional notification topic. */
function addImageEvents(stack: Stack, props: ImageEventsProps): void {
  const sub = (text: string) => Fn.sub(text);
  const P = '${NamePrefix}';
  const logGroup = new logs.CfnLogGroup(stack, 'ImageEventsLogGroup', {
    logGroupName: sub(`/aws/lambda/${imageEventsFunctionName(P)}`),
    retentionInDays: LOG_RETENTION_DAYS,
  });
  acknowledge(
    logGroup,
    'The image-events function logs recipe names, image versions and AMI ids, no secrets; CloudWatch Logs encrypts them at rest with its own key, and the bakery key admits data use through S3 only.',
    controlTowerFinding('cloudwatch_log_group_encrypted_check'),
  );
  const role = new iam.Role(stack, 'ImageEventsRole', {
    roleName: sub(imageEventsRoleName(P)),
    description: 'AMI Bakery: the image-events function',
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } }),
    inlinePolicies: {
      ImageEvents: new iam.PolicyDocument({
        statements: [
          ...permissionStatements(IMAGE_EVENTS_PERMISSIONS, props.grantText, props.grantTokens),
          new iam.PolicyStatement({
            sid: 'OwnLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [logGroup.attrArn],
          }),
        ],
      }),
    },
  });
  acknowledge(
    role,
    `${CATALOG_REASON} The function reads catalog settings under catalog/ of the artifact bucket and evidence summaries only (evidence/*/summary.json).`,
    ...CATALOG_WILDCARDS.filter((id) => !id.includes('<AWS::AccountId>:parameter/ami-bakery/*]')),
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:parameter/ami-bakery/*/candidate]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:parameter/ami-bakery/*]',
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${artifactBucketName('<NamePrefix>', '<AWS::AccountId>', '<AWS::Region>')}/catalog/*]`,
    `AwsSolutions-IAM5[Resource::${JSON.stringify(['arn:${AWS::Partition}:s3:::${EvidenceBucket}/evidence/*/summary.json', { EvidenceBucket: { Ref: props.evidenceBucketLogicalId } }])}]`,
  );
  const fn = new lambda.CfnFunction(stack, 'ImageEventsFunction', {
    functionName: sub(imageEventsFunctionName(P)),
    description: 'AMI Bakery: candidate channel, superseded images, catalog events',
    runtime: lambda.Runtime.NODEJS_24_X.name,
    architectures: ['arm64'],
    handler: 'index.handler',
    code: { s3Bucket: props.controlBucket, s3Key: props.codeKey.valueAsString },
    memorySize: 256,
    timeout: 300,
    role: role.roleArn,
    loggingConfig: { logFormat: 'JSON', logGroup: logGroup.ref },
    environment: {
      variables: {
        RECIPE_STACK_PREFIX: props.recipeStackPrefix.valueAsString,
        NAME_PREFIX: props.namePrefix.valueAsString,
        ARTIFACT_BUCKET: props.artifactBucketName,
        EVIDENCE_BUCKET: props.evidenceBucketName,
        ORGANIZATION_ID: props.organizationId.valueAsString,
        MANAGEMENT_ACCOUNT_ID: props.managementAccountId.valueAsString,
      },
    },
  });
  acknowledge(
    fn,
    'The image-events function talks only to AWS APIs (Image Builder, EC2, SSM, RAM, EventBridge, S3) and to no network resource; it runs a few seconds per image build, EventBridge retries it, and a VPC would add endpoints for nothing it could protect.',
    controlTowerFinding('lambda_inside_vpc_check'),
  );
  const rule = new events.CfnRule(stack, 'ImageStateRule', {
    name: sub(imageEventsRuleName(P)),
    description: 'AMI Bakery: a recipe image became AVAILABLE or FAILED',
    state: 'ENABLED',
    eventPattern: {
      source: ['aws.imagebuilder'],
      'detail-type': ['EC2 Image Builder Image State Change'],
      resources: [{ prefix: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:${AWS::AccountId}:image/${RecipeStackPrefix}') }],
      detail: { state: { status: ['AVAILABLE', 'FAILED'] } },
    },
    targets: [{ id: 'ImageEvents', arn: fn.attrArn }],
  });
  new lambda.CfnPermission(stack, 'ImageStateRuleInvoke', {
    action: 'lambda:InvokeFunction',
    functionName: fn.ref,
    principal: 'events.amazonaws.com',
    sourceArn: rule.attrArn,
    sourceAccount: Aws.ACCOUNT_ID,
  });

  // ----- Optional: the catalog events by e-mail -----
  const hasEmail = new CfnCondition(stack, 'HasNotificationEmail', {
    expression: Fn.conditionNot(Fn.conditionEquals(props.notificationEmail.valueAsString, '')),
  });
  const topic = new sns.CfnTopic(stack, 'CatalogTopic', {
    topicName: sub(catalogTopicName(P)),
    displayName: 'AMI Bakery image catalog',
  });
  topic.cfnOptions.condition = hasEmail;
  // Not encrypted with a key of the bakery: EventBridge publishes only to topics whose key policy
  // admits it, and the bakery key admits data use through S3 only. The messages carry recipe names,
  // image versions, AMI ids and scores, which every account of the organization may read anyway.
  const notifyRuleArn = sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${catalogNotificationRuleName(P)}`);
  const policy = new sns.CfnTopicPolicy(stack, 'CatalogTopicPolicy', {
    topics: [topic.ref],
    policyDocument: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'CatalogRule',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.ref],
          conditions: { ArnEquals: { 'aws:SourceArn': notifyRuleArn } },
        }),
        new iam.PolicyStatement({
          sid: 'TlsOnly',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Publish'],
          resources: [topic.ref],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ],
    }),
  });
  policy.cfnOptions.condition = hasEmail;
  const subscription = new sns.CfnSubscription(stack, 'CatalogEmail', {
    topicArn: topic.ref,
    protocol: 'email',
    endpoint: props.notificationEmail.valueAsString,
  });
  subscription.cfnOptions.condition = hasEmail;
  const notify = new events.CfnRule(stack, 'CatalogNotifyRule', {
    name: sub(catalogNotificationRuleName(P)),
    description: 'AMI Bakery: catalog e-mail',
    state: 'ENABLED',
    eventPattern: { source: ['ami-bakery'] },
    targets: [
      {
        id: 'Email',
        arn: topic.ref,
        inputTransformer: {
          inputPathsMap: { t: '$.detail-type', r: '$.detail.recipe', i: '$.detail.image', a: '$.detail.amis', s: '$.detail.score' },
          // Plain text (not a JSON string): the e-mail body is one line, the AMI map inserted as JSON.
          inputTemplate: '<t>: <r> <i>, AMIs <a>, score <s>',
        },
      },
    ],
  });
  notify.cfnOptions.condition = hasEmail;
}

export { addImageEvents, CATALOG_REASON, CATALOG_WILDCARDS };
