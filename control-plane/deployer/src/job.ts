/**
 * The CodePipeline side: reading the Lambda invoke action's job event, the continuation token the
 * deployer hands back to be called again, and the job results that end (or continue) the action.
 */
import { PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { type Clients, call, endpointOf, type SessionCredentials } from './aws.js';
import { JobEventError } from './errors.js';

interface PipelineJob {
  readonly id: string;
  /** The source artifact (a zip in the pipeline's artifact bucket). */
  readonly artifact: { readonly bucket: string; readonly key: string };
  readonly artifactCredentials: SessionCredentials | undefined;
  readonly continuationToken: string | undefined;
}

/** What the deployer carries from one invocation to the next (CodePipeline allows 2,048 characters). */
interface Continuation {
  readonly v: 1;
  /** The deployment: the id of the job that started it. */
  readonly execution: string;
  /** S3 key of the saved state, always under deployments/<execution>/. */
  readonly stateKey: string;
}

const JOB_ID = /^[0-9a-zA-Z-]{1,128}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The job of a CodePipeline Lambda invoke event; throws JobEventError for anything else. */
function parseJobEvent(event: unknown): PipelineJob {
  const job = isObject(event) ? event['CodePipeline.job'] : undefined;
  if (!isObject(job)) throw new JobEventError('the event is not a CodePipeline job (no "CodePipeline.job")');
  const id = job.id;
  if (typeof id !== 'string' || !JOB_ID.test(id)) throw new JobEventError('the CodePipeline job has no valid id');
  const data = isObject(job.data) ? job.data : {};
  const inputs = Array.isArray(data.inputArtifacts) ? data.inputArtifacts : [];
  if (inputs.length !== 1)
    throw new JobEventError(`the Deploy action must have exactly one input artifact (the source), not ${inputs.length}`);
  const location = isObject(inputs[0]) && isObject(inputs[0].location) ? inputs[0].location : {};
  const s3 = isObject(location.s3Location) ? location.s3Location : {};
  if (location.type !== 'S3' || typeof s3.bucketName !== 'string' || typeof s3.objectKey !== 'string') {
    throw new JobEventError('the input artifact is not in S3 (location.type S3 with bucketName and objectKey)');
  }
  const credentials = isObject(data.artifactCredentials) ? data.artifactCredentials : undefined;
  const artifactCredentials =
    credentials && typeof credentials.accessKeyId === 'string' && typeof credentials.secretAccessKey === 'string'
      ? {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(typeof credentials.sessionToken === 'string' ? { sessionToken: credentials.sessionToken } : {}),
        }
      : undefined;
  const token = data.continuationToken;
  return {
    id,
    artifact: { bucket: s3.bucketName, key: s3.objectKey },
    artifactCredentials,
    continuationToken: typeof token === 'string' && token !== '' ? token : undefined,
  };
}

function encodeContinuation(c: Continuation): string {
  const token = JSON.stringify(c);
  if (token.length > 2_048) throw new JobEventError('continuation token longer than 2,048 characters');
  return token;
}

/** The continuation, or undefined when the token is not one this deployer wrote. */
function decodeContinuation(token: string): Continuation | undefined {
  try {
    const data = JSON.parse(token) as Record<string, unknown>;
    if (data.v !== 1 || typeof data.execution !== 'string' || !JOB_ID.test(data.execution) || typeof data.stateKey !== 'string')
      return undefined;
    if (data.stateKey !== `deployments/${data.execution}/state.json`) return undefined;
    return { v: 1, execution: data.execution, stateKey: data.stateKey };
  } catch {
    return undefined;
  }
}

/** Ends the action successfully, or asks CodePipeline to call again (with `continuation`). */
async function putJobSuccess(
  clients: Clients,
  jobId: string,
  summary: string,
  continuation?: { token: string; percentComplete: number },
): Promise<void> {
  await call('codepipeline:PutJobSuccessResult', endpointOf(clients, 'codepipeline'), () =>
    clients.codePipeline.send(
      new PutJobSuccessResultCommand({
        jobId,
        ...(continuation ? { continuationToken: continuation.token } : {}),
        executionDetails: {
          summary: summary.slice(0, 2_048),
          ...(continuation ? { percentComplete: continuation.percentComplete } : { percentComplete: 100 }),
        },
      }),
    ),
  );
}

type FailureType = 'JobFailed' | 'ConfigurationError';

/** Ends the action failed; the message names what failed (CodePipeline shows 5,000 characters). */
async function putJobFailure(clients: Clients, jobId: string, message: string, type: FailureType = 'JobFailed'): Promise<void> {
  await call('codepipeline:PutJobFailureResult', endpointOf(clients, 'codepipeline'), () =>
    clients.codePipeline.send(new PutJobFailureResultCommand({ jobId, failureDetails: { type, message: truncate(message, 5_000) } })),
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 40)}… (${text.length - max + 40} more characters)`;
}

export {
  type Continuation,
  decodeContinuation,
  encodeContinuation,
  type FailureType,
  type PipelineJob,
  parseJobEvent,
  putJobFailure,
  putJobSuccess,
  truncate,
};
