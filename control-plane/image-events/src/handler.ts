/**
 * The Lambda entry point for Image Builder's image state changes (an EventBridge rule of the
 * bakery stack). Thin: read the environment once, build the clients once, hand the event over.
 * A failure is thrown after the event is published so Lambda retries it.
 */

import { type CatalogClients, createCatalogClients, type Log } from '@ami-bakery/deployer/catalog';
import { Logger } from '@aws-lambda-powertools/logger';
import { type ImageEventsConfig, parseEnv } from './env.js';
import { ImageWorkError } from './errors.js';
import { handleImageEvent, type ImageEventOutcome } from './image-event.js';

interface HandlerOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Log;
  readonly clients: (region: string) => CatalogClients;
  readonly now?: () => Date;
}

function createHandler(options: HandlerOptions) {
  let config: ImageEventsConfig | undefined;
  let clients: CatalogClients | undefined;
  return async function handler(event: unknown): Promise<ImageEventOutcome> {
    config ??= parseEnv(options.env);
    clients ??= options.clients(config.region);
    const outcome = await handleImageEvent(event, { clients, config, log: options.log, now: options.now ?? (() => new Date()) });
    if (outcome.kind === 'ignored') options.log.info('Ignored', { why: outcome.why });
    if (outcome.problems.length > 0) {
      options.log.error('Image event partly failed; Lambda retries it', {
        recipe: outcome.recipe,
        image: outcome.image,
        problems: outcome.problems,
      });
      throw new ImageWorkError(`${outcome.recipe} ${outcome.image}`, outcome.problems);
    }
    return outcome;
  };
}

const logger = new Logger({ serviceName: 'ami-bakery-image-events' });
const log: Log = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

const handler = createHandler({ env: process.env, log, clients: (region) => createCatalogClients({ home: region }) });

export { createHandler, type HandlerOptions, handler };
