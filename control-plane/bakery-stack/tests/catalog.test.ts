import { renderPermissions } from '@ami-bakery/deployer/permissions';
import { IMAGE_EVENTS_PERMISSIONS } from '@ami-bakery/image-events/permissions';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthBakeryTemplate } from '../src/index.js';
import { resolve, type Scope } from './cfn-eval.js';
import { getAtt, inlinePolicy, type Json, ref, resource, sub } from './support.js';

process.env.CDK_VALIDATION = 'false';

let template: Template;
let json: Json;

beforeAll(() => {
  json = synthBakeryTemplate() as Json;
  template = Template.fromJSON(json);
});

const EMAIL_RESOURCES = [
  ['AWS::SNS::Topic', 'CatalogTopic'],
  ['AWS::SNS::TopicPolicy', 'CatalogTopicPolicy'],
  ['AWS::SNS::Subscription', 'CatalogEmail'],
  ['AWS::Events::Rule', 'CatalogNotifyRule'],
] as const;

describe('BakeryStack image catalog', () => {
  it('takes the image-events code key from the bootstrap Lambda and an optional e-mail address', () => {
    const parameters = json.Parameters as Record<string, Json>;
    expect(parameters.ImageEventsCodeKey).toMatchObject({ AllowedPattern: '^image-events/[0-9a-f]{64}\\.zip$' });
    expect(parameters.ImageEventsCodeKey).not.toHaveProperty('Default');
    expect(parameters.NotificationEmail).toMatchObject({ Default: '', AllowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' });
  });

  it('image-events role: exactly the statements of IMAGE_EVENTS_PERMISSIONS, placeholders filled, and its own logs', () => {
    // Prepare: one deployment's values, as CloudFormation would resolve them.
    const keyArn = 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/0a1b';
    const evidence = resource(template, 'AWS::S3::Bucket', 'EvidenceBucket').id;
    const scope: Scope = {
      values: {
        'AWS::Partition': 'aws-us-gov',
        'AWS::Region': 'us-gov-west-1',
        'AWS::AccountId': '111122223333',
        'AWS::URLSuffix': 'amazonaws.com',
        NamePrefix: 'bakery',
        RecipeStackPrefix: 'bakery-recipe-',
        OrganizationId: 'o-a1b2c3d4e5',
        ManagementAccountId: '999988887777',
      },
      ref: (id) => id,
      getAtt: (id, attribute) => `${id}.${attribute}`,
      imports: { 'bakery-artifact-key-arn': keyArn },
    };
    const role = resource(template, 'AWS::IAM::Role', 'ImageEventsRole');
    // Act
    const statements = resolve(inlinePolicy(role.props, 'ImageEvents'), scope) as Json[];
    // Assess
    const expected = renderPermissions(
      {
        partition: 'aws-us-gov',
        region: 'us-gov-west-1',
        accountId: '111122223333',
        urlSuffix: 'amazonaws.com',
        artifactBucket: 'bakery-artifacts-111122223333-us-gov-west-1',
        recipeStackPrefix: 'bakery-recipe-',
        recipeDeployRoleArn: 'unused',
        artifactKeyArn: keyArn,
        controlBucket: 'unused',
        guardRulesKey: 'unused',
        namePrefix: 'bakery',
        organizationId: 'o-a1b2c3d4e5',
        managementAccountId: '999988887777',
        evidenceBucket: evidence,
      },
      IMAGE_EVENTS_PERMISSIONS,
    ).map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    }));
    expect(statements).toEqual([
      ...expected,
      { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['ImageEventsLogGroup.Arn'] },
    ]);
    expect(JSON.stringify(statements)).not.toContain('${');
    expect(role.props.RoleName).toEqual(sub('${NamePrefix}-image-events'));
  });

  it('runs the function on AVAILABLE and FAILED images of recipe stacks only, invoked only by its rule', () => {
    const rule = resource(template, 'AWS::Events::Rule', 'ImageStateRule');
    expect(rule.props).toMatchObject({
      Name: sub('${NamePrefix}-image-state'),
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.imagebuilder'],
        'detail-type': ['EC2 Image Builder Image State Change'],
        resources: [{ prefix: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:${AWS::AccountId}:image/${RecipeStackPrefix}') }],
        detail: { state: { status: ['AVAILABLE', 'FAILED'] } },
      },
      Targets: [{ Id: 'ImageEvents', Arn: getAtt('ImageEventsFunction') }],
    });
    expect(resource(template, 'AWS::Lambda::Permission', 'ImageStateRuleInvoke').props).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: ref('ImageEventsFunction'),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(rule.id),
      SourceAccount: ref('AWS::AccountId'),
    });
    const fn = resource(template, 'AWS::Lambda::Function', 'ImageEventsFunction').props;
    expect(fn.Code).toEqual({ S3Bucket: sub('${NamePrefix}-control-${AWS::AccountId}-${AWS::Region}'), S3Key: ref('ImageEventsCodeKey') });
    expect(Object.keys((fn.Environment as Json).Variables as Json).sort()).toEqual([
      'ARTIFACT_BUCKET',
      'EVIDENCE_BUCKET',
      'MANAGEMENT_ACCOUNT_ID',
      'NAME_PREFIX',
      'ORGANIZATION_ID',
      'RECIPE_STACK_PREFIX',
    ]);
  });

  it.each(EMAIL_RESOURCES)('creates %s %s only with a NotificationEmail', (type, id) => {
    expect(resource(template, type, id).raw.Condition).toBe('HasNotificationEmail');
  });

  it('e-mails only the ami-bakery events, published only by its rule, over TLS', () => {
    expect((json.Conditions as Json).HasNotificationEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ref('NotificationEmail'), ''] }] });
    expect(resource(template, 'AWS::SNS::Subscription', 'CatalogEmail').props).toEqual({
      TopicArn: ref('CatalogTopic'),
      Protocol: 'email',
      Endpoint: ref('NotificationEmail'),
    });
    expect(resource(template, 'AWS::Events::Rule', 'CatalogNotifyRule').props).toMatchObject({
      Name: sub('${NamePrefix}-catalog-notify'),
      EventPattern: { source: ['ami-bakery'] },
      Targets: [
        {
          Id: 'Email',
          Arn: ref('CatalogTopic'),
          InputTransformer: {
            InputPathsMap: { t: '$.detail-type', r: '$.detail.recipe', i: '$.detail.image', a: '$.detail.amis', s: '$.detail.score' },
            InputTemplate: '<t>: <r> <i>, AMIs <a>, score <s>',
          },
        },
      ],
    });
    const policy = resource(template, 'AWS::SNS::TopicPolicy', 'CatalogTopicPolicy').props.PolicyDocument as Json;
    expect(policy.Statement).toEqual([
      {
        Sid: 'CatalogRule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: ref('CatalogTopic'),
        Condition: {
          ArnEquals: {
            'aws:SourceArn': sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${NamePrefix}-catalog-notify'),
          },
        },
      },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Resource: ref('CatalogTopic'),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it("lets recipe stacks only read /ami-bakery/ parameters: channels are the catalog functions', never a recipe stack's (RB6008)", () => {
    const statements = inlinePolicy(resource(template, 'AWS::IAM::Role', 'RecipeDeployRole').props, 'RecipeStackResources');
    const ssm = statements.filter((s) => ([] as string[]).concat(s.Action as string[]).some((a) => a.startsWith('ssm:')));
    expect(ssm.map((s) => [s.Sid, s.Action])).toEqual([
      ['PublicParameterLookup', ['ssm:GetParameter', 'ssm:GetParameters']],
      ['RecipeSsmParameters', ['ssm:GetParameter', 'ssm:GetParameters']],
    ]);
  });
});
