import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeCommitClient, CreateCommitCommand, DeleteRepositoryCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { NOT_CREATED_MARKER } from '../src/properties.js';
import type { CustomResourceResponse } from '../src/response.js';
import {
  ACCOUNT,
  arn,
  awsError,
  BAKERY_REGION,
  cfnEvent,
  cfnStackId,
  MANAGEMENT_ACCOUNT,
  PHYSICAL_ID,
  RESPONSE_URL,
  ROLE_CREDENTIALS,
  ROLE_NAME,
  STACK_NAME,
  serviceToken,
  stack,
  TEMPLATE_PATH,
  tempDir,
  testDeps,
} from './helpers.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const cc = mockClient(CodeCommitClient);
const s3 = mockClient(S3Client);

const NOT_FOUND = () => awsError('ValidationError', `Stack with id ${STACK_NAME} does not exist`);
const MARKER = `${NOT_CREATED_MARKER}/a1b2c3d4-0000-4000-8000-000000000001`;
const TEMPLATE_BODY = JSON.stringify(JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')));
const EXPECTED_PARAMETERS = [
  { ParameterKey: 'NamePrefix', ParameterValue: 'ami-bakery' },
  { ParameterKey: 'RepositoryName', ParameterValue: 'ami-bakery-recipes' },
  { ParameterKey: 'BranchName', ParameterValue: 'main' },
  { ParameterKey: 'SourceType', ParameterValue: 'CodeCommit' },
  { ParameterKey: 'SourceObjectKey', ParameterValue: 'source/bundle.zip' },
  { ParameterKey: 'OrganizationId', ParameterValue: 'o-abcdef1234' },
  { ParameterKey: 'ManagementAccountId', ParameterValue: MANAGEMENT_ACCOUNT },
  { ParameterKey: 'RecipeStackPrefix', ParameterValue: 'ami-bakery-recipe-' },
];
const DEPLOY_ROLE = arn('aws', 'iam', '', ACCOUNT, 'role/ami-bakery-bakery-stack-deploy');
const EXPECTED_TAGS = [
  { Key: 'ami-bakery:managed-by', Value: 'ami-bakery-bootstrap' },
  { Key: 'ami-bakery:solution-version', Value: '1.0.0' },
];
const SEED_PATHS_ALL = [
  '.bakery/published.json',
  'README.md',
  'manifest.json',
  'recipes/al2023-stig/manifest.json',
  'recipes/al2023-stig/template.yaml',
  'recipes/ubuntu-2204-cis/manifest.json',
  'recipes/ubuntu-2204-cis/template.yaml',
  'recipes/windows-2022-stig/manifest.json',
  'recipes/windows-2022-stig/template.yaml',
];

function onlyResponse(respond: { mock: { calls: unknown[][] } }): CustomResourceResponse {
  expect(respond.mock.calls).toHaveLength(1);
  const [url, body] = respond.mock.calls[0] as [string, CustomResourceResponse];
  expect(url).toBe(RESPONSE_URL);
  expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(4096);
  return body;
}

const ECHO = {
  StackId: cfnEvent('Create').StackId,
  RequestId: 'a1b2c3d4-0000-4000-8000-000000000001',
  LogicalResourceId: 'BakeryBootstrap',
  NoEcho: false,
};

beforeEach(() => {
  sts.reset();
  cfn.reset();
  cc.reset();
  s3.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: ROLE_CREDENTIALS });
});

function createsStack(final = 'CREATE_COMPLETE') {
  cfn
    .on(DescribeStacksCommand)
    .rejectsOnce(NOT_FOUND())
    .resolvesOnce({ Stacks: [stack('CREATE_IN_PROGRESS')] })
    .resolves({ Stacks: [stack(final)] });
  cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
}

describe('bootstrap: Create', () => {
  it('creates the stack in the bakery region under the configuration role, waits, then seeds the missing branch', async () => {
    // Prepare
    createsStack();
    cc.on(GetBranchCommand).rejects(awsError('BranchDoesNotExistException', 'Branch main does not exist'));
    cc.on(CreateCommitCommand).resolves({ commitId: 'c0ffee' });
    const { deps, respond, uses, clock, entries } = testDeps();

    // Act
    const returned = await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: arn('aws', 'iam', '', ACCOUNT, `role/${ROLE_NAME}`),
      RoleSessionName: 'ami-bakery-bootstrap-a1b2c3d4-0000-4000-8000-000000000001',
    });
    expect(cfn).toHaveReceivedCommandTimes(CreateStackCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(CreateStackCommand, {
      StackName: STACK_NAME,
      RoleARN: DEPLOY_ROLE,
      TemplateBody: TEMPLATE_BODY,
      Parameters: EXPECTED_PARAMETERS,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Tags: EXPECTED_TAGS,
    });
    expect(cfn).not.toHaveReceivedCommand(UpdateStackCommand);
    expect(cc).toHaveReceivedCommandWith(GetBranchCommand, { repositoryName: 'ami-bakery-recipes', branchName: 'main' });
    const commit = cc.commandCalls(CreateCommitCommand)[0]?.args[0].input;
    expect(commit).toMatchObject({ repositoryName: 'ami-bakery-recipes', branchName: 'main', authorName: 'AMI Bakery bootstrap' });
    expect(commit?.parentCommitId).toBeUndefined();
    expect(commit?.putFiles?.map((f) => f.filePath)).toEqual(SEED_PATHS_ALL);
    expect(clock.sleep).toHaveBeenCalledWith(5_000, expect.any(AbortSignal));

    const body = onlyResponse(respond);
    expect(body).toEqual({
      ...ECHO,
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Bakery stack ${STACK_NAME} is CREATE_COMPLETE in ${ACCOUNT}/${BAKERY_REGION}; seeded branch main of ami-bakery-recipes with 3 recipe(s).`,
      Data: {
        BakeryStackId: cfnStackId(),
        RepositoryName: 'ami-bakery-recipes',
        BranchName: 'main',
        SourceType: 'CodeCommit',
        SeedResult: 'seeded',
        ArtifactBucketName: 'ami-bakery-artifacts-111122223333-eu-central-1',
      },
    });
    expect(returned).toEqual(body);

    // Every client aimed at the bakery account uses the bakery region and the role's credentials.
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) {
      expect(use.region).toBe(BAKERY_REGION);
      if (use.service !== 'sts') expect(use.credentials?.accessKeyId).toBe('ASIAROLE');
    }
    // Secrets never reach the logs.
    const logged = JSON.stringify(entries);
    for (const secret of ['role-secret', 'role-token', 'X-Amz-Signature']) expect(logged).not.toContain(secret);
  });

  it.each([
    { name: 'one recipe', seed: 'ubuntu-2204-cis', recipes: ['ubuntu-2204-cis'] },
    {
      name: 'two recipes, unsorted with a duplicate',
      seed: 'windows-2022-stig,al2023-stig,al2023-stig',
      recipes: ['al2023-stig', 'windows-2022-stig'],
    },
  ])('seeds only the chosen recipes and a manifest filtered to them ($name)', async ({ seed, recipes }) => {
    // Prepare
    createsStack();
    cc.on(GetBranchCommand).rejects(awsError('BranchDoesNotExistException'));
    cc.on(CreateCommitCommand).resolves({ commitId: 'c0ffee' });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create', { props: { SeedRecipes: seed } }), clock.context, deps);

    // Assess
    const files = cc.commandCalls(CreateCommitCommand)[0]?.args[0].input.putFiles ?? [];
    const recipePaths = files.map((f) => f.filePath as string).filter((p) => p.startsWith('recipes/'));
    expect([...new Set(recipePaths.map((p) => p.split('/')[1]))]).toEqual(recipes);
    const manifest = JSON.parse(Buffer.from(files.find((f) => f.filePath === 'manifest.json')?.fileContent ?? []).toString());
    expect(manifest.recipes.map((r: { name: string }) => r.name)).toEqual(recipes);
    expect(manifest).toMatchObject({ formatVersion: 2, partial: true });
    expect(manifest.sourceCommit).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(onlyResponse(respond).Status).toBe('SUCCESS');
  });

  it('leaves an existing branch alone and says so', async () => {
    // Prepare
    createsStack();
    cc.on(GetBranchCommand).resolves({ branch: { branchName: 'main', commitId: 'feed' } });
    const { deps, respond, clock, entries } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(cc).not.toHaveReceivedCommand(CreateCommitCommand);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'Branch already exists; leaving the repository alone' }),
    );
    const body = onlyResponse(respond);
    expect(body.Status).toBe('SUCCESS');
    expect(body.Reason).toContain('branch main of ami-bakery-recipes already exists, left unchanged');
    expect(body.Data?.SeedResult).toBe('kept');
  });

  it('repeated Create on a healthy stack updates it instead of failing on AlreadyExists', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cfn.on(UpdateStackCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(cfn).not.toHaveReceivedCommand(CreateStackCommand);
    expect(cfn).toHaveReceivedCommandWith(UpdateStackCommand, {
      StackName: STACK_NAME,
      TemplateBody: TEMPLATE_BODY,
      Parameters: EXPECTED_PARAMETERS,
    });
    expect(onlyResponse(respond)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('deletes a stack left in ROLLBACK_COMPLETE, waits for it to go, and creates it again', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('ROLLBACK_COMPLETE')] })
      .resolvesOnce({ Stacks: [stack('DELETE_IN_PROGRESS')] })
      .rejectsOnce(NOT_FOUND())
      .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});
    cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    const order = cfn.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(order).toEqual([
      'DescribeStacksCommand',
      'DeleteStackCommand',
      'DescribeStacksCommand',
      'DescribeStacksCommand',
      'CreateStackCommand',
      'DescribeStacksCommand',
    ]);
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK_NAME });
    expect(onlyResponse(respond)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('reports the resource failures when the new stack rolls back, keeping the id so the rollback Delete cleans up', async () => {
    // Prepare
    createsStack('ROLLBACK_COMPLETE');
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        {
          StackId: 'x',
          EventId: '3',
          StackName: STACK_NAME,
          Timestamp: new Date(3),
          LogicalResourceId: STACK_NAME,
          ResourceStatus: 'ROLLBACK_COMPLETE',
        },
        {
          StackId: 'x',
          EventId: '2',
          StackName: STACK_NAME,
          Timestamp: new Date(2),
          LogicalResourceId: 'Pipeline',
          ResourceType: 'AWS::CodePipeline::Pipeline',
          ResourceStatus: 'CREATE_FAILED',
          ResourceStatusReason: 'Resource creation cancelled',
        },
        {
          StackId: 'x',
          EventId: '1',
          StackName: STACK_NAME,
          Timestamp: new Date(1),
          LogicalResourceId: 'ArtifactBucket',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'CREATE_FAILED',
          ResourceStatusReason: 'bucket name already taken',
        },
      ],
    });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(cc).not.toHaveReceivedAnyCommand();
    expect(onlyResponse(respond)).toEqual({
      ...ECHO,
      Status: 'FAILED',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} failed to create: it is ROLLBACK_COMPLETE. Resource failures: ArtifactBucket (AWS::S3::Bucket) CREATE_FAILED: bucket name already taken`,
    });
  });

  it('answers FAILED with advice when the stack is still in progress as time runs out', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(NOT_FOUND())
      .resolves({ Stacks: [stack('CREATE_IN_PROGRESS')] });
    cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
    const { deps, respond, clock } = testDeps();
    const short = { getRemainingTimeInMillis: () => 60_000 - clock.elapsed() };

    // Act
    await bootstrap(cfnEvent('Create'), short, deps);

    // Assess
    const body = onlyResponse(respond);
    expect(body.Status).toBe('FAILED');
    expect(body.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(body.Reason).toContain(`Bakery stack ${STACK_NAME} is still CREATE_IN_PROGRESS and this invocation ran out of time`);
    expect(body.Reason).toContain('Provider mode (onEvent/isComplete)');
    // It stopped polling with the safety margin left, instead of running into the Lambda timeout.
    expect(short.getRemainingTimeInMillis()).toBeGreaterThanOrEqual(20_000);
  });

  it('takes the partition from the ServiceToken ARN (GovCloud)', async () => {
    // Prepare
    createsStack();
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond, clock } = testDeps();
    const event = cfnEvent('Create', {
      ServiceToken: serviceToken('aws-us-gov'),
      props: { BakeryRegion: 'us-gov-west-1', ServiceToken: serviceToken('aws-us-gov') },
    });

    // Act
    await bootstrap(event, clock.context, deps);

    // Assess
    expect(sts).not.toHaveReceivedCommand(GetCallerIdentityCommand);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: arn('aws-us-gov', 'iam', '', ACCOUNT, `role/${ROLE_NAME}`) });
    expect(cfn).toHaveReceivedCommandWith(CreateStackCommand, {
      RoleARN: arn('aws-us-gov', 'iam', '', ACCOUNT, 'role/ami-bakery-bakery-stack-deploy'),
    });
    expect(onlyResponse(respond)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${ACCOUNT}/us-gov-west-1/${STACK_NAME}` });
  });

  it('asks STS for the partition when the event carries no usable ServiceToken (China)', async () => {
    // Prepare
    createsStack();
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: arn('aws-cn', 'sts', '', MANAGEMENT_ACCOUNT, 'assumed-role/lambda/fn'), Account: MANAGEMENT_ACCOUNT });
    const { deps, respond, clock, uses } = testDeps();
    const event = cfnEvent('Create', { ServiceToken: undefined, props: { ServiceToken: undefined, BakeryRegion: 'cn-north-1' } });

    // Act
    await bootstrap(event, clock.context, deps);

    // Assess
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: arn('aws-cn', 'iam', '', ACCOUNT, `role/${ROLE_NAME}`) });
    expect(uses.filter((u) => u.service === 'sts').map((u) => u.region)).toEqual(['cn-north-1', 'cn-north-1']);
    expect(onlyResponse(respond).Status).toBe('SUCCESS');
  });

  it('keeps the Reason within the 4 KB response limit when an error message is huge', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(NOT_FOUND());
    cfn.on(CreateStackCommand).rejects(awsError('ValidationError', `Template error: ${'"quoted" \n'.repeat(2_000)}`));
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    const body = onlyResponse(respond);
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(/^cloudformation:CreateStack in 111122223333\/eu-central-1 failed with ValidationError: Template error/);
    expect(body.Reason.endsWith(' [truncated; see the Lambda logs]')).toBe(true);
  });
});

describe('bootstrap: Update', () => {
  it('updates the stack and waits for UPDATE_COMPLETE', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('CREATE_COMPLETE')] })
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolvesOnce({ Stacks: [stack('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(UpdateStackCommand).resolves({ StackId: cfnStackId() });
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Update', { props: { BranchName: 'release' } }), clock.context, deps);

    // Assess
    expect(cfn).toHaveReceivedCommandWith(UpdateStackCommand, {
      StackName: STACK_NAME,
      RoleARN: DEPLOY_ROLE,
      TemplateBody: TEMPLATE_BODY,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Tags: EXPECTED_TAGS,
      Parameters: EXPECTED_PARAMETERS.map((p) => (p.ParameterKey === 'BranchName' ? { ...p, ParameterValue: 'release' } : p)),
    });
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 4);
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Bakery stack ${STACK_NAME} is UPDATE_COMPLETE in ${ACCOUNT}/${BAKERY_REGION}; branch release of ami-bakery-recipes already exists, left unchanged.`,
    });
  });

  it('treats "No updates are to be performed" as success without waiting', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(UpdateStackCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Update'), clock.context, deps);

    // Assess
    expect(clock.sleep).not.toHaveBeenCalled();
    expect(onlyResponse(respond)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('waits out an operation already running before updating', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolvesOnce({ Stacks: [stack('UPDATE_COMPLETE')] })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(UpdateStackCommand).resolves({});
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Update'), clock.context, deps);

    // Assess
    const order = cfn.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(order.indexOf('UpdateStackCommand')).toBe(3);
    expect(onlyResponse(respond).Status).toBe('SUCCESS');
  });

  it.each([
    { status: 'UPDATE_ROLLBACK_FAILED', advice: 'run "Continue update rollback" on it' },
    { status: 'DELETE_FAILED', advice: 'delete it again from the CloudFormation console' },
  ])('refuses a stack in $status with the console action that fixes it', async ({ status, advice }) => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Update'), clock.context, deps);

    // Assess
    expect(cfn).not.toHaveReceivedCommand(UpdateStackCommand);
    const body = onlyResponse(respond);
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(body.Reason).toBe(
      `Bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} is ${status}: ${advice}${body.Reason.slice(body.Reason.indexOf(advice) + advice.length)}`,
    );
  });

  it('a rolled-back update fails and keeps the current PhysicalResourceId', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('UPDATE_COMPLETE')] })
      .resolves({ Stacks: [stack('UPDATE_ROLLBACK_COMPLETE', { StackStatusReason: 'Resource update cancelled' })] });
    cfn.on(UpdateStackCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).rejects(awsError('AccessDenied', 'no events for you', 403));
    const { deps, respond, clock, entries } = testDeps();
    const moved = cfnEvent('Update', { PhysicalResourceId: `${ACCOUNT}/eu-west-1/${STACK_NAME}` });

    // Act
    await bootstrap(moved, clock.context, deps);

    // Assess
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: `${ACCOUNT}/eu-west-1/${STACK_NAME}`,
      Reason: `Bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} failed to update: it is UPDATE_ROLLBACK_COMPLETE (Resource update cancelled).`,
    });
    expect(entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'Could not read the bakery stack events' }));
  });
});

describe('bootstrap: S3 source', () => {
  const s3Props = { SourceType: 'S3', SourceObjectKey: 'source/bundle.zip' };

  it('uploads a zip of the seed to SourceObjectKey when the object does not exist', async () => {
    // Prepare
    createsStack();
    s3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
    s3.on(PutObjectCommand).resolves({});
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create', { props: s3Props }), clock.context, deps);

    // Assess
    expect(cc).not.toHaveReceivedAnyCommand();
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1',
      Key: 'source/bundle.zip',
    });
    const put = s3.commandCalls(PutObjectCommand).find((c) => !String(c.args[0].input.Bucket).includes('-control-'))?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1',
      Key: 'source/bundle.zip',
      ContentType: 'application/zip',
      IfNoneMatch: '*',
    });
    const zip = put?.Body as Buffer;
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(zip.includes(Buffer.from('recipes/al2023-stig/template.yaml'))).toBe(true);
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'SUCCESS',
      Reason: `Bakery stack ${STACK_NAME} is CREATE_COMPLETE in ${ACCOUNT}/${BAKERY_REGION}; uploaded the seed (3 recipe(s)) to s3://ami-bakery-artifacts-111122223333-eu-central-1/source/bundle.zip.`,
    });
  });

  it('leaves an existing source object alone', async () => {
    // Prepare
    createsStack();
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10 });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create', { props: s3Props }), clock.context, deps);

    // Assess
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1' });
    expect(onlyResponse(respond).Reason).toContain(
      's3://ami-bakery-artifacts-111122223333-eu-central-1/source/bundle.zip already exists, left unchanged',
    );
  });

  it('treats a publish that won the race (412) as an existing object', async () => {
    // Prepare
    createsStack();
    s3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412));
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create', { props: s3Props }), clock.context, deps);

    // Assess
    expect(onlyResponse(respond)).toMatchObject({ Status: 'SUCCESS', Data: expect.objectContaining({ SeedResult: 'kept' }) });
  });

  it('fails clearly when the stack exports no ArtifactBucketName', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(NOT_FOUND())
      .resolves({ Stacks: [stack('CREATE_COMPLETE', { Outputs: [] })] });
    cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create', { props: s3Props }), clock.context, deps);

    // Assess: only the control-bucket uploads, nothing to the (unknown) artifact bucket.
    expect(s3.calls().map((c) => String((c.args[0].input as { Key?: string }).Key).split('/')[0])).toEqual([
      'deployer',
      'image-events',
      'guard-rules',
    ]);
    expect(new Set(s3.calls().map((c) => String((c.args[0].input as { Bucket?: string }).Bucket)))).toEqual(
      new Set(['ami-bakery-control-111122223333-eu-central-1']),
    );
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Bakery stack ${STACK_NAME} has no ArtifactBucketName output, so the S3 source cannot be seeded: deploy a bakery stack template that exports it`,
    });
  });
});

describe('bootstrap: Delete', () => {
  function versionsPages() {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: 'k2',
        NextVersionIdMarker: 'v2',
        Versions: [
          { Key: 'k1', VersionId: 'v1' },
          { Key: 'k2', VersionId: 'v2' },
        ],
      })
      .resolvesOnce({ IsTruncated: false, Versions: [{ Key: 'k3', VersionId: 'v3' }], DeleteMarkers: [{ Key: 'k1', VersionId: 'm1' }] });
    s3.on(DeleteObjectsCommand).resolves({});
  }

  it('empties the bucket page by page, deletes the stack, waits, and keeps the repository', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('UPDATE_COMPLETE')] })
      .resolvesOnce({ Stacks: [stack('DELETE_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('DELETE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});
    versionsPages();
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Delete'), clock.context, deps);

    // Assess
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 1, {
      Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1',
      KeyMarker: undefined,
      VersionIdMarker: undefined,
    });
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 2, {
      Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1',
      KeyMarker: 'k2',
      VersionIdMarker: 'v2',
    });
    expect(s3).toHaveReceivedNthCommandWith(DeleteObjectsCommand, 1, {
      Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1',
      Delete: {
        Objects: [
          { Key: 'k1', VersionId: 'v1' },
          { Key: 'k2', VersionId: 'v2' },
        ],
        Quiet: true,
      },
    });
    expect(s3).toHaveReceivedNthCommandWith(DeleteObjectsCommand, 2, {
      Bucket: 'ami-bakery-artifacts-111122223333-eu-central-1',
      Delete: {
        Objects: [
          { Key: 'k3', VersionId: 'v3' },
          { Key: 'k1', VersionId: 'm1' },
        ],
        Quiet: true,
      },
    });
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK_NAME });
    expect(cc).not.toHaveReceivedAnyCommand();
    expect(onlyResponse(respond)).toEqual({
      ...ECHO,
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Deleted bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} after emptying its artifact bucket (4 object version(s)); kept repository ami-bakery-recipes and all AMIs (set Purge to true before deleting to remove the repository).`,
    });
  });

  it('succeeds when the stack is already gone', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(NOT_FOUND());
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Delete'), clock.context, deps);

    // Assess
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} was already gone; kept repository ami-bakery-recipes and all AMIs (set Purge to true before deleting to remove the repository).`,
    });
  });

  it('goes on when the artifact bucket is already gone', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('CREATE_COMPLETE')] })
      .rejects(NOT_FOUND());
    cfn.on(DeleteStackCommand).resolves({});
    s3.on(ListObjectVersionsCommand).rejects(awsError('NoSuchBucket', 'The specified bucket does not exist', 404));
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Delete'), clock.context, deps);

    // Assess
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 1);
    expect(onlyResponse(respond).Status).toBe('SUCCESS');
  });

  it.each([
    { name: 'repository present', deleteRepository: () => cc.on(DeleteRepositoryCommand).resolves({ repositoryId: 'r-1' }) },
    { name: 'repository already gone', deleteRepository: () => cc.on(DeleteRepositoryCommand).resolves({}) },
    {
      name: 'repository reported missing',
      deleteRepository: () => cc.on(DeleteRepositoryCommand).rejects(awsError('RepositoryDoesNotExistException')),
    },
  ])('Purge deletes the repository after the stack is gone ($name)', async ({ deleteRepository }) => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('CREATE_COMPLETE', { Outputs: [] })] })
      .rejects(NOT_FOUND());
    cfn.on(DeleteStackCommand).resolves({});
    deleteRepository();
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Delete', { props: { Purge: 'true' } }), clock.context, deps);

    // Assess
    expect(cc).toHaveReceivedCommandWith(DeleteRepositoryCommand, { repositoryName: 'ami-bakery-recipes' });
    const purge = cc.commandCalls(DeleteRepositoryCommand)[0];
    const deleteStackCall = cfn.commandCalls(DeleteStackCommand)[0];
    const lastDescribe = cfn.commandCalls(DescribeStacksCommand).at(-1);
    expect(purge && deleteStackCall && lastDescribe).toBeTruthy();
    expect(deleteStackCall?.calledBefore(purge as never)).toBe(true);
    expect(lastDescribe?.calledBefore(purge as never)).toBe(true);
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'SUCCESS',
      Reason: `Deleted bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION}; purged repository ami-bakery-recipes.`,
    });
  });

  it('fails with the resource errors when the stack cannot be deleted', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('CREATE_COMPLETE', { Outputs: [] })] })
      .resolves({ Stacks: [stack('DELETE_FAILED')] });
    cfn.on(DeleteStackCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        {
          StackId: 'x',
          EventId: '1',
          StackName: STACK_NAME,
          Timestamp: new Date(1),
          LogicalResourceId: 'ArtifactBucket',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'DELETE_FAILED',
          ResourceStatusReason: 'The bucket you tried to delete is not empty',
        },
      ],
    });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Delete', { props: { Purge: 'true' } }), clock.context, deps);

    // Assess
    expect(cc).not.toHaveReceivedAnyCommand();
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `Bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} could not be deleted: it is DELETE_FAILED. Resource failures: ArtifactBucket (AWS::S3::Bucket) DELETE_FAILED: The bucket you tried to delete is not empty`,
    });
  });

  it('answers SUCCESS at once for a resource whose Create failed validation', async () => {
    // Prepare
    const { deps, respond, clock, uses } = testDeps();
    const event = cfnEvent('Delete', { PhysicalResourceId: MARKER, props: { BakeryAccountId: 'nope' } });

    // Act
    await bootstrap(event, clock.context, deps);

    // Assess
    expect(uses).toEqual([]);
    expect(onlyResponse(respond)).toEqual({
      ...ECHO,
      Status: 'SUCCESS',
      PhysicalResourceId: MARKER,
      Reason: 'Nothing to delete: the Create of this resource failed before changing anything.',
    });
  });

  it('reports a failure to delete some object versions', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'k1', VersionId: 'v1' }] });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'k1', VersionId: 'v1', Code: 'AccessDenied', Message: 'Access Denied' }] });
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Delete'), clock.context, deps);

    // Assess
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'FAILED',
      Reason: `Could not empty artifact bucket ami-bakery-artifacts-111122223333-eu-central-1 in ${ACCOUNT}/${BAKERY_REGION}: 1 object version(s) were not deleted (k1@v1: AccessDenied Access Denied). Grant s3:DeleteObjectVersion on the bucket, then retry.`,
    });
  });
});

describe('bootstrap: requests rejected before any AWS call', () => {
  it.each([
    {
      name: 'account id too short',
      props: { BakeryAccountId: '12345' },
      fragment: 'BakeryAccountId "12345" is invalid: give the bakery account id as 12 digits',
    },
    {
      name: 'region list',
      props: { BakeryRegion: 'us-east-1,eu-west-1' },
      fragment: 'BakeryRegion "us-east-1,eu-west-1" is invalid: give exactly one region code',
    },
    { name: 'empty region (CfCT default)', props: { BakeryRegion: '' }, fragment: 'BakeryRegion is required and missing or empty' },
    {
      name: 'role ARN instead of a name',
      props: { ConfigurationRoleName: 'arn:x:iam::1:role/r' },
      fragment: 'ConfigurationRoleName "arn:x:iam::1:role/r" is invalid: give the IAM role name (not its ARN)',
    },
    {
      name: 'upper-case name prefix',
      props: { NamePrefix: 'AMI_Bakery' },
      fragment: 'NamePrefix "AMI_Bakery" is invalid: it becomes part of S3 bucket names',
    },
    { name: 'unknown source type', props: { SourceType: 'GitHub' }, fragment: 'SourceType "GitHub" is invalid: use CodeCommit or S3' },
    { name: 'purge not a boolean', props: { Purge: 'yes' }, fragment: 'Purge "yes" is invalid: use true or false' },
    {
      name: 'seed list with spaces',
      props: { SeedRecipes: 'a, b' },
      fragment: 'SeedRecipes "a, b" is invalid: use "all" or a comma-separated list',
    },
    {
      name: 'misspelt property',
      props: { BakeryAcountId: ACCOUNT },
      fragment: 'BakeryAcountId is not a known property: remove it or fix its spelling',
    },
    {
      name: 'unknown recipe',
      props: { SeedRecipes: 'al2023-stig,rhel-9-cis' },
      fragment:
        'SeedRecipes names recipe(s) not in the packaged seed bundle: rhel-9-cis. Available: al2023-stig, ubuntu-2204-cis, windows-2022-stig',
    },
  ])('Create with $name answers FAILED naming the property, with the not-created marker', async ({ props, fragment }) => {
    // Prepare
    const { deps, respond, clock, uses } = testDeps();

    // Act
    await bootstrap(cfnEvent('Create', { props }), clock.context, deps);

    // Assess
    expect(uses).toEqual([]);
    expect(sts).not.toHaveReceivedAnyCommand();
    const body = onlyResponse(respond);
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(body.Reason).toContain(fragment);
  });

  it('an Update with bad properties fails and keeps the current PhysicalResourceId', async () => {
    // Prepare
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Update', { props: { OrganizationId: 'org-1' } }), clock.context, deps);

    // Assess
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: PHYSICAL_ID,
      Reason:
        'Invalid custom-resource properties: OrganizationId "org-1" is invalid: give the organization id, o- followed by 10-32 lowercase letters or digits',
    });
  });

  it('an unsupported RequestType answers FAILED', async () => {
    // Prepare
    const { deps, respond, clock } = testDeps();

    // Act
    await bootstrap(cfnEvent('Replace'), clock.context, deps);

    // Assess
    expect(onlyResponse(respond)).toMatchObject({
      Status: 'FAILED',
      Reason: 'RequestType "Replace" is not supported: CloudFormation sends Create, Update or Delete',
    });
  });

  it.each([
    {
      name: 'template too large',
      template: () => JSON.stringify({ Resources: { Big: { Type: 'AWS::SSM::Parameter', Properties: { Value: 'x'.repeat(52_000) } } } }),
      fragment: 'CloudFormation accepts at most 51200 bytes as TemplateBody',
    },
    { name: 'template not JSON', template: () => 'Resources: {}', fragment: 'is not valid JSON: rebuild the package' },
    {
      name: 'template needs a parameter nobody passes',
      template: () => JSON.stringify({ Parameters: { KmsKeyArn: { Type: 'String' } }, Resources: {} }),
      fragment: 'requires parameter(s) KmsKeyArn that the bootstrap cannot supply',
    },
  ])('Create with a bad packaged template ($name) fails before any AWS call', async ({ template, fragment }) => {
    // Prepare
    const dir = tempDir('bootstrap-template-');
    const templatePath = join(dir, 'bakery-stack.template.json');
    writeFileSync(templatePath, template());
    const { deps, respond, clock, uses } = testDeps({ templatePath });

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(uses).toEqual([]);
    const body = onlyResponse(respond);
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(body.Reason).toContain(fragment);
  });

  it('Create without a packaged seed bundle names the command that builds it', async () => {
    // Prepare
    const { deps, respond, clock } = testDeps({ seedDir: join(tmpdir(), 'no-such-seed') });

    // Act
    await bootstrap(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(onlyResponse(respond).Reason).toContain('The seed bundle is missing from the Lambda package');
    expect(onlyResponse(respond).Reason).toContain('"pnpm bakery bundle"');
  });

  it('a response that cannot be delivered is logged, not thrown (no Lambda retry, no second response)', async () => {
    // Prepare
    const { deps, respond, clock, entries } = testDeps();
    respond.mockRejectedValueOnce(new Error('HTTP 403'));

    // Act
    const body = await bootstrap(cfnEvent('Create', { props: { Purge: 'maybe' } }), clock.context, deps);

    // Assess
    expect(body.Status).toBe('FAILED');
    expect(respond).toHaveBeenCalledTimes(1);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'Could not deliver the response to CloudFormation',
        attributes: { error: 'HTTP 403' },
      }),
    );
  });
});
