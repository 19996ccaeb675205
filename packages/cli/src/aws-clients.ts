/**
 * The AWS clients of the CLI (publish, doctor --aws), all from one factory: connect and request
 * timeouts, bounded retries with backoff, and errors that name the operation and the endpoint
 * when time runs out. Defaults (README "AWS timeouts"): 5 s to connect, 30 s for an answer, 3
 * attempts; BAKERY_AWS_CONNECT_TIMEOUT_MS, BAKERY_AWS_REQUEST_TIMEOUT_MS and
 * BAKERY_AWS_MAX_ATTEMPTS override them. AWS_ENDPOINT_URL points every client at one endpoint
 * (a VPC endpoint, a local moto server).
 */

import { type AwsTimeouts, awsTimeoutsFrom, type ClientFactory, callAws, createClientFactory } from '@ami-bakery/publisher';
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

/** STS GetCallerIdentity with one attempt of at most `timeoutMs` per phase, for `doctor --aws`. */
export async function callerIdentity(region: string, timeoutMs: number, env: Env = process.env): Promise<{ account: string; arn: string }> {
  const sts = awsClients(env, { connectTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, maxAttempts: 1 }).sts({ region });
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
