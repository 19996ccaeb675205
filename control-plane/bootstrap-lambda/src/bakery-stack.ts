import {
  Capability,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Parameter,
  type Stack,
  type Tag,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { call, sdkErrorMessage, sdkErrorName } from './aws.js';
import type { Deadline } from './deadline.js';
import { StackOperationError, StackStillInProgressError } from './errors.js';
import type { Log } from './log.js';
import type { BakerySession } from './session.js';
import type { BakeryTemplate } from './template.js';

type StackAction = 'CREATE' | 'UPDATE' | 'NONE';

interface StackSpec {
  stackName: string;
  /** CloudFormation service role: the configuration role may only create the stack through it. */
  roleArn?: string;
  template: BakeryTemplate;
  parameters: Parameter[];
  tags: Tag[];
}

interface StartedDeploy {
  action: StackAction;
  stackId: string;
}

/** Left behind by a failed create: nothing to update, so it is deleted and created again. */
const RECREATE = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'REVIEW_IN_PROGRESS']);
/** Need a human: the message says which console action fixes them. */
const BLOCKED: Record<string, string> = {
  DELETE_FAILED: 'delete it again from the CloudFormation console (retaining the resources that block it), then retry',
  UPDATE_ROLLBACK_FAILED: 'run "Continue update rollback" on it in the CloudFormation console, then retry',
  IMPORT_ROLLBACK_FAILED: 'fix the import rollback in the CloudFormation console, then retry',
};
const SUCCESS_AFTER: Record<StackAction, (status: string) => boolean> = {
  CREATE: (s) => s === 'CREATE_COMPLETE',
  UPDATE: (s) => s === 'UPDATE_COMPLETE',
  // "No updates": the deployed template already is ours, whatever stable state it is in.
  NONE: (s) => !s.endsWith('_FAILED') && s !== 'ROLLBACK_COMPLETE',
};

function inProgress(status: string | undefined): boolean {
  return typeof status === 'string' && status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

function cfnAction(name: string): string {
  return `cloudformation:${name}`;
}

async function describeStack(session: BakerySession, stackName: string, signal: AbortSignal): Promise<Stack | undefined> {
  try {
    const out = await call(cfnAction('DescribeStacks'), session.where, () =>
      session.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }), { abortSignal: signal }),
    );
    const stack = out.Stacks?.[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (error) {
    if (sdkErrorName(error) === 'ValidationError' && /does not exist/i.test(sdkErrorMessage(error))) return undefined;
    throw error;
  }
}

/** Polls until the stack leaves *_IN_PROGRESS (or is gone: undefined), within the deadline. */
async function waitForStack(session: BakerySession, stackName: string, deadline: Deadline, log: Log): Promise<Stack | undefined> {
  for (;;) {
    const stack = await describeStack(session, stackName, deadline.signal);
    if (!stack || !inProgress(stack.StackStatus)) return stack;
    if (deadline.remainingMs() < deadline.pollIntervalMs) throw new StackStillInProgressError(stackName, stack.StackStatus ?? 'UNKNOWN');
    log.debug('Waiting for the bakery stack', { stackName, stackStatus: stack.StackStatus });
    await deadline.sleep(deadline.pollIntervalMs);
  }
}

/** The resource failures behind a failed stack operation; best effort, never fails the caller. */
async function failureDetails(session: BakerySession, stack: Stack, signal: AbortSignal, log: Log): Promise<string> {
  try {
    const out = await call(cfnAction('DescribeStackEvents'), session.where, () =>
      session.cloudFormation.send(new DescribeStackEventsCommand({ StackName: stack.StackId ?? stack.StackName }), { abortSignal: signal }),
    );
    const failures = (out.StackEvents ?? [])
      .filter(
        (e) =>
          e.ResourceStatus?.endsWith('_FAILED') && e.LogicalResourceId !== stack.StackName && !/cancel/i.test(e.ResourceStatusReason ?? ''),
      )
      .slice(0, 3)
      .reverse()
      .map((e) => `${e.LogicalResourceId} (${e.ResourceType}) ${e.ResourceStatus}: ${e.ResourceStatusReason ?? 'no reason given'}`);
    return failures.length > 0 ? ` Resource failures: ${failures.join(' | ')}` : '';
  } catch (error) {
    log.warn('Could not read the bakery stack events', { error: String(error) });
    return '';
  }
}

async function failed(session: BakerySession, stack: Stack, what: string, signal: AbortSignal, log: Log): Promise<StackOperationError> {
  const status = stack.StackStatus ?? 'UNKNOWN';
  const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
  const details = await failureDetails(session, stack, signal, log);
  return new StackOperationError(
    `Bakery stack ${stack.StackName} in ${session.where} ${what}: it is ${status}${reason}.${details}`,
    status,
  );
}

async function deleteStack(session: BakerySession, stackName: string, deadline: Deadline, log: Log): Promise<void> {
  await call(cfnAction('DeleteStack'), session.where, () =>
    session.cloudFormation.send(new DeleteStackCommand({ StackName: stackName }), { abortSignal: deadline.signal }),
  );
  const left = await waitForStack(session, stackName, deadline, log);
  if (left) throw await failed(session, left, 'could not be deleted', deadline.signal, log);
}

/** The stack as CreateStack and UpdateStack both take it, so an update deploys what a create would. */
function stackInput(spec: StackSpec) {
  return {
    StackName: spec.stackName,
    ...(spec.roleArn ? { RoleARN: spec.roleArn } : {}),
    TemplateBody: spec.template.body,
    Parameters: spec.parameters,
    Capabilities: [Capability.CAPABILITY_NAMED_IAM],
    Tags: spec.tags,
  };
}

async function createStack(session: BakerySession, spec: StackSpec, signal: AbortSignal): Promise<string | undefined> {
  const out = await call(cfnAction('CreateStack'), session.where, () =>
    session.cloudFormation.send(new CreateStackCommand(stackInput(spec)), { abortSignal: signal }),
  );
  return out.StackId;
}

/** Returns false when CloudFormation finds nothing to change. */
async function updateStack(session: BakerySession, spec: StackSpec, signal: AbortSignal): Promise<boolean> {
  try {
    await call(cfnAction('UpdateStack'), session.where, () =>
      session.cloudFormation.send(new UpdateStackCommand(stackInput(spec)), { abortSignal: signal }),
    );
    return true;
  } catch (error) {
    if (sdkErrorName(error) === 'ValidationError' && /No updates are to be performed/i.test(sdkErrorMessage(error))) return false;
    throw error;
  }
}

/**
 * Starts whatever brings the stack to the packaged template, without waiting for it: waits out an
 * operation already running, and replaces a stack a failed create left behind (idempotent retry).
 */
async function startDeploy(session: BakerySession, spec: StackSpec, deadline: Deadline, log: Log): Promise<StartedDeploy> {
  // Each pass either returns or resolves one obstacle; three covers wait -> recreate -> create.
  for (let pass = 0; pass < 3; pass += 1) {
    let stack = await describeStack(session, spec.stackName, deadline.signal);
    if (stack && inProgress(stack.StackStatus)) {
      log.info('Bakery stack busy; waiting before deploying', { stackName: spec.stackName, stackStatus: stack.StackStatus });
      stack = await waitForStack(session, spec.stackName, deadline, log);
    }
    const status = stack?.StackStatus ?? '';
    if (stack && RECREATE.has(status)) {
      log.warn('Bakery stack left by a failed create; deleting it to create it again', { stackName: spec.stackName, stackStatus: status });
      await deleteStack(session, spec.stackName, deadline, log);
      stack = undefined;
    }
    if (stack && status in BLOCKED) {
      throw new StackOperationError(`Bakery stack ${spec.stackName} in ${session.where} is ${status}: ${BLOCKED[status]}.`, status);
    }
    if (!stack) {
      try {
        const stackId = await createStack(session, spec, deadline.signal);
        log.info('Creating the bakery stack', { stackName: spec.stackName, stackId });
        return { action: 'CREATE', stackId: stackId ?? spec.stackName };
      } catch (error) {
        // Someone created it between our describe and create: take the update path next pass.
        if (sdkErrorName(error) === 'AlreadyExistsException') continue;
        throw error;
      }
    }
    const changed = await updateStack(session, spec, deadline.signal);
    log.info(changed ? 'Updating the bakery stack' : 'Bakery stack already up to date', { stackName: spec.stackName });
    return { action: changed ? 'UPDATE' : 'NONE', stackId: stack.StackId ?? spec.stackName };
  }
  throw new StackOperationError(
    `Bakery stack ${spec.stackName} in ${session.where} kept changing state while being deployed; retry the stack operation.`,
    'UNKNOWN',
  );
}

/**
 * Judges a stack that is no longer in progress. `undefined` means not finished yet (isComplete
 * polls again); a failure throws with the resource errors.
 */
async function deployResult(
  session: BakerySession,
  stackName: string,
  action: StackAction,
  stack: Stack | undefined,
  signal: AbortSignal,
  log: Log,
): Promise<Stack | undefined> {
  if (!stack)
    throw new StackOperationError(
      `Bakery stack ${stackName} in ${session.where} disappeared while being deployed; retry the stack operation.`,
      'DELETE_COMPLETE',
    );
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (inProgress(status)) return undefined;
  if (SUCCESS_AFTER[action](status)) return stack;
  throw await failed(session, stack, action === 'CREATE' ? 'failed to create' : 'failed to update', signal, log);
}

/** Starts the deletion only: plain mode then waits, Provider mode polls from isComplete. */
async function startDeleteStack(session: BakerySession, stackName: string, signal: AbortSignal): Promise<void> {
  await call(cfnAction('DeleteStack'), session.where, () =>
    session.cloudFormation.send(new DeleteStackCommand({ StackName: stackName }), { abortSignal: signal }),
  );
}

function stackOutput(stack: Stack | undefined, key: string): string | undefined {
  return stack?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue || undefined;
}

export {
  deleteStack,
  deployResult,
  describeStack,
  failed,
  inProgress,
  type StackAction,
  type StackSpec,
  type StartedDeploy,
  stackOutput,
  startDeleteStack,
  startDeploy,
  waitForStack,
};
