/**
 * The AWS clients of the CLI (publish, doctor --aws), all from one factory: connect and request
 * timeouts, bounded retries with backoff, and errors that name the operation and the endpoint
 * when time runs out. Defaults (README "AWS timeouts"): 5 s to connect, 30 s for an answer, 3
 * attempts; BAKERY_AWS_CONNECT_TIMEOUT_MS, BAKERY_AWS_REQUEST_TIMEOUT_MS and
 * BAKERY_AWS_MAX_ATTEMPTS override them. AWS_ENDPOINT_URL points every client at one endpoint
 * (a VPC endpoint, a local moto server).
 */

import { type AwsTimeouts, awsTimeoutsFrom, type ClientFactory, callAws, createClient, createClientFactory } from '@ami-bakery/publisher';
import { BatchGetAccountStatusCommand, Inspector2Client } from '@aws-sdk/client-inspector2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';

type Env = Readonly<Record<string, string | undefined>>;

function endpointFrom(env: Env): string | undefined {
  const value = env.AWS_ENDPOINT_URL;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The clients `bakery publish` uses, configured from the command's environment. */
export function awsClients(env: Env, timeouts: AwsTimeouts = awsTimeoutsFrom(env)): ClientFactory {
  const endpoint = endpointFrom(env);
  return createClientFactory({ timeouts, ...(endpoint ? { endpoint } : {}) });
}

/** The timeouts of a `doctor --aws` call: one attempt of at most `timeoutMs` per phase. */
function doctorTimeouts(timeoutMs: number): AwsTimeouts {
  return { connectTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, maxAttempts: 1 };
}

/** STS GetCallerIdentity with one attempt of at most `timeoutMs` per phase, for `doctor --aws`. */
export async function callerIdentity(region: string, timeoutMs: number, env: Env = process.env): Promise<{ account: string; arn: string }> {
  const sts = awsClients(env, doctorTimeouts(timeoutMs)).sts({ region });
  try {
    const output = await callAws(
      { identity: 'the default AWS credentials' },
      { action: 'sts:GetCallerIdentity', resource: `region ${region}`, client: sts },
      (options) => sts.send(new GetCallerIdentityCommand({}), options),
    );
    return { account: output.Account ?? 'unknown', arn: output.Arn ?? 'unknown' };
  } finally {
    sts.destroy();
  }
}

/** Amazon Inspector's EC2 scanning state for the caller's account in `region` (`ENABLED`, `DISABLED`, ...). */
export interface InspectorEc2Status {
  account: string;
  status: string;
}

/**
 * inspector2:BatchGetAccountStatus for the caller's own account, built like every other client of
 * the CLI (timeouts, one attempt, AWS_ENDPOINT_URL), for `doctor --aws`: Image Builder refuses a
 * pipeline with image scanning unless EC2 scanning is enabled in the account and region.
 */
export async function inspectorEc2Status(region: string, timeoutMs: number, env: Env = process.env): Promise<InspectorEc2Status> {
  const endpoint = endpointFrom(env);
  const inspector = createClient(Inspector2Client, { region }, { timeouts: doctorTimeouts(timeoutMs), ...(endpoint ? { endpoint } : {}) });
  try {
    const output = await callAws(
      { identity: 'the default AWS credentials' },
      { action: 'inspector2:BatchGetAccountStatus', resource: `region ${region}`, client: inspector },
      (options) => inspector.send(new BatchGetAccountStatusCommand({}), options),
    );
    const [account] = output.accounts ?? [];
    const failed = output.failedAccounts?.[0];
    if (account === undefined && failed !== undefined)
      throw new Error(
        `inspector2:BatchGetAccountStatus answered ${failed.errorCode ?? 'an error'} for account ${failed.accountId ?? '?'}: ${failed.errorMessage ?? ''}`.trim(),
      );
    return { account: account?.accountId ?? 'unknown', status: account?.resourceState?.ec2?.status ?? 'unknown' };
  } finally {
    inspector.destroy();
  }
}
