import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AccessDeniedError, AwsRequestError } from './errors.js';

/** Credentials as the SDK clients accept them (structurally the SDK's AwsCredentialIdentity). */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
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

const defaultClientFactory: ClientFactory = {
  codeCommit: (config) => new CodeCommitClient({ ...config }),
  s3: (config) => new S3Client({ ...config }),
  sts: (config) => new STSClient({ ...config }),
};

const SESSION_NAME = 'bakery-publish';

/** Who the calls run as, in the words error messages use. */
function describeIdentity(roleArn: string | undefined): string {
  return roleArn ? `role ${roleArn}` : 'the default AWS credentials (no role given to assume)';
}

interface CallContext {
  readonly identity: string;
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
}

const ACCESS_DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden', 'UnauthorizedOperation']);

const HINTS: Record<string, string> = {
  RepositoryDoesNotExistException: 'Check the repository name and the region (the bakery stack creates the repository in the bakery region)',
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
  const metadata = typeof error === 'object' && error !== null ? (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata : undefined;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/**
 * Runs one SDK call and turns its failure into a PublishError that names the IAM action, the
 * resource and the identity, except for the errors the caller expects and handles.
 */
async function call<T>(context: CallContext, spec: CallSpec, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const name = errorName(error);
    if (name !== undefined && spec.expected?.includes(name)) throw error;
    if (name === 'EncryptionKeyAccessDeniedException') {
      throw new AccessDeniedError('kms:Decrypt and kms:GenerateDataKey', `the KMS key of ${spec.resource}`, context.identity, undefined, { cause: error });
    }
    if ((name !== undefined && ACCESS_DENIED_NAMES.has(name)) || httpStatus(error) === 403) {
      throw new AccessDeniedError(spec.action, spec.resource, context.identity, spec.deniedHint, { cause: error });
    }
    const detail = error instanceof Error && error.message ? `${name ?? 'Error'}: ${error.message}` : (name ?? String(error));
    throw new AwsRequestError(spec.action, spec.resource, detail, name ? HINTS[name] : undefined, { cause: error });
  }
}

/** Assumes `roleArn` and returns its temporary credentials. */
async function assumeRole(sts: STSClient, roleArn: string): Promise<Credentials> {
  const output = await call(
    { identity: 'the default AWS credentials' },
    {
      action: 'sts:AssumeRole',
      resource: roleArn,
      deniedHint: "the role's trust policy must also allow the caller",
    },
    () => sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME })),
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

export { assumeRole, call, defaultClientFactory, describeIdentity, errorName, SESSION_NAME };
export type { CallContext, CallSpec, ClientConfig, ClientFactory, Credentials };
