import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CodeCommitClient, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { NOT_CREATED_MARKER } from '../src/properties.js';
import type { CustomResourceResponse } from '../src/response.js';
import { awsError, cfnEvent, cfnStackId, PHYSICAL_ID, ROLE_CREDENTIALS, STACK_NAME, stack, testDeps } from './helpers.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const cc = mockClient(CodeCommitClient);
mockClient(S3Client);

const LAMBDA_TIMEOUT = 60_000;
const RESERVE = 8_000;

/** A Lambda context whose remaining time follows the (fake) clock. */
function lambdaContext() {
  const start = Date.now();
  return { getRemainingTimeInMillis: () => LAMBDA_TIMEOUT - (Date.now() - start) };
}

/** A call that hangs until the test lets it go; `entered` tells the work got that far. */
function hangingCall<T>(value: T) {
  let release: () => void = () => {};
  let entered = false;
  const promise = new Promise<T>((resolve) => {
    release = () => resolve(value);
  });
  return {
    get promise() {
      entered = true;
      return promise;
    },
    entered: () => entered,
    release: () => release(),
  };
}

/**
 * Preflight reads the package files with real I/O, which fake timers do not drive: let real
 * event-loop turns pass until the work reaches the point under test.
 */
async function until(condition: () => boolean): Promise<void> {
  // Bounded by real time (performance.now is not faked), not by a number of turns: on a loaded
  // machine the file reads can take longer than any fixed count of event-loop turns.
  const giveUp = performance.now() + 20_000;
  while (!condition() && performance.now() < giveUp) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

beforeEach(() => {
  // setImmediate stays real: `until` needs real event-loop turns.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  sts.reset();
  cfn.reset();
  cc.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: ROLE_CREDENTIALS });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('bootstrap: deadline timer', () => {
  it.each([
    {
      name: 'a hung CreateStack on Create',
      event: () => cfnEvent('Create'),
      hang: (h: ReturnType<typeof hangingCall>) => {
        cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK_NAME} does not exist`));
        cfn.on(CreateStackCommand).callsFake(() => h.promise);
      },
      physicalId: `${NOT_CREATED_MARKER}/a1b2c3d4-0000-4000-8000-000000000001`,
    },
    {
      name: 'a hung DescribeStacks after this request created the stack',
      event: () => cfnEvent('Create'),
      hang: (h: ReturnType<typeof hangingCall>) => {
        let calls = 0;
        cfn.on(DescribeStacksCommand).callsFake(() => {
          calls += 1;
          return calls === 1 ? Promise.reject(awsError('ValidationError', `Stack with id ${STACK_NAME} does not exist`)) : h.promise;
        });
        cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
      },
      physicalId: PHYSICAL_ID,
    },
    {
      name: 'a hung GetBranch on Update',
      event: () => cfnEvent('Update'),
      hang: (h: ReturnType<typeof hangingCall>) => {
        cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
        cfn.on(UpdateStackCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
        cc.on(GetBranchCommand).callsFake(() => h.promise);
      },
      physicalId: PHYSICAL_ID,
    },
  ])(
    'answers FAILED once before the deadline when the work hangs ($name), and never sends the late result',
    async ({ event, hang, physicalId }) => {
      // Prepare
      const hung = hangingCall({ Stacks: [stack('CREATE_COMPLETE')], branch: { commitId: 'feed' } });
      hang(hung);
      const { deps, respond, entries } = testDeps({ sleep: undefined, timing: { responseReserveMs: RESERVE } });

      // Act
      const running = bootstrap(event(), lambdaContext(), deps);
      await until(hung.entered);
      await vi.advanceTimersByTimeAsync(LAMBDA_TIMEOUT - RESERVE - 1);
      const beforeTimer = respond.mock.calls.length;
      await vi.advanceTimersByTimeAsync(1);
      const body = await running;
      hung.release();
      await vi.waitFor(() =>
        expect(entries.map((e) => e.message)).toContain('Work finished after the deadline response; its result was not sent'),
      );
      await vi.runAllTimersAsync();

      // Assess
      expect(beforeTimer).toBe(0);
      expect(respond).toHaveBeenCalledTimes(1);
      expect(respond.mock.calls[0]?.[1]).toEqual(body);
      expect(body).toMatchObject({
        Status: 'FAILED',
        PhysicalResourceId: physicalId,
        Reason: `${event().RequestType} did not finish before the Lambda deadline; the work was abandoned. Retry the stack operation (every step is idempotent) or raise the Lambda timeout.`,
      } satisfies Partial<CustomResourceResponse>);
      expect(entries).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'Work finished after the deadline response; its result was not sent' }),
      );
    },
  );

  it('clears the timer when the work finishes first, so nothing fires later', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(UpdateStackCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    cc.on(GetBranchCommand).resolves({ branch: { commitId: 'feed' } });
    const { deps, respond } = testDeps({ sleep: undefined });

    // Act
    const body = await bootstrap(cfnEvent('Update'), lambdaContext(), deps);
    const pendingTimers = vi.getTimerCount();
    await vi.runAllTimersAsync();

    // Assess
    expect(pendingTimers).toBe(0);
    expect(body.Status).toBe('SUCCESS');
    expect(respond).toHaveBeenCalledTimes(1);
  });

  it('aborts a stack wait when the timer fires, so the poller stops sleeping', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(awsError('ValidationError', `Stack with id ${STACK_NAME} does not exist`))
      .resolves({ Stacks: [stack('CREATE_IN_PROGRESS')] });
    cfn.on(CreateStackCommand).resolves({ StackId: cfnStackId() });
    // A generous margin keeps the poller going past the timer.
    const { deps, respond } = testDeps({
      sleep: undefined,
      timing: { responseReserveMs: RESERVE, safetyMarginMs: 0, pollIntervalMs: 5_000 },
    });

    // Act
    const running = bootstrap(cfnEvent('Create'), lambdaContext(), deps);
    await until(() => cfn.commandCalls(DescribeStacksCommand).length >= 2);
    await vi.advanceTimersByTimeAsync(LAMBDA_TIMEOUT);
    const body = await running;
    const describesAtAnswer = cfn.commandCalls(DescribeStacksCommand).length;
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toContain('did not finish before the Lambda deadline');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(describesAtAnswer);
    expect(respond).toHaveBeenCalledTimes(1);
  });
});
