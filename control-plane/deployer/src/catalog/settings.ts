/**
 * A recipe's catalog settings, as the image-events function needs them between deployments:
 * `s3://<ArtifactBucket>/catalog/recipes/<recipe>.json`, written by the deployer at every
 * deployment for every recipe of the bundle, read by the image-events function when a build of
 * the recipe becomes available. No object: the defaults (no deprecation of superseded images).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { call } from '../aws.js';
import { AwsCallError } from '../errors.js';

const SETTINGS_PREFIX = 'catalog/recipes/';

interface RecipeCatalogSettings {
  readonly formatVersion: 1;
  readonly recipe: string;
  readonly deprecateSupersededAfterDays: number | null;
  readonly declaredChannels: readonly string[];
  /** The monorepo commit of the bundle the deployer read them from. */
  readonly sourceCommit: string | null;
}

function settingsKey(recipe: string): string {
  return `${SETTINGS_PREFIX}${recipe}.json`;
}

function settingsText(settings: RecipeCatalogSettings): string {
  return `${JSON.stringify(settings, Object.keys(settings).sort(), 2)}\n`;
}

const MAX_DAYS = 3_650;

/** The stored settings of `recipe`, or undefined when none are stored (or they are not what the deployer writes). */
async function readSettings(s3: S3Client, bucket: string, recipe: string, endpoint: string): Promise<RecipeCatalogSettings | undefined> {
  const key = settingsKey(recipe);
  let text: string;
  try {
    const out = await call('s3:GetObject', `${endpoint} (s3://${bucket}/${key})`, () =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    text = out.Body ? await (out.Body as { transformToString(): Promise<string> }).transformToString() : '';
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not-found') return undefined;
    throw error;
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const days = data.deprecateSupersededAfterDays;
  if (data.formatVersion !== 1 || data.recipe !== recipe) return undefined;
  if (days !== null && !(typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= MAX_DAYS)) return undefined;
  const channels = Array.isArray(data.declaredChannels) ? data.declaredChannels.filter((c): c is string => typeof c === 'string') : [];
  return {
    formatVersion: 1,
    recipe,
    deprecateSupersededAfterDays: days as number | null,
    declaredChannels: channels,
    sourceCommit: typeof data.sourceCommit === 'string' ? data.sourceCommit : null,
  };
}

export { type RecipeCatalogSettings, readSettings, SETTINGS_PREFIX, settingsKey, settingsText };
