import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeCommitClient, CreateCommitCommand, DeleteRepositoryCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
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
  ROLE_CREDENTIALS,
  STACK_NAME,
  stack,
  testDeps,
} from './helpers.js';

/**
 * Every AWS call of every path, failed in every way that matters: the handler must answer
 * exactly once, FAILED, naming the IAM action, the error and what to do.
 */

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const cc = mockClient(CodeCommitClient);
const s3 = mockClient(S3Client);
const MARKER = `${NOT_CREATED_MARKER}/a1b2c3d4-0000-4000-8000-000000000001`;
const NOT_FOUND = () => awsError('ValidationError', `Stack with id ${STACK_NAME} does not exist`);

interface Fault {
  name: string;
  error: () => Error;
  errorName: string;
  hint: string;
}

const FAULTS: Fault[] = [
  {
    name: 'throttling',
    error: () => Object.assign(awsError('Throttling', 'Rate exceeded'), { $retryable: { throttling: true } }),
    errorName: 'Throttling',
    hint: 'AWS kept throttling after the SDK retries; run the stack operation again.',
  },
  {
    name: 'access denied',
    error: () => awsError('AccessDenied', 'User is not authorized to perform this action', 403),
    errorName: 'AccessDenied',
    hint: 'Grant this action to the role named in the message (or lift the SCP that denies it).',
  },
  {
    name: 'network error',
    error: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    errorName: 'ECONNRESET',
    hint: 'The endpoint could not be reached; check that the region is enabled and reachable, then retry.',
  },
  {
    name: 'timeout',
    error: () => Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' }),
    errorName: 'TimeoutError',
    hint: 'The call timed out; check that the region is enabled and reachable, then retry.',
  },
];

interface Step {
  action: string;
  fail: (error: Error) => void;
  /** PhysicalResourceId of the FAILED response when this step fails. */
  physicalId: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the stubs differ only in their client type
type Stub = AwsStub<any, any, any>;
const failWith = (stub: Stub, command: unknown) => (error: Error) => (stub as Stub).on(command as never).rejects(error);

interface Scenario {
  name: string;
  event: () => ReturnType<typeof cfnEvent>;
  happy: () => void;
  steps: Step[];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Create with CodeCommit seeding',
    event: () => cfnEvent('Create'),
    happy: () => {
      cfn
        .on(DescribeStacksCommand)
        .rejectsOnce(NOT_FOUND())
        .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
      cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
      cc.on(GetBranchCommand).rejects(awsError('BranchDoesNotExistException'));
      cc.on(CreateCommitCommand).resolves({ commitId: 'c0ffee' });
    },
    steps: [
      { action: 'sts:AssumeRole', fail: failWith(sts, AssumeRoleCommand), physicalId: MARKER },
      { action: 'cloudformation:DescribeStacks', fail: failWith(cfn, DescribeStacksCommand), physicalId: MARKER },
      { action: 'cloudformation:CreateStack', fail: failWith(cfn, CreateStackCommand), physicalId: MARKER },
      { action: 'codecommit:GetBranch', fail: failWith(cc, GetBranchCommand), physicalId: PHYSICAL_ID },
      { action: 'codecommit:CreateCommit', fail: failWith(cc, CreateCommitCommand), physicalId: PHYSICAL_ID },
    ],
  },
  {
    name: 'Create with the S3 source and no ServiceToken',
    event: () => cfnEvent('Create', { ServiceToken: undefined, props: { ServiceToken: undefined, SourceType: 'S3' } }),
    happy: () => {
      sts.on(GetCallerIdentityCommand).resolves({ Arn: arn('aws', 'sts', '', MANAGEMENT_ACCOUNT, 'assumed-role/lambda/fn') });
      cfn
        .on(DescribeStacksCommand)
        .rejectsOnce(NOT_FOUND())
        .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
      cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
      s3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
      s3.on(PutObjectCommand).resolves({});
    },
    steps: [
      { action: 'sts:GetCallerIdentity', fail: failWith(sts, GetCallerIdentityCommand), physicalId: MARKER },
      // The first PutObject is the control-bucket upload of the deployer, before any stack exists.
      { action: 's3:PutObject', fail: failWith(s3, PutObjectCommand), physicalId: MARKER },
      { action: 'cloudformation:CreateStack', fail: failWith(cfn, CreateStackCommand), physicalId: MARKER },
      { action: 's3:GetObject', fail: failWith(s3, HeadObjectCommand), physicalId: PHYSICAL_ID },
    ],
  },
  {
    name: 'Update',
    event: () => cfnEvent('Update'),
    happy: () => {
      cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
      cfn.on(UpdateStackCommand).resolves({});
      cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    },
    steps: [
      { action: 'sts:AssumeRole', fail: failWith(sts, AssumeRoleCommand), physicalId: PHYSICAL_ID },
      { action: 'cloudformation:DescribeStacks', fail: failWith(cfn, DescribeStacksCommand), physicalId: PHYSICAL_ID },
      { action: 'cloudformation:UpdateStack', fail: failWith(cfn, UpdateStackCommand), physicalId: PHYSICAL_ID },
      { action: 'codecommit:GetBranch', fail: failWith(cc, GetBranchCommand), physicalId: PHYSICAL_ID },
    ],
  },
  {
    name: 'Delete with Purge',
    event: () => cfnEvent('Delete', { props: { Purge: 'true' } }),
    happy: () => {
      cfn
        .on(DescribeStacksCommand)
        .resolvesOnce({ Stacks: [stack('CREATE_COMPLETE')] })
        .rejects(NOT_FOUND());
      cfn.on(DeleteStackCommand).resolves({});
      s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'k', VersionId: 'v' }] });
      s3.on(DeleteObjectsCommand).resolves({});
      cc.on(DeleteRepositoryCommand).resolves({ repositoryId: 'r' });
    },
    steps: [
      { action: 'sts:AssumeRole', fail: failWith(sts, AssumeRoleCommand), physicalId: PHYSICAL_ID },
      { action: 'cloudformation:DescribeStacks', fail: failWith(cfn, DescribeStacksCommand), physicalId: PHYSICAL_ID },
      { action: 's3:ListBucketVersions', fail: failWith(s3, ListObjectVersionsCommand), physicalId: PHYSICAL_ID },
      { action: 's3:DeleteObjectVersion', fail: failWith(s3, DeleteObjectsCommand), physicalId: PHYSICAL_ID },
      { action: 'cloudformation:DeleteStack', fail: failWith(cfn, DeleteStackCommand), physicalId: PHYSICAL_ID },
      { action: 'codecommit:DeleteRepository', fail: failWith(cc, DeleteRepositoryCommand), physicalId: PHYSICAL_ID },
    ],
  },
];

const CASES = SCENARIOS.flatMap((scenario) =>
  scenario.steps.flatMap((step) =>
    FAULTS.map((fault) => ({ label: `${scenario.name}: ${step.action} fails with ${fault.name}`, scenario, step, fault })),
  ),
);

beforeEach(() => {
  sts.reset();
  cfn.reset();
  cc.reset();
  s3.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: ROLE_CREDENTIALS });
});

describe('bootstrap: fault injection on every AWS call', () => {
  it('covers every scenario step with every fault', () => {
    expect(CASES).toHaveLength(SCENARIOS.reduce((n, s) => n + s.steps.length, 0) * FAULTS.length);
  });

  it.each(CASES)('$label -> one FAILED response', async ({ scenario, step, fault }) => {
    // Prepare
    scenario.happy();
    step.fail(fault.error());
    const { deps, respond, clock } = testDeps();

    // Act
    const returned = await bootstrap(scenario.event(), clock.context, deps);
    // Let anything still pending settle: a second response would show up here.
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(respond).toHaveBeenCalledTimes(1);
    const body = respond.mock.calls[0]?.[1] as CustomResourceResponse;
    expect(body).toEqual(returned);
    expect(body.Status).toBe('FAILED');
    expect(body.PhysicalResourceId).toBe(step.physicalId);
    expect(body.Reason).toMatch(new RegExp(`^${step.action} in ${ACCOUNT}/${BAKERY_REGION}|^${step.action} in ${BAKERY_REGION}`));
    expect(body.Reason).toContain(`failed with ${fault.errorName}: `);
    expect(body.Reason.endsWith(fault.hint)).toBe(true);
  });
});
