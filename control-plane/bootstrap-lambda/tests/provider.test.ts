import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeCommitClient, CreateCommitCommand, DeleteRepositoryCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidPropertiesError, StackOperationError, UnsupportedEventError } from '../src/errors.js';
import { NOT_CREATED_MARKER } from '../src/properties.js';
import { providerIsComplete, providerOnEvent } from '../src/provider.js';
import { ACCOUNT, arn, awsError, cfnEvent, cfnStackId, PHYSICAL_ID, ROLE_CREDENTIALS, STACK_NAME, stack, testDeps } from './helpers.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const cc = mockClient(CodeCommitClient);
const s3 = mockClient(S3Client);
const NOT_FOUND = () => awsError('ValidationError', `Stack with id ${STACK_NAME} does not exist`);

beforeEach(() => {
  sts.reset();
  cfn.reset();
  cc.reset();
  s3.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: ROLE_CREDENTIALS });
});

/** The framework hands isComplete the request merged with what onEvent returned. */
function completeEvent(requestType: string, extra: Record<string, unknown> = {}, props?: Record<string, unknown>) {
  return { ...cfnEvent(requestType, props ? { props } : {}), PhysicalResourceId: PHYSICAL_ID, ...extra };
}

describe('Provider mode: onEvent', () => {
  it('starts CreateStack and returns at once, without answering CloudFormation', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(NOT_FOUND());
    cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
    const { deps, clock, respond } = testDeps();

    // Act
    const result = await providerOnEvent(cfnEvent('Create'), clock.context, deps);

    // Assess
    expect(result).toEqual({ PhysicalResourceId: PHYSICAL_ID, BakeryStackAction: 'CREATE', BakeryStackId: cfnStackId() });
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(CreateStackCommand, {
      StackName: STACK_NAME,
      RoleARN: arn('aws', 'iam', '', ACCOUNT, 'role/ami-bakery-bakery-stack-deploy'),
    });
    expect(clock.sleep).not.toHaveBeenCalled();
    expect(respond).not.toHaveBeenCalled();
  });

  it('reports NONE when the stack is already up to date', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(UpdateStackCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    const { deps, clock } = testDeps();

    // Act
    const result = await providerOnEvent(cfnEvent('Update'), clock.context, deps);

    // Assess
    expect(result).toEqual({ PhysicalResourceId: PHYSICAL_ID, BakeryStackAction: 'NONE', BakeryStackId: cfnStackId() });
  });

  it('throws on bad properties, so the framework answers FAILED with its own not-created marker', async () => {
    // Prepare
    const { deps, clock, uses } = testDeps();

    // Act
    const result = providerOnEvent(cfnEvent('Create', { props: { BakeryRegion: 'mars-1' } }), clock.context, deps);

    // Assess
    await expect(result).rejects.toThrow(InvalidPropertiesError);
    await expect(result).rejects.toThrow('BakeryRegion "mars-1" is invalid');
    expect(uses).toEqual([]);
  });

  it('Delete empties the bucket and starts DeleteStack, keeping the PhysicalResourceId', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'k', VersionId: 'v' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    const { deps, clock } = testDeps();

    // Act
    const result = await providerOnEvent(cfnEvent('Delete'), clock.context, deps);

    // Assess
    expect(result).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Delete: { Objects: [{ Key: 'k', VersionId: 'v' }], Quiet: true } });
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 1);
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });

  it('Delete of our not-created marker returns at once', async () => {
    // Prepare
    const { deps, clock, uses } = testDeps();
    const marker = `${NOT_CREATED_MARKER}/x`;

    // Act
    const result = await providerOnEvent(cfnEvent('Delete', { PhysicalResourceId: marker }), clock.context, deps);

    // Assess
    expect(result).toEqual({ PhysicalResourceId: marker });
    expect(uses).toEqual([]);
  });

  it.each([
    { name: 'a scheduled event', event: { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } },
    { name: 'null', event: null },
  ])('rejects $name', async ({ event }) => {
    // Prepare
    const { deps, clock } = testDeps();

    // Act
    const result = providerOnEvent(event, clock.context, deps);

    // Assess
    await expect(result).rejects.toThrow(UnsupportedEventError);
  });
});

describe('Provider mode: isComplete', () => {
  it.each([
    { action: 'CREATE', status: 'CREATE_IN_PROGRESS' },
    { action: 'UPDATE', status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' },
  ])('is not complete while the stack is $status', async ({ action, status }) => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });
    const { deps, clock } = testDeps();

    // Act
    const result = await providerIsComplete(
      completeEvent(action === 'CREATE' ? 'Create' : 'Update', { BakeryStackAction: action }),
      clock.context,
      deps,
    );

    // Assess
    expect(result).toEqual({ IsComplete: false });
    expect(cc).not.toHaveReceivedAnyCommand();
  });

  it('seeds and completes once the stack is CREATE_COMPLETE', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cc.on(GetBranchCommand).rejects(awsError('BranchDoesNotExistException'));
    cc.on(CreateCommitCommand).resolves({ commitId: 'c0ffee' });
    const { deps, clock } = testDeps();

    // Act
    const result = await providerIsComplete(completeEvent('Create', { BakeryStackAction: 'CREATE' }), clock.context, deps);

    // Assess
    expect(cc).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
    expect(result).toEqual({
      IsComplete: true,
      Data: {
        BakeryStackId: cfnStackId(),
        RepositoryName: 'ami-bakery-recipes',
        BranchName: 'main',
        SourceType: 'CodeCommit',
        SeedResult: 'seeded',
        ArtifactBucketName: 'ami-bakery-artifacts-111122223333-eu-central-1',
      },
    });
  });

  it.each([
    { action: 'CREATE', status: 'ROLLBACK_COMPLETE', message: 'failed to create: it is ROLLBACK_COMPLETE' },
    { action: 'UPDATE', status: 'UPDATE_ROLLBACK_COMPLETE', message: 'failed to update: it is UPDATE_ROLLBACK_COMPLETE' },
  ])('throws when the $action ended in $status', async ({ action, status, message }) => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });
    const { deps, clock } = testDeps();

    // Act
    const result = providerIsComplete(
      completeEvent(action === 'CREATE' ? 'Create' : 'Update', { BakeryStackAction: action }),
      clock.context,
      deps,
    );

    // Assess
    await expect(result).rejects.toThrow(StackOperationError);
    await expect(result).rejects.toThrow(message);
  });

  it('accepts any stable state after a no-op update', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_ROLLBACK_COMPLETE')] });
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, clock } = testDeps();

    // Act
    const result = await providerIsComplete(completeEvent('Update', { BakeryStackAction: 'NONE' }), clock.context, deps);

    // Assess
    expect(result).toMatchObject({ IsComplete: true, Data: { SeedResult: 'kept' } });
  });

  it('Delete: not complete while deleting, then purges and completes once the stack is gone', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('DELETE_IN_PROGRESS')] })
      .rejects(NOT_FOUND());
    cc.on(DeleteRepositoryCommand).resolves({ repositoryId: 'r-1' });
    const { deps, clock } = testDeps();
    const event = completeEvent('Delete', {}, { Purge: 'true' });

    // Act
    const first = await providerIsComplete(event, clock.context, deps);
    const purgedBefore = cc.commandCalls(DeleteRepositoryCommand).length;
    const second = await providerIsComplete(event, clock.context, deps);

    // Assess
    expect(first).toEqual({ IsComplete: false });
    expect(purgedBefore).toBe(0);
    expect(second).toEqual({ IsComplete: true });
    expect(cc).toHaveReceivedCommandWith(DeleteRepositoryCommand, { repositoryName: 'ami-bakery-recipes' });
  });

  it('Delete: asks again when the stack is still there and idle', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});
    const { deps, clock } = testDeps();

    // Act
    const result = await providerIsComplete(completeEvent('Delete'), clock.context, deps);

    // Assess
    expect(result).toEqual({ IsComplete: false });
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK_NAME });
  });

  it('Delete: throws when the stack is DELETE_FAILED', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('DELETE_FAILED')] });
    const { deps, clock } = testDeps();

    // Act
    const result = providerIsComplete(completeEvent('Delete'), clock.context, deps);

    // Assess
    await expect(result).rejects.toThrow(
      `Bakery stack ${STACK_NAME} in ${ACCOUNT}/eu-central-1 could not be deleted: it is DELETE_FAILED.`,
    );
  });
});
