import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Stack, StackStatus } from '@aws-sdk/client-cloudformation';
import { afterEach, vi } from 'vitest';
import { type ClientFactory, createClientFactory, type RoleCredentials } from '../src/aws.js';
import type { BootstrapDeps } from '../src/bootstrap.js';
import type { CustomResourceEvent } from '../src/event.js';
import type { Log } from '../src/log.js';
import type { CustomResourceResponse } from '../src/response.js';

const ACCOUNT = '111122223333';
const MANAGEMENT_ACCOUNT = '999988887777';
const BAKERY_REGION = 'eu-central-1';
const HOME_REGION = 'us-east-1';
const STACK_NAME = 'ami-bakery';
const ROLE_NAME = 'ami-bakery-configuration';
const PHYSICAL_ID = `${ACCOUNT}/${BAKERY_REGION}/${STACK_NAME}`;
const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3A/resp?X-Amz-Signature=secret';

const fixture = (rel: string) => fileURLToPath(new URL(`./fixtures/${rel}`, import.meta.url));
const TEMPLATE_PATH = fixture('bakery-stack.template.json');
const SEED_DIR = fixture('seed');
const SHIPPED_DIR = fixture('shipped');

function arn(partition: string, service: string, region: string, account: string, resource: string): string {
  return ['arn', partition, service, region, account, resource].join(':');
}

function serviceToken(partition = 'aws'): string {
  return arn(partition, 'lambda', HOME_REGION, MANAGEMENT_ACCOUNT, 'function:ami-bakery-bootstrap');
}

function cfnStackId(partition = 'aws', name = STACK_NAME, region = BAKERY_REGION, account = ACCOUNT): string {
  return arn(partition, 'cloudformation', region, account, `stack/${name}/0a1b2c3d`);
}

function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ServiceToken: serviceToken(),
    BakeryAccountId: ACCOUNT,
    BakeryRegion: BAKERY_REGION,
    ConfigurationRoleName: ROLE_NAME,
    BakeryStackName: STACK_NAME,
    NamePrefix: 'ami-bakery',
    RepositoryName: 'ami-bakery-recipes',
    BranchName: 'main',
    SourceType: 'CodeCommit',
    OrganizationId: 'o-abcdef1234',
    ManagementAccountId: MANAGEMENT_ACCOUNT,
    SeedRecipes: 'all',
    Purge: 'false',
    SolutionVersion: '1.0.0',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

function cfnEvent(
  requestType: string,
  overrides: Partial<CustomResourceEvent> & { props?: Record<string, unknown> } = {},
): CustomResourceEvent {
  const { props, ...rest } = overrides;
  const resourceProperties = properties(props);
  return {
    RequestType: requestType,
    ResponseURL: RESPONSE_URL,
    StackId: arn('aws', 'cloudformation', HOME_REGION, MANAGEMENT_ACCOUNT, 'stack/management/abc'),
    RequestId: 'a1b2c3d4-0000-4000-8000-000000000001',
    LogicalResourceId: 'BakeryBootstrap',
    ResourceType: 'Custom::AmiBakeryBootstrap',
    ServiceToken: serviceToken(),
    ResourceProperties: resourceProperties,
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: PHYSICAL_ID }),
    ...rest,
  };
}

function stack(status: StackStatus | string, extra: Partial<Stack> = {}): Stack {
  return {
    StackName: STACK_NAME,
    StackId: cfnStackId(),
    StackStatus: status as StackStatus,
    CreationTime: new Date(0),
    Outputs: [{ OutputKey: 'ArtifactBucketName', OutputValue: 'ami-bakery-artifacts-111122223333-eu-central-1' }],
    ...extra,
  };
}

/** An SDK-shaped service error. */
function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

/** A clock the poller advances: `sleep` moves time, the context reports what is left. */
function fakeClock(totalMs = 900_000) {
  let now = 0;
  return {
    context: { getRemainingTimeInMillis: () => totalMs - now },
    sleep: vi.fn(async (ms: number) => {
      now += ms;
    }),
    elapsed: () => now,
  };
}

interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

function recordingLogger() {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      entries.push({ level, message, attributes: Object.assign({}, ...attributes) });
  const logger: Log & { addContext: (c: unknown) => void; appendKeys: (k: Record<string, unknown>) => void; resetKeys: () => void } = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    addContext: vi.fn(),
    appendKeys: vi.fn(),
    resetKeys: vi.fn(),
  };
  return { logger, entries };
}

interface ClientUse {
  service: string;
  region: string;
  credentials?: RoleCredentials;
}

/** The real factory (clients are mocked per class), recording which client was built how. */
function recordingFactory(inner: ClientFactory = createClientFactory()) {
  const uses: ClientUse[] = [];
  const factory: ClientFactory = {
    sts: (region) => {
      uses.push({ service: 'sts', region });
      return inner.sts(region);
    },
    cloudFormation: (region, credentials) => {
      uses.push({ service: 'cloudformation', region, credentials });
      return inner.cloudFormation(region, credentials);
    },
    codeCommit: (region, credentials) => {
      uses.push({ service: 'codecommit', region, credentials });
      return inner.codeCommit(region, credentials);
    },
    s3: (region, credentials) => {
      uses.push({ service: 's3', region, credentials });
      return inner.s3(region, credentials);
    },
  };
  return { factory, uses };
}

function testDeps(overrides: Partial<BootstrapDeps> = {}) {
  const { logger, entries } = recordingLogger();
  const { factory, uses } = recordingFactory();
  const clock = fakeClock();
  const respond = vi.fn(async (_url: string, _body: CustomResourceResponse) => {});
  const deps: BootstrapDeps = {
    clients: factory,
    respond,
    logger,
    templatePath: TEMPLATE_PATH,
    seedDir: SEED_DIR,
    shippedDir: SHIPPED_DIR,
    sleep: clock.sleep,
    timing: { pollIntervalMs: 5_000, safetyMarginMs: 20_000, responseReserveMs: 8_000 },
    ...overrides,
  };
  return { deps, respond, entries, uses, clock, logger };
}

const ROLE_CREDENTIALS = {
  AccessKeyId: 'ASIAROLE',
  SecretAccessKey: 'role-secret',
  SessionToken: 'role-token',
  Expiration: new Date(3_600_000),
};

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed after the test, so a run leaves nothing in the system temp folder. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

export {
  ACCOUNT,
  arn,
  awsError,
  BAKERY_REGION,
  cfnEvent,
  cfnStackId,
  fakeClock,
  fixture,
  HOME_REGION,
  MANAGEMENT_ACCOUNT,
  PHYSICAL_ID,
  properties,
  RESPONSE_URL,
  ROLE_CREDENTIALS,
  ROLE_NAME,
  recordingFactory,
  recordingLogger,
  SEED_DIR,
  SHIPPED_DIR,
  STACK_NAME,
  serviceToken,
  stack,
  TEMPLATE_PATH,
  tempDir,
  testDeps,
};
