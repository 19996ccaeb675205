/**
 * The catalog's AWS clients: SSM, EC2 and RAM in every region a recipe distributes to (built on
 * first use, one per region), Image Builder, EventBridge and S3 in the bakery's own region. Same
 * time limits and retries as the deployer's other clients (../aws.ts).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { RAMClient } from '@aws-sdk/client-ram';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { MAX_ATTEMPTS, type SessionCredentials } from '../aws.js';

interface CatalogClients {
  /** The bakery's region: Image Builder images, the events, the buckets. */
  readonly home: string;
  /** Set when every call goes to one endpoint (tests against moto). */
  readonly endpointOverride: string | undefined;
  ssm(region: string): SSMClient;
  ec2(region: string): EC2Client;
  ram(region: string): RAMClient;
  readonly imageBuilder: ImagebuilderClient;
  readonly events: EventBridgeClient;
  readonly s3: S3Client;
}

interface CatalogClientOptions {
  home: string;
  endpoint?: string;
  credentials?: SessionCredentials;
}

const HTTP = { connectionTimeout: 5_000, requestTimeout: 30_000 };

function createCatalogClients(options: CatalogClientOptions): CatalogClients {
  const common = (region: string) => ({
    region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: HTTP,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const perRegion = <T>(make: (region: string) => T) => {
    const cache = new Map<string, T>();
    return (region: string): T => {
      let client = cache.get(region);
      if (!client) {
        client = make(region);
        cache.set(region, client);
      }
      return client;
    };
  };
  return {
    home: options.home,
    endpointOverride: options.endpoint,
    ssm: perRegion((region) => new SSMClient(common(region))),
    ec2: perRegion((region) => new EC2Client(common(region))),
    ram: perRegion((region) => new RAMClient(common(region))),
    imageBuilder: new ImagebuilderClient(common(options.home)),
    events: new EventBridgeClient(common(options.home)),
    s3: new S3Client({ ...common(options.home), forcePathStyle: Boolean(options.endpoint) }),
  };
}

/** The endpoint a service's calls go to in `region`, for messages. */
function regionalEndpoint(clients: Pick<CatalogClients, 'endpointOverride'>, service: string, region: string): string {
  if (clients.endpointOverride) return `${clients.endpointOverride} (${region})`;
  return `https://${service}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

export { type CatalogClientOptions, type CatalogClients, createCatalogClients, regionalEndpoint };
