import { bakeryStackRoleName } from '@ami-bakery/bakery-stack/names';
import type { Stack } from '@aws-sdk/client-cloudformation';
import { DeleteRepositoryCommand } from '@aws-sdk/client-codecommit';
import { type ClientFactory, call, sdkErrorName } from './aws.js';
import {
  deleteStack,
  deployResult,
  describeStack,
  inProgress,
  type StackSpec,
  stackOutput,
  startDeploy,
  waitForStack,
} from './bakery-stack.js';
import { createDeadline, type Deadline, type Sleep, type TimeSource } from './deadline.js';
import { ArtifactBucketError, DeadlineExceededError, PreflightError, UnsupportedEventError } from './errors.js';
import { type CustomResourceEvent, isRequestType, type RequestType } from './event.js';
import type { Log } from './log.js';
import { type BootstrapProperties, isNotCreatedMarker, NOT_CREATED_MARKER, parseProperties, physicalResourceId } from './properties.js';
import { buildResponse, type CustomResourceResponse, type Respond, type ResponseStatus } from './response.js';
import { emptyBucket, seedS3Source } from './s3-source.js';
import { loadSeedBundle, type SeedBundle, type SeedOutcome, seedRepository } from './seed.js';
import { type BakerySession, openSession } from './session.js';
import { loadShipped, type Shipped, uploadShipped } from './shipped.js';
import { loadTemplate, stackParameters } from './template.js';

/** Output the bakery stack must export for S3 seeding and bucket emptying. */
const ARTIFACT_BUCKET_OUTPUT = 'ArtifactBucketName';

interface Timing {
  /** Between DescribeStacks polls. */
  pollIntervalMs: number;
  /** Waiting stops this long before the Lambda deadline, leaving time to answer with a useful Reason. */
  safetyMarginMs: number;
  /** The hard timer answers FAILED this long before the deadline if the work still has not returned. */
  responseReserveMs: number;
}

// The reserve covers the response PUT's worst case (3 attempts of 3 s plus backoff, see response.ts).
const DEFAULT_TIMING: Timing = { pollIntervalMs: 5_000, safetyMarginMs: 20_000, responseReserveMs: 12_000 };

interface BootstrapDeps {
  clients: ClientFactory;
  respond: Respond;
  logger: Log;
  /** `bakery-stack.template.json` next to the bundled handler. */
  templatePath: string;
  /** The packaged seed bundle (`dist/bundle` layout). */
  seedDir: string;
  /** Folder with `deployer/` (the deployer build: index.mjs, cloudformation-validate/), `image-events/index.mjs` and `guard-rules/*.guard` (the package root). */
  shippedDir: string;
  sleep?: Sleep;
  timing?: Partial<Timing>;
}

interface Prepared {
  requestType: RequestType;
  props: BootstrapProperties;
  physicalId: string;
  /** Create/Update only. */
  spec?: StackSpec;
  seed?: SeedBundle;
  /** Create/Update only: uploaded to the control bucket before the stack operation. */
  shipped?: Shipped;
}

interface WorkResult {
  reason: string;
  data?: Record<string, string>;
}

/** What the work learned before failing, to pick the PhysicalResourceId of a FAILED response. */
interface WorkState {
  physicalId?: string;
  /** This request created the bakery stack, so a rollback Delete must remove it. */
  createdStack: boolean;
}

function tagsFor(props: BootstrapProperties) {
  return [
    { Key: 'ami-bakery:managed-by', Value: 'ami-bakery-bootstrap' },
    { Key: 'ami-bakery:solution-version', Value: props.solutionVersion },
  ];
}

/** Everything that can be checked without AWS: a failure here leaves nothing behind. */
async function prepare(
  event: CustomResourceEvent,
  deps: Pick<BootstrapDeps, 'templatePath' | 'seedDir' | 'shippedDir'>,
): Promise<Prepared> {
  const requestType = event.RequestType;
  if (!isRequestType(requestType)) {
    throw new UnsupportedEventError(
      `RequestType ${JSON.stringify(requestType).slice(0, 40)} is not supported: CloudFormation sends Create, Update or Delete`,
    );
  }
  const props = parseProperties(event.ResourceProperties);
  const physicalId = physicalResourceId(props);
  if (requestType === 'Delete') return { requestType, props, physicalId };
  const template = await loadTemplate(deps.templatePath);
  const shipped = await loadShipped(deps.shippedDir);
  const keys = {
    deployerCodeKey: shipped.deployer.key,
    imageEventsCodeKey: shipped.imageEvents.key,
    guardRulesKey: shipped.guardRules.key,
  };
  const spec: StackSpec = {
    stackName: props.bakeryStackName,
    template,
    parameters: stackParameters(template, props, keys),
    tags: tagsFor(props),
  };
  const seed = await loadSeedBundle(deps.seedDir, props);
  return { requestType, props, physicalId, spec, seed, shipped };
}

function describeSeed(props: BootstrapProperties, outcome: SeedOutcome, seed: SeedBundle, bucket?: string): string {
  if (props.sourceType === 'S3') {
    const target = `s3://${bucket}/${props.sourceObjectKey}`;
    return outcome === 'seeded'
      ? `uploaded the seed (${seed.recipes.length} recipe(s)) to ${target}`
      : `${target} already exists, left unchanged`;
  }
  return outcome === 'seeded'
    ? `seeded branch ${props.branchName} of ${props.repositoryName} with ${seed.recipes.length} recipe(s)`
    : `branch ${props.branchName} of ${props.repositoryName} already exists, left unchanged`;
}

/** Seeds the pipeline source (CodeCommit branch or S3 object) once the stack is complete. */
async function seedSource(session: BakerySession, prepared: Prepared, stack: Stack, signal: AbortSignal, log: Log): Promise<WorkResult> {
  const { props } = prepared;
  const seed = prepared.seed as SeedBundle;
  const bucket = stackOutput(stack, ARTIFACT_BUCKET_OUTPUT);
  let outcome: SeedOutcome;
  if (props.sourceType === 'S3') {
    if (!bucket) {
      throw new ArtifactBucketError(
        `Bakery stack ${props.bakeryStackName} has no ${ARTIFACT_BUCKET_OUTPUT} output, so the S3 source cannot be seeded: deploy a bakery stack template that exports it`,
      );
    }
    outcome = await seedS3Source(session, bucket, props.sourceObjectKey, seed, signal, log);
  } else {
    outcome = await seedRepository(session, props, seed, signal, log);
  }
  return {
    reason: `Bakery stack ${props.bakeryStackName} is ${stack.StackStatus} in ${session.where}; ${describeSeed(props, outcome, seed, bucket)}.`,
    data: {
      BakeryStackId: stack.StackId ?? props.bakeryStackName,
      RepositoryName: props.repositoryName,
      BranchName: props.branchName,
      SourceType: props.sourceType,
      SeedResult: outcome,
      ...(bucket ? { ArtifactBucketName: bucket } : {}),
    },
  };
}

/** The deploy role lives in the bakery account (StackSet); its ARN needs the session's partition. */
function withDeployRole(prepared: Prepared, session: BakerySession): StackSpec {
  const { props } = prepared;
  return {
    ...(prepared.spec as StackSpec),
    roleArn: `arn:${session.partition}:iam::${props.bakeryAccountId}:role/${bakeryStackRoleName(props.namePrefix)}`,
  };
}

/**
 * The deployer code and Guard rules go to the control bucket before the stack that points at them
 * is created or updated, under content-hash keys the stack receives as parameters.
 */
async function shipControlPlaneCode(prepared: Prepared, session: BakerySession, signal: AbortSignal, log: Log): Promise<string> {
  const { props } = prepared;
  return uploadShipped(session, props.namePrefix, props.bakeryAccountId, props.bakeryRegion, prepared.shipped as Shipped, signal, log);
}

async function createOrUpdate(
  prepared: Prepared,
  session: BakerySession,
  deadline: Deadline,
  state: WorkState,
  log: Log,
): Promise<WorkResult> {
  await shipControlPlaneCode(prepared, session, deadline.signal, log);
  const spec = withDeployRole(prepared, session);
  const started = await startDeploy(session, spec, deadline, log);
  if (started.action === 'CREATE') state.createdStack = true;
  const stack = await deployResult(
    session,
    spec.stackName,
    started.action,
    await waitForStack(session, spec.stackName, deadline, log),
    deadline.signal,
    log,
  );
  // waitForStack only returns stacks that are no longer in progress, so deployResult has judged it.
  return seedSource(session, prepared, stack as Stack, deadline.signal, log);
}

/** Empties the artifact bucket and starts deleting the stack; false when there is no stack. */
async function startTeardown(
  session: BakerySession,
  props: BootstrapProperties,
  deadline: Deadline,
  log: Log,
): Promise<{ stack?: Stack; emptied: number }> {
  let stack = await describeStack(session, props.bakeryStackName, deadline.signal);
  // DeleteStack is refused while an update runs; let it settle first.
  if (stack && inProgress(stack.StackStatus) && !stack.StackStatus?.startsWith('DELETE'))
    stack = await waitForStack(session, props.bakeryStackName, deadline, log);
  if (!stack) return { emptied: 0 };
  const bucket = stackOutput(stack, ARTIFACT_BUCKET_OUTPUT);
  const emptied = bucket ? await emptyBucket(session, bucket, deadline.signal, log) : 0;
  return { stack, emptied };
}

async function purgeRepository(session: BakerySession, props: BootstrapProperties, signal: AbortSignal, log: Log): Promise<void> {
  try {
    await call('codecommit:DeleteRepository', session.where, () =>
      session.codeCommit.send(new DeleteRepositoryCommand({ repositoryName: props.repositoryName }), { abortSignal: signal }),
    );
    log.info('Purged the repository', { repositoryName: props.repositoryName });
  } catch (error) {
    if (sdkErrorName(error) !== 'RepositoryDoesNotExistException') throw error;
  }
}

function deleteReason(props: BootstrapProperties, where: string, existed: boolean, emptied: number): string {
  const stackPart = existed
    ? `Deleted bakery stack ${props.bakeryStackName} in ${where}${emptied > 0 ? ` after emptying its artifact bucket (${emptied} object version(s))` : ''}`
    : `Bakery stack ${props.bakeryStackName} in ${where} was already gone`;
  const repoPart = props.purge
    ? `purged repository ${props.repositoryName}`
    : `kept repository ${props.repositoryName} and all AMIs (set Purge to true before deleting to remove the repository)`;
  return `${stackPart}; ${repoPart}.`;
}

async function remove(prepared: Prepared, session: BakerySession, deadline: Deadline, log: Log): Promise<WorkResult> {
  const { props } = prepared;
  const { stack, emptied } = await startTeardown(session, props, deadline, log);
  if (stack) await deleteStack(session, props.bakeryStackName, deadline, log);
  if (props.purge) await purgeRepository(session, props, deadline.signal, log);
  return { reason: deleteReason(props, session.where, Boolean(stack), emptied) };
}

async function perform(event: CustomResourceEvent, deps: BootstrapDeps, deadline: Deadline, state: WorkState): Promise<WorkResult> {
  const log = deps.logger;
  if (event.RequestType === 'Delete' && isNotCreatedMarker(event.PhysicalResourceId)) {
    return { reason: 'Nothing to delete: the Create of this resource failed before changing anything.' };
  }
  const prepared = await prepare(event, deps);
  state.physicalId = prepared.physicalId;
  if (prepared.requestType === 'Update' && event.PhysicalResourceId && event.PhysicalResourceId !== prepared.physicalId) {
    log.info('The bakery target moved; CloudFormation will delete the old one after this update', {
      from: event.PhysicalResourceId,
      to: prepared.physicalId,
    });
  }
  const session = await openSession(prepared.props, {
    serviceToken: event.ServiceToken ?? event.ResourceProperties?.ServiceToken,
    requestId: event.RequestId,
    clients: deps.clients,
    signal: deadline.signal,
  });
  return prepared.requestType === 'Delete'
    ? remove(prepared, session, deadline, log)
    : createOrUpdate(prepared, session, deadline, state, log);
}

function failurePhysicalId(event: CustomResourceEvent, error: unknown, state: WorkState): string {
  const marker = `${NOT_CREATED_MARKER}/${event.RequestId}`;
  if (event.RequestType === 'Create') {
    // Only a stack this request created is worth the rollback Delete; anything else stays.
    return !(error instanceof PreflightError) && state.createdStack && state.physicalId ? state.physicalId : marker;
  }
  return event.PhysicalResourceId || marker;
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

interface Outcome {
  status: ResponseStatus;
  reason: string;
  physicalId: string;
  data?: Record<string, string>;
  timedOut?: boolean;
}

/**
 * Plain Lambda-backed mode: does the work and sends exactly one response before the deadline.
 * A timer answers FAILED shortly before the Lambda would be killed; a result that arrives
 * later is logged, never sent.
 */
async function bootstrap(event: CustomResourceEvent, context: TimeSource, deps: BootstrapDeps): Promise<CustomResourceResponse> {
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const log = deps.logger;
  const controller = new AbortController();
  const deadline = createDeadline(context, { ...timing, signal: controller.signal, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  const state: WorkState = { createdStack: false };

  const work: Promise<Outcome> = perform(event, deps, deadline, state).then(
    (result): Outcome => ({
      status: 'SUCCESS',
      reason: result.reason,
      physicalId: state.physicalId ?? event.PhysicalResourceId ?? '',
      ...(result.data ? { data: result.data } : {}),
    }),
    (error: unknown): Outcome => {
      log.error('Request failed', { error: reasonOf(error), errorName: (error as Error)?.name });
      return { status: 'FAILED', reason: reasonOf(error), physicalId: failurePhysicalId(event, error, state) };
    },
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    const ms = Math.max(0, context.getRemainingTimeInMillis() - timing.responseReserveMs);
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(event.RequestType);
      resolve({ status: 'FAILED', reason: error.message, physicalId: failurePhysicalId(event, error, state), timedOut: true });
    }, ms);
  });

  const outcome = await Promise.race([work, timeout]);
  clearTimeout(timer);
  if (outcome.timedOut) {
    controller.abort(new DeadlineExceededError(event.RequestType));
    void work.then((late) =>
      log.warn('Work finished after the deadline response; its result was not sent', { status: late.status, reason: late.reason }),
    );
  }

  // Delete and Update echo the id CloudFormation has; Create reports the stable target id.
  const physicalId =
    outcome.status === 'SUCCESS' && event.RequestType === 'Delete' ? event.PhysicalResourceId || outcome.physicalId : outcome.physicalId;
  const body = buildResponse(event, outcome.status, physicalId, outcome.reason, outcome.data);
  (outcome.status === 'SUCCESS' ? log.info : log.warn).call(log, 'Responding to CloudFormation', {
    status: body.Status,
    reason: body.Reason,
    physicalResourceId: body.PhysicalResourceId,
  });
  try {
    await deps.respond(event.ResponseURL, body);
  } catch (error) {
    // Throwing would make Lambda retry the whole invocation; the stack times out visibly instead.
    log.error('Could not deliver the response to CloudFormation', { error: reasonOf(error) });
  }
  return body;
}

export {
  ARTIFACT_BUCKET_OUTPUT,
  type BootstrapDeps,
  bootstrap,
  DEFAULT_TIMING,
  deleteReason,
  failurePhysicalId,
  type Prepared,
  prepare,
  purgeRepository,
  reasonOf,
  seedSource,
  shipControlPlaneCode,
  startTeardown,
  type Timing,
  tagsFor,
  type WorkResult,
  withDeployRole,
};
