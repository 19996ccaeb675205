/**
 * What happens when Image Builder reports an image state change in the bakery account:
 *
 * - AVAILABLE: the candidate channel (`/ami-bakery/<recipe>/candidate`) points at the new AMI in
 *   every region the image was distributed to, shared with the organization like every channel;
 *   the recipe's older AMIs outside every channel get their deprecation time (the recipe's
 *   `lifecycle.deprecateSupersededAfterDays`, stored by the deployer); an `Image Available` event.
 * - FAILED: an `Image Build Failed` event with Image Builder's reason.
 *
 * Both events carry the recipe, version, image build version, AMI ids per region and the score of
 * the evidence `summary.json` when the recipe has a scan. Image Builder is asked again (GetImage):
 * the event only says which image to look at. Anything else is ignored: another source, an image
 * that is not a recipe's, another state. One region failing does not stop the others; the event is
 * published in any case, then an error makes Lambda retry (events are at least once).
 */
import {
  AwsCallError,
  CANDIDATE_CHANNEL,
  type CatalogClients,
  type CatalogEvent,
  ChannelSharing,
  call,
  DETAIL_TYPES,
  deprecateSuperseded,
  describeRecipeAmis,
  getImage,
  imageDetail,
  isRecipeName,
  type Log,
  messageOf,
  organizationArn,
  parseImageArn,
  publishEvents,
  readRecipeParameters,
  readSettings,
  recipeVersionOf,
  regionalEndpoint,
  type SupersededResult,
  supersededAmis,
  writeChannel,
} from '@ami-bakery/deployer/catalog';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { ImageEventsConfig } from './env.js';

const SOURCE = 'aws.imagebuilder';
const DETAIL_TYPE = 'EC2 Image Builder Image State Change';
const HANDLED = new Set(['AVAILABLE', 'FAILED']);

interface ImageEventDeps {
  readonly clients: CatalogClients;
  readonly config: ImageEventsConfig;
  readonly log: Log;
  readonly now: () => Date;
}

interface ImageEventOutcome {
  readonly kind: 'ignored' | 'available' | 'build-failed';
  /** Why it was ignored. */
  readonly why?: string;
  readonly recipe?: string;
  readonly image?: string;
  /** Region -> AMI the candidate channel now holds. */
  readonly candidate: Readonly<Record<string, string>>;
  readonly superseded: readonly SupersededResult[];
  /** What did not work (the function then fails, and Lambda retries). */
  readonly problems: readonly string[];
}

interface Score {
  readonly score?: number;
  readonly passed?: boolean;
  readonly threshold?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ignored = (why: string): ImageEventOutcome => ({ kind: 'ignored', why, candidate: {}, superseded: [], problems: [] });

/** The image build version ARN and the reported status of an Image Builder state change, or why it is not one. */
function readEvent(event: unknown): { arn: string; status: string; account: string } | string {
  if (!isObject(event)) return 'not an EventBridge event';
  if (event.source !== SOURCE || event['detail-type'] !== DETAIL_TYPE) return `not an image state change (${String(event['detail-type'])})`;
  const resources = Array.isArray(event.resources) ? event.resources.filter((r): r is string => typeof r === 'string') : [];
  const arn = resources.find((r) => parseImageArn(r) !== undefined);
  if (!arn) return 'no image build version ARN in resources';
  const detail = isObject(event.detail) ? event.detail : {};
  const state = isObject(detail.state) ? detail.state : {};
  const status = typeof state.status === 'string' ? state.status.toUpperCase() : '';
  return { arn, status, account: typeof event.account === 'string' ? event.account : '' };
}

async function handleImageEvent(event: unknown, deps: ImageEventDeps): Promise<ImageEventOutcome> {
  const { clients, config, log } = deps;
  const read = readEvent(event);
  if (typeof read === 'string') return ignored(read);
  const parsed = parseImageArn(read.arn);
  if (!parsed) return ignored('no image build version ARN in resources');
  if (parsed.account !== read.account || parsed.region !== config.region)
    return ignored(`image ${read.arn} is not of this account and region (${read.account}, ${config.region})`);
  if (!parsed.name.startsWith(config.stackPrefix)) return ignored(`image ${parsed.name} is not a recipe's (prefix ${config.stackPrefix})`);
  const recipe = parsed.name.slice(config.stackPrefix.length);
  if (!isRecipeName(recipe)) return ignored(`image ${parsed.name} does not name a recipe`);
  if (!HANDLED.has(read.status)) return ignored(`state ${read.status || '(none)'} needs nothing`);

  const record = await getImage(clients, parsed.account, read.arn);
  const image = parsed.image;
  const problems: string[] = [];
  const score = await readScore(deps, recipe, image).catch((error: unknown) => {
    log.warn('The evidence summary could not be read; the event goes without a score', { recipe, image, error: messageOf(error) });
    return {} as Score;
  });
  const scoreFields = {
    ...(score.passed !== undefined ? { passed: score.passed } : {}),
    ...(score.threshold !== undefined ? { threshold: score.threshold } : {}),
  };
  const resources = [read.arn];

  if (record.status !== 'AVAILABLE') {
    if (read.status === 'AVAILABLE') return ignored(`Image Builder says ${image} of ${recipe} is ${record.status} now, not AVAILABLE`);
    const detail = { ...imageDetail(recipe, image, record.amis, score.score), ...scoreFields, reason: record.reason ?? 'no reason given' };
    problems.push(...(await publishEvents(clients, [{ detailType: DETAIL_TYPES.buildFailed, detail, resources }])));
    return { kind: 'build-failed', recipe, image, candidate: {}, superseded: [], problems };
  }

  const scope = {
    partition: parsed.partition,
    account: parsed.account,
    namePrefix: config.namePrefix,
    organizationArn: organizationArn(parsed.partition, config.managementAccountId, config.organizationId),
  };
  const sharing = new ChannelSharing(clients, scope);
  const candidate: Record<string, string> = {};
  for (const [region, ami] of Object.entries(record.amis).sort(([a], [b]) => (a < b ? -1 : 1))) {
    try {
      await writeChannel(clients, scope, sharing, region, recipe, CANDIDATE_CHANNEL, ami);
      candidate[region] = ami;
    } catch (error) {
      problems.push(`candidate not set in ${region}: ${messageOf(error)}`);
    }
  }
  const superseded = await deprecateOlder(deps, recipe, Object.keys(record.amis), problems);
  const detail = {
    ...imageDetail(recipe, image, record.amis, score.score),
    ...scoreFields,
    candidate,
    ...(problems.length > 0 ? { problems } : {}),
  };
  const event1: CatalogEvent = { detailType: DETAIL_TYPES.available, detail, resources };
  problems.push(...(await publishEvents(clients, [event1])));
  log.info('Image available', { recipe, image, candidate, superseded: superseded.length, problems });
  return { kind: 'available', recipe, image, candidate, superseded, problems };
}

/** Gives the recipe's superseded AMIs outside every channel their deprecation time, per region. */
async function deprecateOlder(
  deps: ImageEventDeps,
  recipe: string,
  regions: readonly string[],
  problems: string[],
): Promise<SupersededResult[]> {
  const { clients, config } = deps;
  let days: number | null;
  try {
    const settings = await readSettings(clients.s3, config.artifactBucket, recipe, regionalEndpoint(clients, 's3', clients.home));
    days = settings?.deprecateSupersededAfterDays ?? null;
  } catch (error) {
    problems.push(`the catalog settings of ${recipe} could not be read: ${messageOf(error)}`);
    return [];
  }
  if (days === null) return [];
  const results: SupersededResult[] = [];
  for (const region of [...regions].sort()) {
    try {
      const channels = await readRecipeParameters(clients, region, recipe);
      const amis = await describeRecipeAmis(clients, region, recipe);
      const due = supersededAmis(amis, new Set(Object.values(channels)), days, deps.now());
      results.push(...(await deprecateSuperseded(clients, recipe, due)));
    } catch (error) {
      problems.push(`superseded images not deprecated in ${region}: ${messageOf(error)}`);
    }
  }
  for (const r of results) if (r.outcome === 'failed') problems.push(`${r.ami} in ${r.region} not deprecated: ${r.message}`);
  return results;
}

/** Score fields of `evidence/<recipe>/<version>/<build>/summary.json`; empty when the recipe has no scan. */
async function readScore(deps: ImageEventDeps, recipe: string, image: string): Promise<Score> {
  const { clients, config } = deps;
  const key = `evidence/${recipe}/${recipeVersionOf(image)}/${image.split('/')[1]}/summary.json`;
  let text: string;
  try {
    const out = await call('s3:GetObject', `${regionalEndpoint(clients, 's3', clients.home)} (s3://${config.evidenceBucket}/${key})`, () =>
      clients.s3.send(new GetObjectCommand({ Bucket: config.evidenceBucket, Key: key })),
    );
    text = out.Body ? await (out.Body as { transformToString(): Promise<string> }).transformToString() : '';
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not-found') return {};
    throw error;
  }
  const data = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? v : undefined);
  const score = number(data.score);
  const threshold = number(data.threshold);
  return {
    ...(score !== undefined ? { score } : {}),
    ...(typeof data.passed === 'boolean' ? { passed: data.passed } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
}

export { handleImageEvent, type ImageEventDeps, type ImageEventOutcome, readEvent };
