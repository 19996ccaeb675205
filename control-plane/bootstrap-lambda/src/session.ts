import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import type { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type ClientFactory, call, type RoleCredentials } from './aws.js';
import { BootstrapError } from './errors.js';
import type { BootstrapProperties } from './properties.js';

/** Clients in the bakery account and region, under the configuration role. */
interface BakerySession {
  partition: string;
  roleArn: string;
  /** `<account>/<region>`, used in messages. */
  where: string;
  readonly cloudFormation: CloudFormationClient;
  readonly codeCommit: CodeCommitClient;
  readonly s3: S3Client;
}

const ARN_PARTITION = /^arn:(aws[a-z-]*):/;

function partitionFromArn(arn: unknown): string | undefined {
  return typeof arn === 'string' ? ARN_PARTITION.exec(arn)?.[1] : undefined;
}

/**
 * The partition comes from the ServiceToken ARN CloudFormation sends; only when that is missing
 * does it cost an STS call. Never a literal, so GovCloud and China work.
 */
async function resolvePartition(serviceToken: unknown, clients: ClientFactory, region: string, signal: AbortSignal): Promise<string> {
  const fromToken = partitionFromArn(serviceToken);
  if (fromToken) return fromToken;
  const identity = await call('sts:GetCallerIdentity', region, () =>
    clients.sts(region).send(new GetCallerIdentityCommand({}), { abortSignal: signal }),
  );
  const partition = partitionFromArn(identity.Arn);
  if (!partition)
    throw new BootstrapError(`sts:GetCallerIdentity returned no usable ARN (${String(identity.Arn)}); cannot tell the AWS partition`);
  return partition;
}

/** Session names show up in the bakery account's CloudTrail: tie them to the CloudFormation request. */
function sessionName(requestId: string): string {
  const suffix = requestId.replace(/[^\w+=,.@-]/g, '').slice(0, 36);
  return `ami-bakery-bootstrap-${suffix}`.slice(0, 64);
}

async function openSession(
  props: BootstrapProperties,
  options: { serviceToken: unknown; requestId: string; clients: ClientFactory; signal: AbortSignal },
): Promise<BakerySession> {
  const region = props.bakeryRegion;
  const partition = await resolvePartition(options.serviceToken, options.clients, region, options.signal);
  const roleArn = `arn:${partition}:iam::${props.bakeryAccountId}:role/${props.configurationRoleName}`;
  // STS in the bakery region: its regional endpoint, and a disabled region fails here, clearly.
  const assumed = await call('sts:AssumeRole', `${region} (role ${roleArn})`, () =>
    options.clients
      .sts(region)
      .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName(options.requestId) }), { abortSignal: options.signal }),
  );
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new BootstrapError(`sts:AssumeRole on ${roleArn} returned no credentials`);
  const credentials: RoleCredentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
  return {
    partition,
    roleArn,
    where: `${props.bakeryAccountId}/${region}`,
    // Getters: a Delete never builds a CodeCommit client unless it purges; the factory caches.
    get cloudFormation() {
      return options.clients.cloudFormation(region, credentials);
    },
    get codeCommit() {
      return options.clients.codeCommit(region, credentials);
    },
    get s3() {
      return options.clients.s3(region, credentials);
    },
  };
}

export { type BakerySession, openSession, partitionFromArn, sessionName };
