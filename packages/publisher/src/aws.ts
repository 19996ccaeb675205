import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AccessDeniedError, AwsRequestError, AwsTimeoutError, InvalidOptionsError, PublishDeadlineError } from './errors.js';

/** Credentials as the SDK clients accept them (structurally the SDK's AwsCredentialIdentity). */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/**
 * How long one AWS call may take. Every client of the publisher (and the CLI) is built with
 * these: no call waits on a silent endpoint longer than `maxAttempts x (connect + request)` plus
 * the SDK's backoff between attempts (standard retry mode: exponential, with jitter).
 */
interface AwsTimeouts {
  /** TCP (and TLS) connection set-up. */
  readonly connectTimeoutMs: number;
  /** No byte of the answer for this long after the request was sent. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
}

/** The defaults, documented in the README: 5 s to connect, 30 s for an answer, 3 attempts. */
const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000, maxAttempts: 3 };

const TIMEOUT_VARIABLES = {
  connectTimeoutMs: 'BAKERY_AWS_CONNECT_TIMEOUT_MS',
  requestTimeoutMs: 'BAKERY_AWS_REQUEST_TIMEOUT_MS',
  maxAttempts: 'BAKERY_AWS_MAX_ATTEMPTS',
} as const;

/** The timeouts from `BAKERY_AWS_CONNECT_TIMEOUT_MS`, `BAKERY_AWS_REQUEST_TIMEOUT_MS` and `BAKERY_AWS_MAX_ATTEMPTS`, else the defaults. */
function awsTimeoutsFrom(env: Readonly<Record<string, string | undefined>>): AwsTimeouts {
  const out: Record<keyof AwsTimeouts, number> = { ...DEFAULT_AWS_TIMEOUTS };
  for (const [key, variable] of Object.entries(TIMEOUT_VARIABLES) as [keyof AwsTimeouts, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new InvalidOptionsError(variable, `must be a positive whole number, got '${raw}'`);
    out[key] = value;
  }
  return out;
}

interface ClientConfig {
  readonly region: string;
  /** Absent: the SDK's default credential chain. */
  readonly credentials?: Credentials;
}

/** Builds the SDK clients, so tests and callers decide how (and with which credentials). */
interface ClientFactory {
  codeCommit(config: ClientConfig): CodeCommitClient;
  s3(config: ClientConfig): S3Client;
  sts(config: ClientConfig): STSClient;
}

interface ClientFactoryOptions {
  timeouts?: AwsTimeouts;
  /** One endpoint for every service (a local moto server, a VPC endpoint); default AWS's own. */
  endpoint?: string;
  /** Credentials for clients given none; default the SDK's chain. */
  credentials?: Credentials;
}

/** Where each client last sent a request, for messages: the SDK's errors do not say. */
const lastEndpoint = new WeakMap<object, string>();

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: string; name: string; override?: boolean }): void;
}

/** Records the endpoint of every request the client sends (`endpointOf`). */
function recordEndpoints<C extends { middlewareStack: unknown }>(client: C): C {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as { protocol?: string; hostname?: string; port?: number } | undefined;
      if (request?.hostname)
        lastEndpoint.set(client, `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'bakeryRecordEndpoint', override: true },
  );
  return client;
}

/** The endpoint the client last called, or where it would call when it has not yet. */
function endpointOf(client: object | undefined, service: string, region: string | undefined): string {
  const recorded = client ? lastEndpoint.get(client) : undefined;
  if (recorded) return recorded;
  return `https://${service}.${region ?? '<region>'}.amazonaws.com`;
}

/**
 * The settings every client of the publisher (and the CLI) is built with: connect and request
 * timeouts, bounded retries with backoff (standard mode), one endpoint when given.
 */
function clientSettings(config: ClientConfig, options: ClientFactoryOptions = {}) {
  const timeouts = options.timeouts ?? DEFAULT_AWS_TIMEOUTS;
  return {
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...config,
    maxAttempts: timeouts.maxAttempts,
    retryMode: 'standard',
    // Without throwOnRequestTimeout the handler only logs a warning and keeps waiting.
    requestHandler: {
      connectionTimeout: timeouts.connectTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
}

/**
 * Any SDK client built like the factory's (`clientSettings`), recording where it sends requests
 * so a timeout names the endpoint: for the services publish itself does not call (`doctor --aws`).
 */
function createClient<C extends { middlewareStack: unknown }>(
  Client: new (settings: ReturnType<typeof clientSettings>) => C,
  config: ClientConfig,
  options: ClientFactoryOptions = {},
): C {
  return recordEndpoints(new Client(clientSettings(config, options)));
}

/** `clientSettings` with the options first, for clients built one by one (`new EC2Client(sdkClientConfig(options, { region }))`). */
function sdkClientConfig(options: ClientFactoryOptions, config: ClientConfig) {
  return clientSettings(config, options);
}

/** SDK clients with connect and request timeouts, bounded retries with backoff, and endpoint recording. */
function createClientFactory(options: ClientFactoryOptions = {}): ClientFactory {
  const common = (config: ClientConfig) => clientSettings(config, options);
  return {
    codeCommit: (config) => createClient(CodeCommitClient, config, options),
    s3: (config) => recordEndpoints(new S3Client({ ...common(config), ...(options.endpoint ? { forcePathStyle: true } : {}) })),
    sts: (config) => createClient(STSClient, config, options),
  };
}

const defaultClientFactory: ClientFactory = createClientFactory();

const SESSION_NAME = 'bakery-publish';

/** Who the calls run as, in the words error messages use. */
function describeIdentity(roleArn: string | undefined): string {
  return roleArn ? `role ${roleArn}` : 'the default AWS credentials (no role given to assume)';
}

interface CallContext {
  readonly identity: string;
  /** Aborted when the whole publish runs past its deadline. */
  readonly signal?: AbortSignal;
  /** The deadline the signal enforces, for its message. */
  readonly deadlineMs?: number;
}

interface CallSpec {
  /** IAM action, e.g. `codecommit:CreateCommit`. */
  readonly action: string;
  /** What the action is applied to, for messages. */
  readonly resource: string;
  /** Error names the caller handles itself (rethrown untouched). */
  readonly expected?: readonly string[];
  /** Added to an access-denied message, for causes the action name does not show. */
  readonly deniedHint?: string;
  /** The client that sends, so a timeout names its endpoint. */
  readonly client?: { config?: { region?: unknown } };
}

/** What `send` gets: the deadline's abort signal. */
interface SendOptions {
  abortSignal?: AbortSignal;
}

const ACCESS_DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden', 'UnauthorizedOperation']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
/** Network failures other than a timeout: the endpoint is named too. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE']);

const HINTS: Record<string, string> = {
  RepositoryDoesNotExistException:
    'Check the repository name and the region (the bakery stack creates the repository in the bakery region)',
  NoSuchBucket: 'Check the bucket name and the region',
  ExpiredTokenException: 'The credentials expired; sign in again and retry',
  ExpiredToken: 'The credentials expired; sign in again and retry',
};

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}

function httpStatus(error: unknown): number | undefined {
  const metadata =
    typeof error === 'object' && error !== null ? (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata : undefined;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

function attemptsOf(error: unknown): number | undefined {
  const metadata = typeof error === 'object' && error !== null ? (error as { $metadata?: { attempts?: unknown } }).$metadata : undefined;
  return typeof metadata?.attempts === 'number' ? metadata.attempts : undefined;
}

/**
 * Runs one SDK call and turns its failure into a PublishError that names the IAM action, the
 * resource and the identity (a timeout: the endpoint too), except for the errors the caller
 * expects and handles.
 */
async function call<T>(context: CallContext, spec: CallSpec, send: (options: SendOptions) => Promise<T>): Promise<T> {
  const service = spec.action.split(':')[0] ?? 'aws';
  const region = typeof spec.client?.config?.region === 'string' ? spec.client.config.region : undefined;
  if (context.signal?.aborted) {
    throw new PublishDeadlineError(context.deadlineMs ?? 0, spec.action, spec.resource, endpointOf(spec.client, service, region));
  }
  try {
    return await send(context.signal ? { abortSignal: context.signal } : {});
  } catch (error) {
    const name = errorName(error);
    if (name !== undefined && spec.expected?.includes(name)) throw error;
    const endpoint = () => endpointOf(spec.client, service, region);
    if (context.signal?.aborted) {
      throw new PublishDeadlineError(context.deadlineMs ?? 0, spec.action, spec.resource, endpoint(), { cause: error });
    }
    const code = (error as { code?: unknown }).code;
    if ((name !== undefined && TIMEOUT_NAMES.has(name)) || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
      const attempts = attemptsOf(error);
      const detail = `gave no answer (${typeof code === 'string' ? code : name}${attempts ? `, ${attempts} attempts` : ''})`;
      throw new AwsTimeoutError(spec.action, spec.resource, endpoint(), detail, { cause: error });
    }
    if (typeof code === 'string' && NETWORK_CODES.has(code)) {
      throw new AwsRequestError(
        spec.action,
        spec.resource,
        `cannot reach ${endpoint()} (${code})`,
        'Check the network path to it (proxy, VPC endpoint, firewall) and --region',
        { cause: error },
      );
    }
    if (name === 'EncryptionKeyAccessDeniedException') {
      throw new AccessDeniedError('kms:Decrypt and kms:GenerateDataKey', `the KMS key of ${spec.resource}`, context.identity, undefined, {
        cause: error,
      });
    }
    if ((name !== undefined && ACCESS_DENIED_NAMES.has(name)) || httpStatus(error) === 403) {
      throw new AccessDeniedError(spec.action, spec.resource, context.identity, spec.deniedHint, { cause: error });
    }
    const detail = error instanceof Error && error.message ? `${name ?? 'Error'}: ${error.message}` : (name ?? String(error));
    throw new AwsRequestError(spec.action, spec.resource, detail, name ? HINTS[name] : undefined, { cause: error });
  }
}

/** Assumes `roleArn` and returns its temporary credentials. */
async function assumeRole(sts: STSClient, roleArn: string, context: Omit<CallContext, 'identity'> = {}): Promise<Credentials> {
  const output = await call(
    { ...context, identity: 'the default AWS credentials' },
    {
      action: 'sts:AssumeRole',
      resource: roleArn,
      deniedHint: "the role's trust policy must also allow the caller",
      client: sts,
    },
    (options) => sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME }), options),
  );
  const credentials = output.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
    throw new AwsRequestError('sts:AssumeRole', roleArn, 'the response carried no credentials', undefined);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
    ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
  };
}

export type { AwsTimeouts, CallContext, CallSpec, ClientConfig, ClientFactory, ClientFactoryOptions, Credentials, SendOptions };
export {
  assumeRole,
  awsTimeoutsFrom,
  call,
  clientSettings,
  createClient,
  createClientFactory,
  DEFAULT_AWS_TIMEOUTS,
  defaultClientFactory,
  describeIdentity,
  endpointOf,
  errorName,
  recordEndpoints,
  SESSION_NAME,
  sdkClientConfig,
  TIMEOUT_VARIABLES,
};
