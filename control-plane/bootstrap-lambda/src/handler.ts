import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type ClientFactory, createClientFactory } from './aws.js';
import { type BootstrapDeps, bootstrap, reasonOf } from './bootstrap.js';
import { type CustomResourceEvent, describeForeignEvent, missingEventFields } from './event.js';
import { type Log, logLevelFromEnv } from './log.js';
import { type IsCompleteResult, type OnEventResult, providerIsComplete, providerOnEvent } from './provider.js';
import { createHttpsRespond, type Respond, responseUrlProblem, safeUrl } from './response.js';

interface HandlerLogger extends Log {
  addContext(context: Context): void;
  appendKeys(keys: Record<string, unknown>): void;
  resetKeys(): void;
}

interface HandlerOptions {
  logger: HandlerLogger;
  /** Called on first use, so a cold start that only rejects an event builds no SDK client. */
  deps: () => BootstrapDeps;
  /** ResponseURL schemes answered; default https only (tests answer a local http server). */
  responseProtocols?: readonly string[];
}

function tagLogs(logger: HandlerLogger, context: Context, event: Partial<CustomResourceEvent>, mode: string): void {
  logger.resetKeys();
  logger.addContext(context);
  logger.appendKeys({
    mode,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    cloudFormationRequestId: event.RequestId,
    physicalResourceId: event.PhysicalResourceId,
  });
}

function createHandlers(options: HandlerOptions) {
  const { logger } = options;

  /** Plain Lambda-backed custom resource: answers CloudFormation itself, never throws. */
  async function handler(event: unknown, context: Context): Promise<void> {
    const missing = missingEventFields(event);
    if (missing.length > 0) {
      // No ResponseURL means nobody to answer; returning (not throwing) avoids async retries and the DLQ.
      logger.warn('Ignored an event that is not a CloudFormation custom-resource request', { missing, ...describeForeignEvent(event) });
      return;
    }
    const request = event as CustomResourceEvent;
    // A response URL that is not https would carry the result in clear text (or somewhere else
    // entirely): refused before any work and any AWS call, with nothing sent.
    const urlProblem = responseUrlProblem(request.ResponseURL, options.responseProtocols);
    if (urlProblem !== undefined) {
      logger.error('Refused a CloudFormation request: its ResponseURL is not https; nothing was done and no response was sent', {
        reason: urlProblem,
        responseUrl: safeUrl(request.ResponseURL),
        requestType: request.RequestType,
        logicalResourceId: request.LogicalResourceId,
      });
      return;
    }
    tagLogs(logger, context, request, 'custom-resource');
    // Properties carry names and ids only; the ResponseURL (a pre-signed credential) is left out.
    logger.info('CloudFormation request', { responseUrl: safeUrl(request.ResponseURL), resourceProperties: request.ResourceProperties });
    try {
      const deps = options.deps();
      // The response fits in what is left of this invocation: bounded retries within the deadline.
      const respond: Respond = (url, body) => deps.respond(url, body, { remainingMs: () => context.getRemainingTimeInMillis() });
      await bootstrap(request, context, { ...deps, respond });
    } catch (error) {
      logger.error('Unexpected failure outside the request handling', { error: reasonOf(error) });
    } finally {
      logger.resetKeys();
    }
  }

  /** CDK Provider framework, onEvent: starts the stack operation. */
  async function onEvent(event: unknown, context: Context): Promise<OnEventResult> {
    tagLogs(logger, context, (event ?? {}) as Partial<CustomResourceEvent>, 'provider-on-event');
    try {
      return await providerOnEvent(event, context, options.deps());
    } catch (error) {
      logger.warn('onEvent failed', { error: reasonOf(error) });
      throw error;
    } finally {
      logger.resetKeys();
    }
  }

  /** CDK Provider framework, isComplete: one status check per call. */
  async function isComplete(event: unknown, context: Context): Promise<IsCompleteResult> {
    tagLogs(logger, context, (event ?? {}) as Partial<CustomResourceEvent>, 'provider-is-complete');
    try {
      return await providerIsComplete(event, context, options.deps());
    } catch (error) {
      logger.warn('isComplete failed', { error: reasonOf(error) });
      throw error;
    } finally {
      logger.resetKeys();
    }
  }

  return { handler, isComplete, onEvent };
}

const here = dirname(fileURLToPath(import.meta.url));
const logger = new Logger({ serviceName: 'ami-bakery-bootstrap', logLevel: logLevelFromEnv(process.env.LOG_LEVEL) });
let clients: ClientFactory | undefined;
let deps: BootstrapDeps | undefined;

const handlers = createHandlers({
  logger,
  deps: () => {
    if (!deps) {
      clients ??= createClientFactory();
      deps = {
        clients,
        respond: createHttpsRespond(),
        logger,
        templatePath: join(here, 'bakery-stack.template.json'),
        seedDir: join(here, 'seed'),
        shippedDir: here,
      };
    }
    return deps;
  },
});

const { handler, isComplete, onEvent } = handlers;

export { createHandlers, type HandlerLogger, type HandlerOptions, handler, isComplete, onEvent };
