/**
 * The decisions of `bakery promote`, `revoke` and `unrevoke`: from the committed catalog, what
 * Image Builder says about the recipe's builds and their evidence, to the new catalog, or a
 * refusal with its stable id. No file or git here (file.ts), no AWS calls (observe.ts): the
 * commands feed these functions what they read.
 */
import {
  type AmiMap,
  type CatalogFile,
  type ChannelEntry,
  compareImageVersions,
  isImageBuildVersion,
  type RevokedImage,
} from '@ami-bakery/bundle';
import type { ComplianceSummary } from '@ami-bakery/hardening';
import type { PromotionThreshold } from '@ami-bakery/recipe-schema';
import type { ImageBuild } from './observe.js';

/** Why a change is refused; ids never change meaning. */
const REFUSALS = {
  CATALOG001: 'image-not-built',
  CATALOG002: 'image-not-available',
  CATALOG003: 'image-revoked',
  CATALOG004: 'score-below-threshold',
  CATALOG005: 'channel-not-declared',
  CATALOG006: 'image-without-amis',
  CATALOG007: 'image-not-revoked',
  CATALOG008: 'version-ambiguous',
} as const;

type RefusalId = keyof typeof REFUSALS;

class CatalogRefusal extends Error {
  readonly id: RefusalId;
  constructor(id: RefusalId, message: string) {
    super(message);
    this.name = 'CatalogRefusal';
    this.id = id;
  }
}

const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/** `1.2.0/3` as given, or the builds of version `1.2.0`; anything else is a usage mistake (undefined). */
function parseImageArgument(given: string): { image: string } | { version: string } | undefined {
  if (isImageBuildVersion(given)) return { image: given };
  if (SEMVER.test(given)) return { version: given };
  return undefined;
}

function buildList(builds: readonly ImageBuild[]): string {
  if (builds.length === 0) return 'no build at all';
  return builds
    .slice(0, 8)
    .map((b) => `${b.image} ${b.state}`)
    .join(', ')
    .concat(builds.length > 8 ? ', ...' : '');
}

/** The build `given` names: the exact build, or the newest AVAILABLE build of a version. */
function resolveBuild(recipe: string, given: string, builds: readonly ImageBuild[]): ImageBuild {
  const parsed = parseImageArgument(given);
  if (!parsed)
    throw new CatalogRefusal('CATALOG001', `'${given}' is neither an image build version (1.2.0/3) nor a recipe version (1.2.0)`);
  if ('image' in parsed) {
    const build = builds.find((b) => b.image === parsed.image);
    if (!build)
      throw new CatalogRefusal(
        'CATALOG001',
        `${recipe} has no image build ${parsed.image} (it did not build, or was deleted); its builds: ${buildList(builds)}`,
      );
    return build;
  }
  const ofVersion = builds.filter((b) => b.image.startsWith(`${parsed.version}/`)).sort((a, b) => compareImageVersions(b.image, a.image));
  if (ofVersion.length === 0)
    throw new CatalogRefusal('CATALOG001', `${recipe} has no image build of version ${parsed.version}; its builds: ${buildList(builds)}`);
  return ofVersion.find((b) => b.state === 'AVAILABLE') ?? (ofVersion[0] as ImageBuild);
}

interface PromoteInput {
  readonly recipe: string;
  readonly channel: string;
  readonly given: string;
  readonly declaredChannels: readonly string[];
  readonly builds: readonly ImageBuild[];
  readonly file: CatalogFile;
  readonly threshold: PromotionThreshold | undefined;
  /** The build's evidence summary, or undefined when it has none. */
  readonly evidence: (image: string) => Promise<ComplianceSummary | undefined>;
  readonly now: Date;
}

interface PromoteResult {
  readonly file: CatalogFile;
  readonly entry: ChannelEntry;
  /** Where the channel pointed before; undefined when it is new. */
  readonly from: ChannelEntry | undefined;
  /** True when the channel points at the image already (nothing to commit). */
  readonly unchanged: boolean;
}

function utc(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** Checks the build against every promotion rule and returns the catalog with the channel moved. */
async function promote(input: PromoteInput): Promise<PromoteResult> {
  const { recipe, channel } = input;
  if (channel === 'candidate' || !input.declaredChannels.includes(channel)) {
    throw new CatalogRefusal(
      'CATALOG005',
      channel === 'candidate'
        ? 'candidate is not promoted to: the deployer points it at every successful build'
        : `channel ${channel} is not declared; add it to catalog.channels in recipes/${recipe}/recipe.yaml (now: ${input.declaredChannels.join(', ')}) and merge that first`,
    );
  }
  const build = resolveBuild(recipe, input.given, input.builds);
  if (input.file.revoked.some((r) => r.image === build.image))
    throw new CatalogRefusal('CATALOG003', `${build.image} is revoked; unrevoke it first (bakery unrevoke ${recipe} ${build.image})`);
  if (build.state !== 'AVAILABLE')
    throw new CatalogRefusal(
      'CATALOG002',
      `${build.image} is ${build.state}${build.stateReason ? ` (${build.stateReason})` : ''}, not AVAILABLE: only an image that built, passed its tests and was distributed is promoted`,
    );
  if (Object.keys(build.amis).length === 0)
    throw new CatalogRefusal('CATALOG006', `${build.image} has no AMI in the bakery account: Image Builder lists none`);
  const score = await scoreOf(recipe, build.image, input);
  const entry: ChannelEntry = {
    image: build.image,
    amis: build.amis,
    ...(score !== undefined ? { score } : {}),
    promotedAt: utc(input.now),
  };
  const from = input.file.channels[channel];
  const unchanged = from?.image === build.image && sameAmis(from.amis, build.amis);
  return { file: { ...input.file, channels: { ...input.file.channels, [channel]: entry } }, entry, from, unchanged };
}

/** The evidence score; a refusal when the recipe has a threshold the evidence does not reach. */
async function scoreOf(recipe: string, image: string, input: Pick<PromoteInput, 'threshold' | 'evidence'>): Promise<number | undefined> {
  const summary = await input.evidence(image);
  const threshold = input.threshold;
  if (threshold === undefined) return summary?.score;
  if (summary === undefined)
    throw new CatalogRefusal(
      'CATALOG004',
      `${image} has no evidence summary, and ${recipe}'s images need a score of ${threshold.score} (${threshold.from}); check --evidence-bucket`,
    );
  if (!summary.passed)
    throw new CatalogRefusal(
      'CATALOG004',
      `${image}'s evidence failed its own check (score ${summary.score}, threshold ${summary.threshold})`,
    );
  if (summary.score < threshold.score)
    throw new CatalogRefusal('CATALOG004', `${image} scored ${summary.score}, below ${threshold.score} (${threshold.from})`);
  return summary.score;
}

function sameAmis(a: AmiMap, b: AmiMap): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

interface Fallback {
  readonly channel: string;
  /** The entry the channel moves to; undefined: no good image is left, the channel is taken out. */
  readonly to: ChannelEntry | undefined;
  /** How the fallback was chosen. */
  readonly how: 'previous' | 'older-build' | 'none';
}

interface RevokeInput {
  readonly recipe: string;
  readonly given: string;
  readonly reason: string;
  readonly disable: boolean;
  readonly builds: readonly ImageBuild[];
  readonly file: CatalogFile;
  /** Earlier versions of the catalog file, newest first (git history). */
  readonly history: readonly CatalogFile[];
  readonly threshold: PromotionThreshold | undefined;
  readonly evidence: (image: string) => Promise<ComplianceSummary | undefined>;
  readonly now: Date;
}

interface RevokeResult {
  readonly file: CatalogFile;
  readonly revoked: RevokedImage;
  /** Set when the image was revoked already (the reason or disable changes). */
  readonly before: RevokedImage | undefined;
  readonly fallbacks: readonly Fallback[];
}

/**
 * Revokes the build and moves every channel on it back: to the image the channel pointed at
 * before (git history) when that one is still AVAILABLE and not revoked, else to the newest older
 * AVAILABLE build that reaches the threshold, else out of the catalog.
 */
async function revoke(input: RevokeInput): Promise<RevokeResult> {
  const build = resolveRevokedBuild(input);
  const amis = Object.keys(build.amis).length > 0 ? build.amis : amisFromFile(input.file, build.image);
  if (Object.keys(amis).length === 0)
    throw new CatalogRefusal('CATALOG006', `${build.image} has no AMI left to revoke (Image Builder lists none)`);
  const before = input.file.revoked.find((r) => r.image === build.image);
  const revoked: RevokedImage = {
    image: build.image,
    amis,
    reason: input.reason,
    disable: input.disable,
    revokedAt: before?.revokedAt ?? utc(input.now),
  };
  const revokedImages = new Set([...input.file.revoked.map((r) => r.image), build.image]);
  const channels: Record<string, ChannelEntry> = { ...input.file.channels };
  const fallbacks: Fallback[] = [];
  for (const [channel, entry] of Object.entries(input.file.channels).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (entry.image !== build.image) continue;
    const fallback = await fallbackFor(channel, build.image, revokedImages, input);
    fallbacks.push(fallback);
    if (fallback.to) channels[channel] = fallback.to;
    else delete channels[channel];
  }
  return {
    file: { channels, revoked: [...input.file.revoked.filter((r) => r.image !== build.image), revoked] },
    revoked,
    before,
    fallbacks,
  };
}

function resolveRevokedBuild(input: RevokeInput): ImageBuild {
  const parsed = parseImageArgument(input.given);
  if (parsed && 'version' in parsed) {
    const ofVersion = input.builds.filter((b) => b.image.startsWith(`${parsed.version}/`));
    if (ofVersion.length > 1)
      throw new CatalogRefusal(
        'CATALOG008',
        `version ${parsed.version} has ${ofVersion.length} builds (${ofVersion.map((b) => b.image).join(', ')}); name the one to revoke, or run the command once for each`,
      );
  }
  if (parsed && 'image' in parsed && !input.builds.some((b) => b.image === parsed.image)) {
    // An image Image Builder no longer lists can still be revoked while the catalog knows its AMIs.
    const amis = amisFromFile(input.file, parsed.image);
    if (Object.keys(amis).length > 0)
      return { image: parsed.image, arn: '', state: 'UNKNOWN', stateReason: undefined, created: undefined, amis };
  }
  return resolveBuild(input.recipe, input.given, input.builds);
}

function amisFromFile(file: CatalogFile, image: string): AmiMap {
  const entry = Object.values(file.channels).find((c) => c.image === image) ?? file.revoked.find((r) => r.image === image);
  return entry?.amis ?? {};
}

async function fallbackFor(channel: string, image: string, revoked: ReadonlySet<string>, input: RevokeInput): Promise<Fallback> {
  const available = new Map(input.builds.filter((b) => b.state === 'AVAILABLE').map((b) => [b.image, b]));
  for (const earlier of input.history) {
    const entry = earlier.channels[channel];
    if (!entry || entry.image === image || revoked.has(entry.image)) continue;
    const build = available.get(entry.image);
    if (!build) continue;
    return {
      channel,
      to: { ...entry, amis: Object.keys(build.amis).length > 0 ? build.amis : entry.amis, promotedAt: utc(input.now) },
      how: 'previous',
    };
  }
  const older = input.builds
    .filter(
      (b) => b.state === 'AVAILABLE' && !revoked.has(b.image) && compareImageVersions(b.image, image) < 0 && Object.keys(b.amis).length > 0,
    )
    .sort((a, b) => compareImageVersions(b.image, a.image));
  for (const build of older) {
    try {
      const score = await scoreOf(input.recipe, build.image, input);
      return {
        channel,
        to: { image: build.image, amis: build.amis, ...(score !== undefined ? { score } : {}), promotedAt: utc(input.now) },
        how: 'older-build',
      };
    } catch (error) {
      if (!(error instanceof CatalogRefusal)) throw error;
    }
  }
  return { channel, to: undefined, how: 'none' };
}

interface UnrevokeResult {
  readonly file: CatalogFile;
  readonly removed: RevokedImage;
}

function unrevoke(recipe: string, given: string, file: CatalogFile): UnrevokeResult {
  const parsed = parseImageArgument(given);
  const matches = file.revoked.filter((r) =>
    parsed === undefined ? false : 'image' in parsed ? r.image === parsed.image : r.image.startsWith(`${parsed.version}/`),
  );
  if (matches.length === 0)
    throw new CatalogRefusal(
      'CATALOG007',
      `${given} is not revoked in recipes/${recipe}/catalog.yaml${file.revoked.length > 0 ? ` (revoked: ${file.revoked.map((r) => r.image).join(', ')})` : ''}`,
    );
  if (matches.length > 1)
    throw new CatalogRefusal('CATALOG008', `several revoked builds match ${given} (${matches.map((r) => r.image).join(', ')}); name one`);
  const removed = matches[0] as RevokedImage;
  return { file: { channels: file.channels, revoked: file.revoked.filter((r) => r !== removed) }, removed };
}

export {
  CatalogRefusal,
  type Fallback,
  type PromoteInput,
  type PromoteResult,
  parseImageArgument,
  promote,
  REFUSALS,
  type RefusalId,
  type RevokeInput,
  type RevokeResult,
  resolveBuild,
  revoke,
  type UnrevokeResult,
  unrevoke,
  utc,
};
