/**
 * The AWS clients of the catalog commands (promote, revoke, images, usage, doctor --aws), built
 * with the CLI's one client configuration (`@ami-bakery/publisher` `sdkClientConfig`): connect and
 * request timeouts, bounded retries, `AWS_ENDPOINT_URL`, and the endpoint recorded for messages.
 * Every call goes through `callAws`, so a failure names the IAM action, the resource and (for a
 * timeout) the endpoint.
 */

import { type AwsTimeouts, awsTimeoutsFrom, type Credentials, callAws, recordEndpoints, sdkClientConfig } from '@ami-bakery/publisher';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';

type Env = Readonly<Record<string, string | undefined>>;

/** Who the calls run as, in the words error messages use. */
const IDENTITY = 'the default AWS credentials';

/** Builds one client per service and region; tests replace it to point at moto or a mock. */
interface CatalogClients {
  ec2(region: string): EC2Client;
  imagebuilder(region: string): ImagebuilderClient;
  ssm(region: string): SSMClient;
  config(region: string): ConfigServiceClient;
  s3(region: string): S3Client;
  /** Ends every client made so far (their sockets). */
  destroy(): void;
}

function endpointFrom(env: Env): string | undefined {
  const value = env.AWS_ENDPOINT_URL;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The clients from the command's environment (timeouts, endpoint), cached per service and region.
 * `credentials`: for tests; default the SDK's chain.
 */
function catalogClients(env: Env, timeouts: AwsTimeouts = awsTimeoutsFrom(env), credentials?: Credentials): CatalogClients {
  const endpoint = endpointFrom(env);
  const options = { timeouts, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) };
  const made = new Map<string, { destroy(): void }>();
  function cached<C extends { destroy(): void; middlewareStack: unknown }>(key: string, create: () => C): C {
    const existing = made.get(key);
    if (existing) return existing as C;
    const client = recordEndpoints(create());
    made.set(key, client);
    return client;
  }
  return {
    ec2: (region) => cached(`ec2 ${region}`, () => new EC2Client(sdkClientConfig(options, { region }))),
    imagebuilder: (region) => cached(`imagebuilder ${region}`, () => new ImagebuilderClient(sdkClientConfig(options, { region }))),
    ssm: (region) => cached(`ssm ${region}`, () => new SSMClient(sdkClientConfig(options, { region }))),
    config: (region) => cached(`config ${region}`, () => new ConfigServiceClient(sdkClientConfig(options, { region }))),
    s3: (region) =>
      cached(
        `s3 ${region}`,
        () => new S3Client({ ...sdkClientConfig(options, { region }), ...(endpoint ? { forcePathStyle: true } : {}) }),
      ),
    destroy: () => {
      for (const client of made.values()) client.destroy();
      made.clear();
    },
  };
}

/** One SDK call with the error translation every CLI call gets (action, resource, endpoint). */
function call<T>(
  action: string,
  resource: string,
  client: { config?: { region?: unknown } },
  send: () => Promise<T>,
  expected?: readonly string[],
): Promise<T> {
  return callAws({ identity: IDENTITY }, { action, resource, client, ...(expected ? { expected } : {}) }, () => send());
}

export { type CatalogClients, call, catalogClients, IDENTITY };
