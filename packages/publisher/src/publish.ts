import { assumeRole, type ClientConfig, type ClientFactory, defaultClientFactory, describeIdentity } from './aws.js';
import { type Bundle, readBundle } from './bundle.js';
import { publishToCodeCommit } from './codecommit.js';
import { InvalidOptionsError } from './errors.js';
import { indexBundle } from './plan.js';
import { publishToS3 } from './s3.js';
import { DEFAULT_COMMIT_LIMITS } from './split.js';
import type { CommitLimits, PublishOptions, PublishResult } from './types.js';

interface PublishDeps {
  /** Builds the SDK clients; the default makes real ones. */
  readonly clients?: ClientFactory;
  /** Reads the bundle; the default reads `options.bundleDir` from disk. */
  readonly readBundle?: (bundleDir: string) => Promise<Bundle>;
  /** Waits before a retry after a concurrent write; the default backs off exponentially with jitter. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

const DEFAULT_MAX_RETRIES = 3;
const BACKOFF_BASE_MS = 250;
/** The whole publish, retries included, ends within 10 minutes unless told otherwise. */
const DEFAULT_DEADLINE_MS = 600_000;

const realSleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

function resolveLimits(partial: Partial<CommitLimits> | undefined): CommitLimits {
  const limits = { ...DEFAULT_COMMIT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new InvalidOptionsError(`limits.${name}`, `must be a positive integer, got ${value}`);
  }
  return limits;
}

/**
 * Publishes `dist/bundle` to the bakery's CodeCommit branch or S3 source object. Reads and
 * verifies the bundle (a partial one only with `allowDelete`), reads the target, plans the
 * smallest change, refuses drift unless forced, and writes only on top of what it read. With
 * `dryRun` it returns the plan without writing. Every AWS call has its timeouts (the client
 * factory) and the whole publish its deadline (`deadlineMs`).
 */
async function publish(options: PublishOptions, deps: PublishDeps = {}): Promise<PublishResult> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new InvalidOptionsError('maxRetries', `must be a whole number, got ${maxRetries}`);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  if (!Number.isInteger(deadlineMs) || deadlineMs < 1)
    throw new InvalidOptionsError('deadlineMs', `must be a positive whole number, got ${deadlineMs}`);
  const limits = resolveLimits(options.limits);
  const bundle = await (deps.readBundle ?? readBundle)(options.bundleDir);
  const clients = deps.clients ?? defaultClientFactory;
  const sleep = deps.sleep ?? realSleep;

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`publish deadline of ${deadlineMs} ms`)), deadlineMs);
  timer.unref?.();
  const deadline = { signal: controller.signal, deadlineMs };
  try {
    const config: ClientConfig = options.roleArn
      ? { region: options.region, credentials: await assumeRole(clients.sts({ region: options.region }), options.roleArn, deadline) }
      : { region: options.region };
    const common = {
      bundle,
      files: indexBundle(bundle),
      sourceCommit: options.sourceCommit ?? bundle.manifest.sourceCommit,
      force: options.force ?? false,
      dryRun: options.dryRun ?? false,
      allowDelete: options.allowDelete ?? false,
      maxRetries,
      context: { identity: describeIdentity(options.roleArn), ...deadline },
      // Jitter keeps two publishers that collided from colliding again in lockstep.
      backoff: (attempt: number) => sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1) * (1 + Math.random())),
    };
    if (options.target.kind === 'codecommit') {
      return await publishToCodeCommit({
        ...common,
        client: clients.codeCommit(config),
        target: options.target,
        region: options.region,
        limits,
      });
    }
    return await publishToS3({ ...common, client: clients.s3(config), target: options.target });
  } finally {
    clearTimeout(timer);
  }
}

export type { PublishDeps };
export { DEFAULT_DEADLINE_MS, DEFAULT_MAX_RETRIES, publish };
