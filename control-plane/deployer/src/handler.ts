/**
 * The Lambda entry point for the pipeline's Deploy action. Thin: read the job, read the
 * environment, run the job. Never throws (CodePipeline invokes asynchronously; a thrown error
 * would only make Lambda run the same job again). Never logs the event: it holds the pipeline's
 * temporary artifact credentials.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type Clients, createClients } from './aws.js';
import { type CatalogClients, createCatalogClients } from './catalog/clients.js';
import { baselineCheck, composeChecks, type TemplateCheck } from './checks.js';
import { runJob } from './deploy.js';
import { parseEnv } from './env.js';
import { ConfigurationError } from './errors.js';
import { wasmInvariantsCheck } from './invariants.js';
import { parseJobEvent, putJobFailure } from './job.js';
import { type Clock, type Log, messageOf, realClock } from './util.js';

interface HandlerOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Log;
  /** Built on first use, once per container. */
  readonly clients: (region: string) => Clients;
  /** The image catalog's clients (every distribution region); absent: deployments run no catalog step. */
  readonly catalogClients?: (region: string) => CatalogClients;
  /** The template checks; the invariants of packages/invariants are added here. */
  readonly checks: readonly TemplateCheck[];
  readonly clock?: Clock;
  readonly pollIntervalMs?: number;
  readonly safetyMarginMs?: number;
}

function createHandler(options: HandlerOptions) {
  let clients: Clients | undefined;
  const clientsFor = (region: string) => {
    clients ??= options.clients(region);
    return clients;
  };
  const check = composeChecks(...options.checks);
  let catalogClients: CatalogClients | undefined;
  const catalogFor = (region: string) => {
    catalogClients ??= options.catalogClients?.(region);
    return catalogClients;
  };

  return async function handler(event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> {
    let job: ReturnType<typeof parseJobEvent>;
    try {
      job = parseJobEvent(event);
    } catch (error) {
      options.log.warn('Ignored an event that is not a CodePipeline job for the Deploy action', { error: messageOf(error) });
      return;
    }
    const region = options.env.AWS_REGION ?? 'us-east-1';
    let config: ReturnType<typeof parseEnv>;
    try {
      config = parseEnv(options.env);
    } catch (error) {
      const message = error instanceof ConfigurationError ? error.message : `The deployer is misconfigured: ${messageOf(error)}`;
      options.log.error(message, { jobId: job.id });
      await putJobFailure(clientsFor(region), job.id, message, 'ConfigurationError').catch((e) =>
        options.log.error('The job result could not be sent', { error: messageOf(e) }),
      );
      return;
    }
    options.log.info('Deploy action invoked', {
      jobId: job.id,
      continuation: job.continuationToken !== undefined,
      artifact: `s3://${job.artifact.bucket}/${job.artifact.key}`,
    });
    await runJob(job, {
      clients: clientsFor(config.region),
      config,
      check,
      log: options.log,
      clock: options.clock ?? realClock,
      remainingMs: () => context.getRemainingTimeInMillis(),
      ...(options.catalogClients ? { catalog: { clients: catalogFor(config.region) as CatalogClients } } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      ...(options.safetyMarginMs !== undefined ? { safetyMarginMs: options.safetyMarginMs } : {}),
    });
  };
}

const logger = new Logger({ serviceName: 'ami-bakery-deployer' });
const log: Log = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

let shared: Clients | undefined;
const sharedClients = (region: string) => {
  shared ??= createClients({ region });
  return shared;
};
/** The WASM Guard evaluator is shipped next to the handler (build.mjs copies it). */
const WASM_MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cloudformation-validate');
const rulesUri = process.env.GUARD_RULES_S3_URI;
if (!rulesUri)
  log.warn(
    'GUARD_RULES_S3_URI is not set: only the deployer baseline checks templates here (the Guard hook still checks every stack operation)',
  );

const handler = createHandler({
  env: process.env,
  log,
  clients: sharedClients,
  catalogClients: (region) => createCatalogClients({ home: region }),
  checks: [
    baselineCheck,
    ...(rulesUri ? [wasmInvariantsCheck(() => sharedClients(process.env.AWS_REGION ?? 'us-east-1'), rulesUri, WASM_MODULE)] : []),
  ],
});

export { createHandler, type HandlerOptions, handler };
