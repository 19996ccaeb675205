/**
 * The catalog's EventBridge events on the bakery account's default bus: source `ami-bakery`,
 * detail types Image Available, Image Build Failed, Image Promoted, Image Revoked, Image
 * Unrevoked. Every detail names the recipe, its version, the image build version, the AMI per
 * region and, when known, the evidence score. A failed publication is reported, never fatal:
 * the state in AWS is what counts, the event only tells about it.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { call } from '../aws.js';
import { type CatalogClients, regionalEndpoint } from './clients.js';
import { type DetailType, EVENT_SOURCE, recipeVersionOf } from './names.js';

interface CatalogEventDetail {
  readonly recipe: string;
  /** Recipe version, `1.2.0`. */
  readonly version: string;
  /** Image build version, `1.2.0/3`. */
  readonly image: string;
  /** Region -> AMI id. */
  readonly amis: Readonly<Record<string, string>>;
  /** Evidence score (percent) when the recipe has a scan. */
  readonly score?: number;
  readonly [key: string]: unknown;
}

interface CatalogEvent {
  readonly detailType: DetailType;
  readonly detail: CatalogEventDetail;
  /** ARNs the event concerns (the Image Builder image). */
  readonly resources?: readonly string[];
}

/** The detail's common fields for an image build. */
function imageDetail(recipe: string, image: string, amis: Readonly<Record<string, string>>, score?: number): CatalogEventDetail {
  return {
    recipe,
    version: recipeVersionOf(image),
    image,
    amis: Object.fromEntries(Object.entries(amis).sort(([a], [b]) => (a < b ? -1 : 1))),
    ...(score !== undefined ? { score } : {}),
  };
}

/** PutEvents takes 10 entries a call. */
const BATCH = 10;

/** Publishes `events`; returns one message per event that did not get through (empty: all did). */
async function publishEvents(clients: CatalogClients, events: readonly CatalogEvent[]): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    const entries: PutEventsRequestEntry[] = batch.map((e) => ({
      Source: EVENT_SOURCE,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      ...(e.resources && e.resources.length > 0 ? { Resources: [...e.resources] } : {}),
    }));
    try {
      const out = await call('events:PutEvents', `${regionalEndpoint(clients, 'events', clients.home)} (default event bus)`, () =>
        clients.events.send(new PutEventsCommand({ Entries: entries })),
      );
      (out.Entries ?? []).forEach((entry, index) => {
        const event = batch[index];
        if (entry.ErrorCode && event)
          failures.push(
            `${event.detailType} ${event.detail.recipe} ${event.detail.image}: ${entry.ErrorCode} ${entry.ErrorMessage ?? ''}`.trim(),
          );
      });
    } catch (error) {
      for (const event of batch)
        failures.push(`${event.detailType} ${event.detail.recipe} ${event.detail.image}: ${(error as Error).message}`);
    }
  }
  return failures;
}

export { type CatalogEvent, type CatalogEventDetail, imageDetail, publishEvents };
