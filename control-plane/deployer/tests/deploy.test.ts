import { MANAGED_BY, TAGS } from '@ami-bakery/bundle';
import { CloudFormationClient, CreateChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { ImagebuilderClient, StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  baselineCheck,
  createClients,
  createHandler,
  type DeploymentReport,
  type Log,
  parseEnv,
  parseJobEvent,
  runJob,
  type TemplateCheck,
} from '../src/index.js';
import { FakeCloudFormation } from './fake-cloudformation.js';
import { bundle, ENV, jobEvent, type RecipeSpec, zip } from './helpers.js';

const cfnMock = mockClient(CloudFormationClient);
const s3Mock = mockClient(S3Client);
const ibMock = mockClient(ImagebuilderClient);
const cpMock = mockClient(CodePipelineClient);
const ARTIFACT = { bucket: 'pipeline-artifacts', key: 'bakery/Source/abc.zip' };

let fake: FakeCloudFormation;
let objects: Map<string, string | Uint8Array>;
let logs: string[];

const log: Log = { info: () => {}, warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) };

beforeEach(() => {
  fake = new FakeCloudFormation();
  objects = new Map();
  logs = [];
  fake.install(cfnMock as never);
  s3Mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
    objects.set(`${input.Bucket}/${input.Key}`, input.Body);
    return {};
  });
  s3Mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const body = objects.get(`${input.Bucket}/${input.Key}`);
    if (body === undefined)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return {
      ContentLength: bytes.byteLength,
      Body: { transformToByteArray: async () => bytes, transformToString: async () => new TextDecoder().decode(bytes) },
    };
  });
  ibMock
    .on(StartImagePipelineExecutionCommand)
    .callsFake((input: { imagePipelineArn: string }) => ({ imageBuildVersionArn: `${input.imagePipelineArn}/build` }));
  cpMock.on(PutJobSuccessResultCommand).resolves({});
  cpMock.on(PutJobFailureResultCommand).resolves({});
});

afterEach(() => {
  cfnMock.reset();
  s3Mock.reset();
  ibMock.reset();
  cpMock.reset();
});

const tags = (name: string, version = '1.0.0') => ({
  [TAGS.recipe]: name,
  [TAGS.version]: version,
  [TAGS.contentHash]: 'x',
  [TAGS.deployHash]: 'y',
  [TAGS.managedBy]: MANAGED_BY,
});

async function deploy(
  specs: RecipeSpec[] | Uint8Array,
  options: { check?: TemplateCheck; remaining?: number; token?: string; jobId?: string } = {},
) {
  objects.set(`${ARTIFACT.bucket}/${ARTIFACT.key}`, specs instanceof Uint8Array ? specs : zip(bundle(specs)));
  const job = parseJobEvent(jobEvent(options.jobId ?? 'job-1', ARTIFACT, options.token));
  return runJob(job, {
    clients: createClients({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    config: parseEnv(ENV),
    check: options.check ?? baselineCheck,
    log,
    clock: { now: () => 0, sleep: async () => {} },
    remainingMs: () => options.remaining ?? 600_000,
    pollIntervalMs: 1,
    safetyMarginMs: 10,
  });
}

function report(jobId = 'job-1'): DeploymentReport {
  return JSON.parse(objects.get(`${ENV.ARTIFACT_BUCKET}/reports/${jobId}/report.json`) as string);
}

const outcomeRows = (r: DeploymentReport) =>
  (r.plan?.recipes ?? []).map((x) => [x.recipe, x.action, x.outcome?.status ?? '-', x.outcome?.message ?? '']);

describe('Function: runJob', () => {
  it('lets one recipe fail without stopping the others, and fails the action naming it with the reason from the stack events', async () => {
    // Prepare
    fake.failing.add('ami-bakery-recipe-bbb');
    // Act
    const outcome = await deploy([{ name: 'aaa' }, { name: 'bbb' }, { name: 'ccc' }]);
    // Assess
    expect(outcome.kind).toBe('failed');
    expect(outcome.message.split('\n')).toEqual([
      '1 recipe failed: bbb. Report: s3://bakery-artifacts/reports/job-1/report.md',
      'bbb: stack ami-bakery-recipe-bbb ended ROLLBACK_COMPLETE: InstanceRole (AWS::IAM::Role): User is not authorized to perform: iam:CreateRole (AccessDenied)',
    ]);
    expect(outcomeRows(report())).toEqual([
      ['aaa', 'create', 'succeeded', ''],
      [
        'bbb',
        'create',
        'failed',
        'stack ami-bakery-recipe-bbb ended ROLLBACK_COMPLETE: InstanceRole (AWS::IAM::Role): User is not authorized to perform: iam:CreateRole (AccessDenied)',
      ],
      ['ccc', 'create', 'succeeded', ''],
    ]);
    expect(cpMock).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      jobId: 'job-1',
      failureDetails: { type: 'JobFailed', message: outcome.message },
    });
    expect(ibMock).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 2);
  });

  it('deploys each template from the artifact bucket with the deploy role, its parameters, tags and only the recipe resource types', async () => {
    // Act
    await deploy([{ name: 'aaa' }]);
    // Assess
    expect(cfnMock).toHaveReceivedCommandWith(CreateChangeSetCommand, {
      StackName: 'ami-bakery-recipe-aaa',
      ChangeSetType: 'CREATE',
      TemplateURL: 'https://bakery-artifacts.s3.us-east-1.amazonaws.com/deployments/job-1/aaa/template.yaml',
      RoleARN: ENV.RECIPE_DEPLOY_ROLE_ARN,
      Parameters: [{ ParameterKey: 'PermissionsBoundaryArn', ParameterValue: 'arn:aws:iam::123456789012:policy/ami-bakery-boundary' }],
      Capabilities: ['CAPABILITY_IAM'],
      ResourceTypes: expect.arrayContaining(['AWS::ImageBuilder::ImagePipeline', 'AWS::IAM::Role']),
    });
    expect(objects.get(`${ENV.ARTIFACT_BUCKET}/deployments/job-1/aaa/template.yaml`)).toContain('AMI Bakery recipe aaa 1.0.0');
    expect(fake.stacks.get('ami-bakery-recipe-aaa')?.Tags.map((t) => t.Key)).toEqual([
      TAGS.contentHash,
      TAGS.deployHash,
      TAGS.managedBy,
      TAGS.recipe,
      TAGS.version,
    ]);
  });

  it('ends a recipe whose change set has nothing to change without executing it', async () => {
    // Prepare: a deployed stack whose tags say another deploy hash (the template itself is the same)
    fake.addStack('ami-bakery-recipe-aaa', 'UPDATE_COMPLETE', tags('aaa'));
    fake.unchanged.add('ami-bakery-recipe-aaa');
    // Act
    const outcome = await deploy([{ name: 'aaa' }]);
    // Assess
    expect(outcome.kind).toBe('succeeded');
    expect(fake.calls.filter((c) => !c.startsWith('Describe'))).toEqual([
      'CreateChangeSet ami-bakery-recipe-aaa',
      'DeleteChangeSet ami-bakery-recipe-aaa',
    ]);
    expect(outcomeRows(report())).toEqual([['aaa', 'update', 'succeeded', 'no changes to deploy']]);
  });

  it('deletes a stack whose first create failed, then creates it again', async () => {
    // Prepare
    fake.addStack('ami-bakery-recipe-aaa', 'ROLLBACK_COMPLETE', {});
    // Act
    await deploy([{ name: 'aaa' }]);
    // Assess
    expect(fake.calls.filter((c) => !c.startsWith('Describe'))).toEqual([
      'DeleteStack ami-bakery-recipe-aaa',
      'CreateChangeSet ami-bakery-recipe-aaa',
      'ExecuteChangeSet ami-bakery-recipe-aaa',
    ]);
    expect(fake.stacks.get('ami-bakery-recipe-aaa')?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('waits for stacks that take several polls', async () => {
    // Prepare
    fake.inProgressPolls = 3;
    // Act
    const outcome = await deploy([{ name: 'aaa' }]);
    // Assess
    expect(outcome.kind).toBe('succeeded');
    expect(fake.calls.filter((c) => c === 'DescribeStacks ami-bakery-recipe-aaa')).toHaveLength(4);
  });

  it('reports a busy stack failed without touching it', async () => {
    // Prepare
    fake.addStack('ami-bakery-recipe-aaa', 'UPDATE_IN_PROGRESS', tags('aaa'));
    // Act
    const outcome = await deploy([{ name: 'aaa', version: '2.0.0' }, { name: 'bbb' }]);
    // Assess
    expect(outcome.message).toMatch(/^1 recipe failed: aaa\./);
    expect(fake.calls.filter((c) => c.endsWith('-aaa') && !c.startsWith('Describe'))).toEqual([]);
    expect(fake.stacks.get('ami-bakery-recipe-bbb')?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('stops before any change set when a template check cannot run', async () => {
    // Prepare
    const broken: TemplateCheck = {
      name: 'invariants',
      check: async () => {
        throw new Error('rule file missing');
      },
    };
    // Act
    const outcome = await deploy([{ name: 'aaa' }], { check: broken });
    // Assess
    expect(outcome).toEqual({
      kind: 'failed',
      message: 'The deployment stopped: the template check "invariants" could not run (rule file missing); nothing was deployed',
    });
    expect(cfnMock).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it('refuses an artifact that is not a zip, naming the problem', async () => {
    // Act
    const outcome = await deploy(new TextEncoder().encode('not a zip'));
    // Assess
    expect(outcome.kind).toBe('refused');
    expect(outcome.message).toMatch(
      /^Refused the bundle, nothing deployed: 1 problem\. Report: s3:\/\/bakery-artifacts\/reports\/job-1\/report\.md\nBUNDLE026: the archive cannot be read|^Refused the bundle, nothing deployed: 1 problem\. Report: s3:\/\/bakery-artifacts\/reports\/job-1\/report\.md\nBUNDLE026: no end-of-central-directory record/,
    );
    expect(report().status).toBe('refused');
  });

  it('names the operation and endpoint of a failed AWS call', async () => {
    // Prepare
    s3Mock
      .on(GetObjectCommand)
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403, attempts: 1 } }));
    // Act
    const outcome = await deploy([{ name: 'aaa' }]);
    // Assess
    expect(outcome.message).toBe(
      'The deployment stopped: s3:GetObject on https://s3.us-east-1.amazonaws.com (s3://pipeline-artifacts/bakery/Source/abc.zip) failed with AccessDenied after 1 attempt: Access Denied. The deployer role lacks this permission (control-plane/deployer/src/permissions.ts lists what it needs), or an SCP denies it.',
    );
  });

  it('pages through every deployed stack to plan', async () => {
    // Prepare: 250 stacks, 3 pages
    fake.pageSize = 100;
    for (let i = 0; i < 250; i += 1)
      fake.addStack(`ami-bakery-recipe-r${String(i).padStart(3, '0')}`, 'UPDATE_COMPLETE', tags(`r${String(i).padStart(3, '0')}`));
    // Act
    const outcome = await deploy([{ name: 'aaa' }]);
    // Assess: every one of the 250 managed stacks would go; the bundle is refused (PLAN001), nothing deleted
    expect(fake.calls.filter((c) => c === 'DescribeStacks *')).toHaveLength(3);
    expect(outcome.kind).toBe('refused');
    expect(report().refusals.map((r) => [r.id, r.recipes.length])).toEqual([['PLAN001', 250]]);
    expect(fake.calls.filter((c) => c.startsWith('DeleteStack'))).toEqual([]);
  });
});

describe('Function: handler', () => {
  const handler = (env: Record<string, string | undefined>) =>
    createHandler({
      env,
      log,
      clients: (region) => createClients({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      checks: [baselineCheck],
    });

  it('ignores an event that is not a CodePipeline job', async () => {
    await handler(ENV)({ RequestType: 'Create' }, { getRemainingTimeInMillis: () => 1_000 });
    expect(cpMock.calls()).toEqual([]);
    expect(logs).toEqual(['warn Ignored an event that is not a CodePipeline job for the Deploy action']);
  });

  it('fails the action as a configuration error when the environment is wrong', async () => {
    await handler({ ...ENV, PRUNE: 'sometimes' })(jobEvent('job-9', ARTIFACT), { getRemainingTimeInMillis: () => 1_000 });
    expect(cpMock).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      jobId: 'job-9',
      failureDetails: { type: 'ConfigurationError', message: expect.stringContaining('PRUNE="sometimes" is not true or false') },
    });
  });
});
