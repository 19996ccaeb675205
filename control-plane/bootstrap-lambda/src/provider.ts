import type { Stack } from '@aws-sdk/client-cloudformation';
import { deployResult, describeStack, failed, inProgress, type StackAction, startDeleteStack, startDeploy } from './bakery-stack.js';
import {
  type BootstrapDeps,
  DEFAULT_TIMING,
  deleteReason,
  prepare,
  purgeRepository,
  seedSource,
  shipControlPlaneCode,
  startTeardown,
  withDeployRole,
} from './bootstrap.js';
import { createDeadline, type TimeSource } from './deadline.js';
import { UnsupportedEventError } from './errors.js';
import { type CustomResourceEvent, missingEventFields } from './event.js';
import { isNotCreatedMarker } from './properties.js';
import { openSession } from './session.js';

/**
 * CDK Provider framework mode. The framework answers CloudFormation itself: these functions
 * never PUT to the ResponseURL, they return or throw (a throw becomes FAILED with its message).
 */
type ProviderDeps = Omit<BootstrapDeps, 'respond'>;

interface OnEventResult {
  PhysicalResourceId: string;
  /** Extra keys reach isComplete: what onEvent started, so the result can be judged. */
  BakeryStackAction?: StackAction;
  BakeryStackId?: string;
}

interface IsCompleteResult {
  IsComplete: boolean;
  Data?: Record<string, string>;
}

type ProviderEvent = Partial<CustomResourceEvent> & { BakeryStackAction?: string; BakeryStackId?: string };

const ACTIONS = new Set<string>(['CREATE', 'UPDATE', 'NONE']);

function checkEvent(event: unknown): CustomResourceEvent {
  const missing = missingEventFields(event, false);
  if (missing.length > 0) throw new UnsupportedEventError(`Not a custom-resource event (missing ${missing.join(', ')}); nothing to do`);
  return event as CustomResourceEvent;
}

function signalFor(context: TimeSource, deps: ProviderDeps) {
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const controller = new AbortController();
  return createDeadline(context, { ...timing, signal: controller.signal, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
}

/** Starts the stack operation and returns at once; isComplete then polls for the outcome. */
async function providerOnEvent(raw: unknown, context: TimeSource, deps: ProviderDeps): Promise<OnEventResult> {
  const event = checkEvent(raw);
  const log = deps.logger;
  if (event.RequestType === 'Delete' && isNotCreatedMarker(event.PhysicalResourceId))
    return { PhysicalResourceId: event.PhysicalResourceId as string };
  const prepared = await prepare(event, deps);
  const deadline = signalFor(context, deps);
  const session = await openSession(prepared.props, {
    serviceToken: event.ServiceToken,
    requestId: event.RequestId,
    clients: deps.clients,
    signal: deadline.signal,
  });
  if (prepared.requestType === 'Delete') {
    const { stack } = await startTeardown(session, prepared.props, deadline, log);
    if (stack) await startDeleteStack(session, prepared.props.bakeryStackName, deadline.signal);
    // The framework refuses a Delete that changes the id.
    return { PhysicalResourceId: event.PhysicalResourceId || prepared.physicalId };
  }
  await shipControlPlaneCode(prepared, session, deadline.signal, log);
  const started = await startDeploy(session, withDeployRole(prepared, session), deadline, log);
  return { PhysicalResourceId: prepared.physicalId, BakeryStackAction: started.action, BakeryStackId: started.stackId };
}

/** One look at the stack per call: false while it is in progress, throws when it failed. */
async function providerIsComplete(raw: unknown, context: TimeSource, deps: ProviderDeps): Promise<IsCompleteResult> {
  const event = checkEvent(raw) as CustomResourceEvent & ProviderEvent;
  const log = deps.logger;
  if (event.RequestType === 'Delete' && isNotCreatedMarker(event.PhysicalResourceId)) return { IsComplete: true };
  const prepared = await prepare(event, deps);
  const deadline = signalFor(context, deps);
  const session = await openSession(prepared.props, {
    serviceToken: event.ServiceToken,
    requestId: event.RequestId,
    clients: deps.clients,
    signal: deadline.signal,
  });
  const stackName = prepared.props.bakeryStackName;
  const stack = await describeStack(session, stackName, deadline.signal);

  if (prepared.requestType === 'Delete') {
    if (stack && inProgress(stack.StackStatus)) return { IsComplete: false };
    if (stack?.StackStatus === 'DELETE_FAILED') throw await failed(session, stack, 'could not be deleted', deadline.signal, log);
    if (stack) {
      // Still there and idle: the delete did not take (or was never started); ask again.
      await startDeleteStack(session, stackName, deadline.signal);
      return { IsComplete: false };
    }
    if (prepared.props.purge) await purgeRepository(session, prepared.props, deadline.signal, log);
    log.info(deleteReason(prepared.props, session.where, true, 0));
    return { IsComplete: true };
  }

  const action = (ACTIONS.has(event.BakeryStackAction ?? '') ? event.BakeryStackAction : 'UPDATE') as StackAction;
  const done = await deployResult(session, stackName, action, stack, deadline.signal, log);
  if (!done) return { IsComplete: false };
  const result = await seedSource(session, prepared, done as Stack, deadline.signal, log);
  log.info(result.reason);
  return { IsComplete: true, ...(result.data ? { Data: result.data } : {}) };
}

export { type IsCompleteResult, type OnEventResult, type ProviderDeps, providerIsComplete, providerOnEvent };
