/**
 * SDK clients and the one wrapper every AWS call goes through: per-attempt connection and request
 * time limits, the SDK's standard retries with backoff, and on failure an AwsCallError naming the
 * operation, the endpoint and the number of attempts.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { S3Client } from '@aws-sdk/client-s3';
import { AwsCallError, type AwsFaultKind } from './errors.js';

interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface Clients {
  readonly region: string;
  /** Set when every call goes to one endpoint (tests against moto). */
  readonly endpointOverride: string | undefined;
  readonly cloudFormation: CloudFormationClient;
  /** S3 with the deployer's own role: templates, state, reports. */
  readonly s3: S3Client;
  readonly imageBuilder: ImagebuilderClient;
  readonly codePipeline: CodePipelineClient;
  /** S3 with the credentials CodePipeline hands the job for its artifacts (own role when absent). */
  artifactS3(credentials: SessionCredentials | undefined): S3Client;
}

interface ClientOptions {
  region: string;
  endpoint?: string;
  credentials?: SessionCredentials;
}

/** Per attempt: a hung connection never eats the Lambda's budget. */
const HTTP = { connectionTimeout: 5_000, requestTimeout: 30_000 };
/** The source artifact can be tens of megabytes. */
const HTTP_ARTIFACT = { connectionTimeout: 5_000, requestTimeout: 120_000 };
const MAX_ATTEMPTS = 5;

function createClients(options: ClientOptions): Clients {
  const common = {
    region: options.region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: HTTP,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const s3Common = { ...common, forcePathStyle: Boolean(options.endpoint) };
  return {
    region: options.region,
    endpointOverride: options.endpoint,
    cloudFormation: new CloudFormationClient(common),
    s3: new S3Client(s3Common),
    imageBuilder: new ImagebuilderClient(common),
    codePipeline: new CodePipelineClient(common),
    artifactS3: (credentials) => new S3Client({ ...s3Common, requestHandler: HTTP_ARTIFACT, ...(credentials ? { credentials } : {}) }),
  };
}

const DNS_SUFFIX = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');

/** The endpoint a service's calls go to, for messages. */
function endpointOf(clients: Pick<Clients, 'region' | 'endpointOverride'>, service: string): string {
  return clients.endpointOverride ?? `https://${service}.${clients.region}.${DNS_SUFFIX(clients.region)}`;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Forbidden',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);
const NOT_FOUND = new Set([
  'NoSuchKey',
  'NotFound',
  'NoSuchBucket',
  'ResourceNotFoundException',
  'ChangeSetNotFoundException',
  'ChangeSetNotFound',
  'StackNotFoundException',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: { throttling?: boolean };
}

function errorName(error: unknown): string {
  const e = (error ?? {}) as SdkErrorShape;
  return typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
}

function classify(error: unknown): AwsFaultKind {
  const e = (error ?? {}) as SdkErrorShape;
  const name = errorName(error);
  const message = String(e.message ?? '');
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) return 'access-denied';
  if (THROTTLED.has(name) || e.$retryable?.throttling) return 'throttled';
  if (TIMEOUT.has(name)) return 'timeout';
  if (NETWORK.has(name) || (typeof e.code === 'string' && NETWORK.has(e.code))) return 'network';
  if (NOT_FOUND.has(name) || e.$metadata?.httpStatusCode === 404 || / does not exist/.test(message)) return 'not-found';
  return 'service';
}

/** Runs one AWS call; a failure becomes an AwsCallError naming `operation` (the IAM action) and `endpoint`. */
async function call<T>(operation: string, endpoint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = (error ?? {}) as SdkErrorShape;
    const detail = String(e.message ?? error).slice(0, 2_000);
    throw new AwsCallError(operation, endpoint, classify(error), errorName(error), detail, e.$metadata?.attempts ?? 1, { cause: error });
  }
}

export { type ClientOptions, type Clients, call, classify, createClients, endpointOf, errorName, MAX_ATTEMPTS, type SessionCredentials };
