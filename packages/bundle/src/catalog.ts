/**
 * The image catalog of a recipe: which image each channel points at, and which images are
 * revoked. The author's file is `recipes/<name>/catalog.yaml` (written by `bakery promote`,
 * `revoke`, `unrevoke`); the bundle carries it as `recipes/<name>/catalog.json` together with the
 * recipe's catalog settings, hashed in the manifest entry (`catalogHash`). The catalog is never
 * part of the recipe's content or template hash: it changes no Image Builder resource.
 *
 * `parseCatalog` is strict like the manifest parser: hostile input yields problems, never throws.
 */
import { canonicalJson, compareCodeUnits, sha256Hex, sortKeys } from './hash.js';
import { isObject } from './manifest.js';
import { quote, RECIPES_DIR } from './names.js';

/** Channel names: lower-case, start with a letter, at most 32 characters. */
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Published on every successful build by the deployer; never written in catalog.yaml. */
const CANDIDATE_CHANNEL = 'candidate';
/** Every recipe has it, declared or not. */
const DEFAULT_CHANNEL = 'stable';
/** An image build version: `<recipe version>/<build number>`, as Image Builder numbers builds. */
const IMAGE_BUILD_VERSION = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\/([1-9][0-9]{0,8})$/;
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** AWS region codes of every partition (eu-west-1, us-gov-west-1, cn-north-1, ap-southeast-5, ...). */
const REGION = /^[a-z]{2,4}(?:-[a-z]+){1,3}-[0-9]{1,2}$/;
/** UTC timestamps as the CLI writes them: `2026-12-02T10:00:00Z`. */
const TIMESTAMP = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$/;
/** EC2 tag values hold 256 characters; the reason becomes the tag `ami-bakery:revoked-reason`. */
const MAX_REASON_LENGTH = 256;
const MAX_CHANNELS = 20;
const MAX_REVOKED = 1_000;
const MAX_REGIONS = 40;
const MAX_DEPRECATE_DAYS = 3_650;
/** The tag a revoked AMI carries, with the reason as its value. */
const REVOKED_REASON_TAG = 'ami-bakery:revoked-reason';
const CATALOG_FORMAT_VERSION = 1;

/** Region -> AMI id. */
type AmiMap = Readonly<Record<string, string>>;

/** Where a channel points: one image build, its AMI in every region it was distributed to. */
interface ChannelEntry {
  /** `1.2.0/3`: recipe version / build number. */
  readonly image: string;
  readonly amis: AmiMap;
  /** Compliance score of the image's evidence at promotion; absent when the recipe has no scan. */
  readonly score?: number;
  readonly promotedAt: string;
}

/** An image taken out of use: deprecated now in every region, tagged with the reason, optionally disabled. */
interface RevokedImage {
  readonly image: string;
  readonly amis: AmiMap;
  readonly reason: string;
  /** Also disable the AMI (no new launches at all, not even by id). */
  readonly disable: boolean;
  readonly revokedAt: string;
}

/** What `recipes/<name>/catalog.yaml` holds. */
interface CatalogFile {
  readonly channels: Readonly<Record<string, ChannelEntry>>;
  /** Sorted by image build version. */
  readonly revoked: readonly RevokedImage[];
}

/** The catalog settings of `recipe.yaml`. */
interface CatalogSettings {
  /** Channels the recipe declares (`catalog.channels`), `stable` always among them; sorted. */
  readonly declaredChannels: readonly string[];
  /** `lifecycle.deprecateSupersededAfterDays`: superseded images get an EC2 deprecation time this many days on; null: never. */
  readonly deprecateSupersededAfterDays: number | null;
}

/** One recipe's desired catalog: what the bundle carries in `recipes/<name>/catalog.json`. */
interface CatalogState extends CatalogFile, CatalogSettings {}

/** A problem of a catalog as data, with the JSON path it concerns (the validator turns it into a located finding). */
interface CatalogIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The state of a recipe without catalog.yaml and without catalog settings: an absent catalog.json means this. */
function defaultCatalogState(): CatalogState {
  return { channels: {}, revoked: [], declaredChannels: [DEFAULT_CHANNEL], deprecateSupersededAfterDays: null };
}

function isChannelName(value: unknown): value is string {
  return typeof value === 'string' && CHANNEL_NAME.test(value);
}

function isImageBuildVersion(value: unknown): value is string {
  return typeof value === 'string' && IMAGE_BUILD_VERSION.test(value);
}

function isAmiId(value: unknown): value is string {
  return typeof value === 'string' && AMI_ID.test(value);
}

function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION.test(value);
}

/** Orders image build versions: recipe version (numerically), then build number. */
function compareImageVersions(a: string, b: string): number {
  const pa = imageVersionParts(a);
  const pb = imageVersionParts(b);
  if (!pa || !pb) return compareCodeUnits(a, b);
  for (let i = 0; i < 4; i += 1) {
    const d = (pa[i] as number) - (pb[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function imageVersionParts(value: string): number[] | undefined {
  const match = IMAGE_BUILD_VERSION.exec(value);
  return match ? match.slice(1, 5).map(Number) : undefined;
}

/** `1.2.0` of `1.2.0/3`. */
function recipeVersionOf(image: string): string {
  return image.split('/')[0] ?? image;
}

/** The settings from a parsed recipe.yaml (any shape: anything unusable falls back to the default). */
function catalogSettingsOf(recipe: unknown): CatalogSettings {
  const record = isObject(recipe) ? recipe : {};
  const catalog = isObject(record.catalog) ? record.catalog : {};
  const lifecycle = isObject(record.lifecycle) ? record.lifecycle : {};
  const declared = Array.isArray(catalog.channels) ? catalog.channels.filter(isChannelName).filter((c) => c !== CANDIDATE_CHANNEL) : [];
  const days = lifecycle.deprecateSupersededAfterDays;
  return {
    declaredChannels: [...new Set([DEFAULT_CHANNEL, ...declared])].sort(compareCodeUnits),
    deprecateSupersededAfterDays:
      typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= MAX_DEPRECATE_DAYS ? days : null,
  };
}

/**
 * Checks the shape of a catalog file (catalog.yaml parsed, or the file part of catalog.json).
 * `declaredChannels`: when given, a channel outside them is a problem too. Returns the file
 * when there is no problem.
 */
function checkCatalogFile(data: unknown, declaredChannels?: readonly string[]): { file: CatalogFile | undefined; issues: CatalogIssue[] } {
  const issues: CatalogIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  if (data === null || data === undefined) return { file: { channels: {}, revoked: [] }, issues };
  if (!isObject(data)) {
    add([], 'the catalog must be a mapping with `channels` and `revoked`');
    return { file: undefined, issues };
  }
  for (const key of Object.keys(data))
    if (key !== 'channels' && key !== 'revoked') add([key], `unknown key ${quote(key)}: a catalog has only channels and revoked`);

  const channels: Record<string, ChannelEntry> = {};
  if (data.channels !== undefined && data.channels !== null) {
    if (!isObject(data.channels)) add(['channels'], 'channels must be a mapping of channel name -> {image, amis, score, promotedAt}');
    else {
      const names = Object.keys(data.channels);
      if (names.length > MAX_CHANNELS) add(['channels'], `${names.length} channels; at most ${MAX_CHANNELS}`);
      for (const name of names.slice(0, MAX_CHANNELS)) {
        const at = ['channels', name];
        if (!isChannelName(name)) {
          add(at, `channel name ${quote(name)} is not valid: a lower-case letter, then letters, digits or hyphens, 32 at most`);
          continue;
        }
        if (name === CANDIDATE_CHANNEL) {
          add(at, 'candidate is not written here: the deployer points it at every successful build');
          continue;
        }
        if (declaredChannels && !declaredChannels.includes(name)) {
          add(
            at,
            `channel ${name} is not declared; declare it in recipe.yaml (catalog.channels) or use one of ${declaredChannels.join(', ')}`,
          );
          continue;
        }
        const entry = checkChannelEntry(data.channels[name], at, add);
        if (entry) channels[name] = entry;
      }
    }
  }

  const revoked: RevokedImage[] = [];
  if (data.revoked !== undefined && data.revoked !== null) {
    if (!Array.isArray(data.revoked)) add(['revoked'], 'revoked must be a list of {image, amis, reason, disable, revokedAt}');
    else {
      if (data.revoked.length > MAX_REVOKED) add(['revoked'], `${data.revoked.length} revoked images; at most ${MAX_REVOKED}`);
      const seen = new Set<string>();
      data.revoked.slice(0, MAX_REVOKED).forEach((item, index) => {
        const entry = checkRevoked(item, ['revoked', index], add);
        if (!entry) return;
        if (seen.has(entry.image)) {
          add(['revoked', index, 'image'], `${entry.image} is revoked twice; keep one entry`);
          return;
        }
        seen.add(entry.image);
        revoked.push(entry);
      });
    }
  }
  for (const [name, entry] of Object.entries(channels)) {
    if (seenRevoked(revoked, entry.image))
      add(
        ['channels', name, 'image'],
        `channel ${name} points at ${entry.image}, which is revoked; promote another image (bakery promote) or unrevoke it (bakery unrevoke)`,
      );
  }
  if (issues.length > 0) return { file: undefined, issues };
  return { file: { channels, revoked: [...revoked].sort((a, b) => compareImageVersions(a.image, b.image)) }, issues };
}

function seenRevoked(revoked: readonly RevokedImage[], image: string): boolean {
  return revoked.some((r) => r.image === image);
}

type Add = (path: (string | number)[], message: string) => void;

function checkAmis(value: unknown, at: (string | number)[], add: Add): AmiMap | undefined {
  if (!isObject(value) || Object.keys(value).length === 0) {
    add(at, 'amis must map each region to the AMI id there, e.g. { eu-west-1: ami-0123456789abcdef0 }; bakery promote fills it');
    return undefined;
  }
  const regions = Object.keys(value);
  if (regions.length > MAX_REGIONS) {
    add(at, `${regions.length} regions; at most ${MAX_REGIONS}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  let ok = true;
  for (const region of regions) {
    if (!isRegion(region)) {
      add([...at, region], `${quote(region)} is not an AWS region code (e.g. eu-west-1)`);
      ok = false;
      continue;
    }
    const ami = value[region];
    if (!isAmiId(ami)) {
      add([...at, region], `${quote(ami)} is not an AMI id (ami- and 8 or 17 hex digits)`);
      ok = false;
      continue;
    }
    out[region] = ami;
  }
  return ok ? out : undefined;
}

function checkImage(value: unknown, at: (string | number)[], add: Add): string | undefined {
  if (isImageBuildVersion(value)) return value;
  add(at, `image ${quote(value)} is not an image build version <recipe version>/<build number>, e.g. 1.2.0/3`);
  return undefined;
}

function checkTime(value: unknown, at: (string | number)[], add: Add, what: string): string | undefined {
  if (typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))) return value;
  add(at, `${what} ${quote(value)} must be a UTC time like 2026-12-02T10:00:00Z`);
  return undefined;
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], at: (string | number)[], add: Add): boolean {
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      add([...at, key], `unknown key ${quote(key)} (allowed: ${known.join(', ')})`);
      ok = false;
    }
  }
  return ok;
}

const CHANNEL_KEYS = ['image', 'amis', 'score', 'promotedAt'];
const REVOKED_KEYS = ['image', 'amis', 'reason', 'disable', 'revokedAt'];

function checkChannelEntry(value: unknown, at: (string | number)[], add: Add): ChannelEntry | undefined {
  if (!isObject(value)) {
    add(at, 'a channel entry is {image, amis, score, promotedAt}; write it with bakery promote');
    return undefined;
  }
  const keysOk = unknownKeys(value, CHANNEL_KEYS, at, add);
  const image = checkImage(value.image, [...at, 'image'], add);
  const amis = checkAmis(value.amis, [...at, 'amis'], add);
  let score: number | undefined;
  let scoreOk = true;
  if (value.score !== undefined) {
    if (typeof value.score === 'number' && Number.isFinite(value.score) && value.score >= 0 && value.score <= 100) score = value.score;
    else {
      add([...at, 'score'], `score ${quote(value.score)} must be a number from 0 to 100 (the evidence score at promotion)`);
      scoreOk = false;
    }
  }
  const promotedAt = checkTime(value.promotedAt, [...at, 'promotedAt'], add, 'promotedAt');
  if (!keysOk || !image || !amis || !scoreOk || !promotedAt) return undefined;
  return { image, amis, ...(score !== undefined ? { score } : {}), promotedAt };
}

function checkRevoked(value: unknown, at: (string | number)[], add: Add): RevokedImage | undefined {
  if (!isObject(value)) {
    add(at, 'a revoked entry is {image, amis, reason, disable, revokedAt}; write it with bakery revoke');
    return undefined;
  }
  const keysOk = unknownKeys(value, REVOKED_KEYS, at, add);
  const image = checkImage(value.image, [...at, 'image'], add);
  const amis = checkAmis(value.amis, [...at, 'amis'], add);
  let reason: string | undefined;
  if (
    typeof value.reason === 'string' &&
    value.reason.trim() !== '' &&
    value.reason.length <= MAX_REASON_LENGTH &&
    !/[\r\n]/.test(value.reason)
  )
    reason = value.reason;
  else
    add(
      [...at, 'reason'],
      `reason must be one line of 1 to ${MAX_REASON_LENGTH} characters (it becomes the AMI tag ${REVOKED_REASON_TAG})`,
    );
  let disable: boolean | undefined;
  if (value.disable === undefined) disable = false;
  else if (typeof value.disable === 'boolean') disable = value.disable;
  else add([...at, 'disable'], `disable must be true or false, not ${quote(value.disable)}`);
  const revokedAt = checkTime(value.revokedAt, [...at, 'revokedAt'], add, 'revokedAt');
  if (!keysOk || !image || !amis || reason === undefined || disable === undefined || !revokedAt) return undefined;
  return { image, amis, reason, disable, revokedAt };
}

/** The bundle form: `recipes/<name>/catalog.json`. */
function catalogPath(name: string): string {
  return `${RECIPES_DIR}/${name}/catalog.json`;
}

/** catalog.json's bytes as text: sorted keys, 2-space indent, trailing newline; `formatVersion` 1. */
function catalogJson(state: CatalogState): string {
  const data = {
    formatVersion: CATALOG_FORMAT_VERSION,
    channels: state.channels,
    revoked: [...state.revoked].sort((a, b) => compareImageVersions(a.image, b.image)),
    declaredChannels: [...state.declaredChannels].sort(compareCodeUnits),
    deprecateSupersededAfterDays: state.deprecateSupersededAfterDays,
  };
  return `${JSON.stringify(sortKeys(data), null, 2)}\n`;
}

/** `sha256:<hex>` of catalog.json's bytes: the manifest entry's `catalogHash`. */
function catalogHash(bytes: string | Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}

/** True when the state says nothing beyond the default (no catalog.json is written for it). */
function isDefaultCatalog(state: CatalogState): boolean {
  return canonicalJson(JSON.parse(catalogJson(state))) === canonicalJson(JSON.parse(catalogJson(defaultCatalogState())));
}

/** Builds the desired state from the file (or none) and the recipe's settings. */
function catalogStateOf(file: CatalogFile | undefined, settings: CatalogSettings): CatalogState {
  return {
    channels: file?.channels ?? {},
    revoked: file?.revoked ?? [],
    declaredChannels: settings.declaredChannels,
    deprecateSupersededAfterDays: settings.deprecateSupersededAfterDays,
  };
}

const STATE_KEYS = ['channels', 'declaredChannels', 'deprecateSupersededAfterDays', 'formatVersion', 'revoked'];

/**
 * Reads catalog.json data (already JSON-parsed) into a CatalogState. Every problem is returned
 * as text with its JSON path; a state with problems is never returned.
 */
function parseCatalog(data: unknown): { state: CatalogState | undefined; issues: CatalogIssue[] } {
  const issues: CatalogIssue[] = [];
  if (!isObject(data)) return { state: undefined, issues: [{ path: [], message: 'catalog.json is not a JSON object' }] };
  for (const key of Object.keys(data))
    if (!STATE_KEYS.includes(key))
      issues.push({ path: [key], message: `unknown key ${quote(key)} (catalog.json has ${STATE_KEYS.join(', ')})` });
  if (data.formatVersion !== CATALOG_FORMAT_VERSION)
    issues.push({ path: ['formatVersion'], message: `formatVersion is ${quote(data.formatVersion)}, expected ${CATALOG_FORMAT_VERSION}` });
  const declared = data.declaredChannels;
  let declaredChannels: string[] | undefined;
  if (
    !Array.isArray(declared) ||
    declared.length > MAX_CHANNELS ||
    !declared.every(isChannelName) ||
    declared.includes(CANDIDATE_CHANNEL) ||
    !declared.includes(DEFAULT_CHANNEL) ||
    new Set(declared).size !== declared.length
  ) {
    issues.push({
      path: ['declaredChannels'],
      message: `declaredChannels must be a list of unique channel names with stable and without candidate, not ${quote(declared)}`,
    });
  } else declaredChannels = [...(declared as string[])].sort(compareCodeUnits);
  const days = data.deprecateSupersededAfterDays;
  const daysOk = days === null || (typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= MAX_DEPRECATE_DAYS);
  if (!daysOk)
    issues.push({
      path: ['deprecateSupersededAfterDays'],
      message: `deprecateSupersededAfterDays must be null or a whole number of days from 0 to ${MAX_DEPRECATE_DAYS}, not ${quote(days)}`,
    });
  const checked = checkCatalogFile({ channels: data.channels, revoked: data.revoked }, declaredChannels);
  issues.push(...checked.issues);
  if (issues.length > 0 || !checked.file || !declaredChannels) return { state: undefined, issues };
  return {
    state: { ...checked.file, declaredChannels, deprecateSupersededAfterDays: days as number | null },
    issues,
  };
}

/** `channels.stable.amis.eu-west-1` for messages. */
function catalogPathText(path: readonly (string | number)[]): string {
  return path.length === 0
    ? '(top)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[');
}

export {
  AMI_ID,
  type AmiMap,
  CANDIDATE_CHANNEL,
  CATALOG_FORMAT_VERSION,
  type CatalogFile,
  type CatalogIssue,
  type CatalogSettings,
  type CatalogState,
  CHANNEL_NAME,
  type ChannelEntry,
  catalogHash,
  catalogJson,
  catalogPath,
  catalogPathText,
  catalogSettingsOf,
  catalogStateOf,
  checkCatalogFile,
  compareImageVersions,
  DEFAULT_CHANNEL,
  defaultCatalogState,
  IMAGE_BUILD_VERSION,
  isAmiId,
  isChannelName,
  isDefaultCatalog,
  isImageBuildVersion,
  isRegion,
  MAX_DEPRECATE_DAYS,
  MAX_REASON_LENGTH,
  parseCatalog,
  REGION,
  REVOKED_REASON_TAG,
  type RevokedImage,
  recipeVersionOf,
  TIMESTAMP,
};
