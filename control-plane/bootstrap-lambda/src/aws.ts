import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsCallError, type AwsFaultKind } from './errors.js';

/** Temporary credentials of the assumed configuration role. */
interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Builds SDK clients; bakery-account clients always get the bakery region and role credentials. */
interface ClientFactory {
  /** STS with the Lambda's own credentials, in the given region (regional endpoint). */
  sts(region: string): STSClient;
  cloudFormation(region: string, credentials: RoleCredentials): CloudFormationClient;
  codeCommit(region: string, credentials: RoleCredentials): CodeCommitClient;
  s3(region: string, credentials: RoleCredentials): S3Client;
}

interface ClientFactoryOptions {
  /** Sends every call to this endpoint (tests against a local emulator). */
  endpoint?: string;
  /** Credentials for the STS client; default: the Lambda's credential chain. */
  baseCredentials?: RoleCredentials;
  /** Warm containers see new role credentials on every invocation; old clients are dropped beyond this. */
  maxCachedClients?: number;
}

/**
 * Per-attempt HTTP limits: without them one hung connection would eat the whole Lambda budget.
 * Standard retries (5 attempts, backoff) absorb throttling before it becomes a failure.
 */
const HTTP = { connectionTimeout: 5_000, requestTimeout: 30_000 };
const MAX_ATTEMPTS = 5;

function createClientFactory(options: ClientFactoryOptions = {}): ClientFactory {
  const cache = new Map<string, unknown>();
  const limit = options.maxCachedClients ?? 16;
  const common = {
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: HTTP,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };

  function cached<T>(key: string, make: () => T): T {
    const hit = cache.get(key) as T | undefined;
    if (hit !== undefined) return hit;
    const client = make();
    cache.set(key, client);
    if (cache.size > limit) {
      const oldest = cache.keys().next().value as string;
      (cache.get(oldest) as { destroy?: () => void }).destroy?.();
      cache.delete(oldest);
    }
    return client;
  }
  // The access key id identifies a credential set without putting the secret into the cache key.
  const keyOf = (service: string, region: string, credentials?: RoleCredentials) =>
    `${service}|${region}|${credentials?.accessKeyId ?? 'lambda'}`;

  return {
    sts: (region) =>
      cached(
        keyOf('sts', region),
        () => new STSClient({ ...common, region, ...(options.baseCredentials ? { credentials: options.baseCredentials } : {}) }),
      ),
    cloudFormation: (region, credentials) =>
      cached(keyOf('cloudformation', region, credentials), () => new CloudFormationClient({ ...common, region, credentials })),
    codeCommit: (region, credentials) =>
      cached(keyOf('codecommit', region, credentials), () => new CodeCommitClient({ ...common, region, credentials })),
    s3: (region, credentials) =>
      cached(
        keyOf('s3', region, credentials),
        () => new S3Client({ ...common, region, credentials, forcePathStyle: Boolean(options.endpoint) }),
      ),
  };
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'Forbidden',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

function errorName(error: unknown): string {
  const e = (error ?? {}) as SdkErrorShape;
  return typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
}

function classify(error: unknown): AwsFaultKind {
  const e = (error ?? {}) as SdkErrorShape;
  const name = errorName(error);
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) return 'access-denied';
  if (THROTTLED.has(name) || e.$retryable?.throttling) return 'throttled';
  if (TIMEOUT.has(name) || e.code === 'ETIMEDOUT') return 'timeout';
  if (NETWORK_CODES.has(name) || (typeof e.code === 'string' && NETWORK_CODES.has(e.code))) return 'network';
  return 'service';
}

/** Runs one AWS call; any failure becomes an AwsCallError naming the IAM action and the target. */
async function call<T>(action: string, where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const message = String((error as SdkErrorShape | undefined)?.message ?? error).slice(0, 3000);
    throw new AwsCallError(action, where, classify(error), errorName(error), message, { cause: error });
  }
}

/** The original SDK error name behind an AwsCallError (or the error itself). */
function sdkErrorName(error: unknown): string {
  return error instanceof AwsCallError ? error.errorName : errorName(error);
}

function sdkErrorMessage(error: unknown): string {
  const inner = error instanceof AwsCallError ? error.cause : error;
  return String((inner as SdkErrorShape | undefined)?.message ?? '');
}

function httpStatus(error: unknown): number | undefined {
  const inner = (error instanceof AwsCallError ? error.cause : error) as SdkErrorShape | undefined;
  return inner?.$metadata?.httpStatusCode;
}

export {
  type ClientFactory,
  type ClientFactoryOptions,
  call,
  createClientFactory,
  httpStatus,
  type RoleCredentials,
  sdkErrorMessage,
  sdkErrorName,
};
