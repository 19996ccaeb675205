/**
 * Plans the catalog: the desired state of each recipe (catalog.json of the bundle) against what
 * is observed in the bakery account (channel parameters per region, images and their AMIs'
 * deprecation, disabled state and revocation tag). Pure: the deployer feeds it what SSM, Image
 * Builder and EC2 say; `bakery plan` what the base bundle's catalog would have left behind
 * (`observedCatalogOf`).
 *
 * Actions, sorted by recipe, then revoke, unrevoke, set-channel, clear-channel, then channel and
 * region:
 * - `revoke`: deprecate the image now in every listed region, tag it `ami-bakery:revoked-reason`
 *   (REVOKED_REASON_TAG),
 *   disable it when `disable`; `fallbacks` names where each channel that pointed at it goes.
 * - `unrevoke`: remove the tag, cancel the revocation's deprecation, enable the AMI again.
 * - `set-channel`: write the channel parameter `/ami-bakery/<recipe>/<channel>` in `region`.
 * - `clear-channel`: delete that parameter (no image left for the channel there).
 */
import { type AmiMap, CANDIDATE_CHANNEL, type CatalogState, compareImageVersions, type RevokedImage } from './catalog.js';
import { InvalidArgumentError } from './errors.js';
import { compareCodeUnits } from './hash.js';

/** One AMI of an image as EC2 shows it. */
interface ObservedAmi {
  readonly ami: string;
  /** A deprecation time is set and has passed (or is now). */
  readonly deprecated: boolean;
  readonly disabled: boolean;
  /** Value of the tag `ami-bakery:revoked-reason`, null without it. */
  readonly revokedReason: string | null;
}

/** One image build as Image Builder and EC2 show it. */
interface ObservedImage {
  /** `1.2.0/3`. */
  readonly image: string;
  /** Image Builder's state: AVAILABLE, FAILED, DEPRECATED, DISABLED, DELETED, BUILDING, ... */
  readonly state: string;
  /** Region -> AMI, for the regions where the AMI still exists. */
  readonly amis: Readonly<Record<string, ObservedAmi>>;
}

/** What the bakery account holds for one recipe. */
interface ObservedCatalog {
  /** Channel -> region -> AMI id: the values of the channel parameters, candidate included. */
  readonly channels: Readonly<Record<string, AmiMap>>;
  readonly images: readonly ObservedImage[];
}

type SetChannelWhy = 'promote' | 'fallback';
type ClearChannelWhy = 'revoked-no-fallback' | 'not-in-catalog' | 'region-left';

interface SetChannelAction {
  readonly kind: 'set-channel';
  readonly recipe: string;
  readonly channel: string;
  readonly region: string;
  readonly ami: string;
  /** The image build the AMI belongs to. */
  readonly image: string;
  /** The parameter's current value; null when it does not exist yet. */
  readonly from: string | null;
  /** The image build of `from`, when known. */
  readonly fromImage: string | null;
  /** `fallback`: `from` belongs to a revoked image and the channel goes back to an earlier one. */
  readonly why: SetChannelWhy;
}

interface ClearChannelAction {
  readonly kind: 'clear-channel';
  readonly recipe: string;
  readonly channel: string;
  readonly region: string;
  readonly from: string;
  readonly fromImage: string | null;
  readonly why: ClearChannelWhy;
}

interface ChannelFallback {
  readonly channel: string;
  /** The image the channel falls back to; null: none left, the channel parameter is deleted. */
  readonly to: string | null;
}

interface RevokeAction {
  readonly kind: 'revoke';
  readonly recipe: string;
  readonly image: string;
  /** Regions where something is still to do, sorted. */
  readonly regions: readonly string[];
  /** The AMIs of those regions. */
  readonly amis: AmiMap;
  readonly reason: string;
  readonly disable: boolean;
  /** Regions whose AMI is disabled though `disable` is false (revoked again without --disable): enable them. */
  readonly enable: readonly string[];
  /** Every channel that points at the image in some region, and where it goes. */
  readonly fallbacks: readonly ChannelFallback[];
}

interface UnrevokeAction {
  readonly kind: 'unrevoke';
  readonly recipe: string;
  readonly image: string;
  readonly regions: readonly string[];
  readonly amis: AmiMap;
  /** The reason the AMIs were tagged with. */
  readonly reason: string;
  /** Regions whose AMI is disabled: enable them. */
  readonly enable: readonly string[];
}

type CatalogAction = RevokeAction | UnrevokeAction | SetChannelAction | ClearChannelAction;

/** Something the plan cannot do or wants a person to know; the deployer reports it. */
interface CatalogNote {
  readonly recipe: string;
  readonly message: string;
}

interface CatalogPlan {
  readonly actions: readonly CatalogAction[];
  readonly notes: readonly CatalogNote[];
  readonly counts: {
    readonly setChannel: number;
    readonly clearChannel: number;
    readonly revoke: number;
    readonly unrevoke: number;
  };
}

interface CatalogPlanOptions {
  /**
   * The candidate channel falls back too when it points at a revoked image (to the newest
   * observed AVAILABLE image that is not revoked). Default true; `bakery plan` offline has no
   * candidate to plan.
   */
  readonly planCandidate?: boolean;
}

const KIND_ORDER: Record<CatalogAction['kind'], number> = { revoke: 0, unrevoke: 1, 'set-channel': 2, 'clear-channel': 3 };

const EMPTY_OBSERVED: ObservedCatalog = { channels: {}, images: [] };

/**
 * The catalog actions that bring `observed` to `desired`, per recipe. Only the recipes of
 * `desired` are planned (a partial bundle plans only its own). A recipe without catalog.json is
 * given `defaultCatalogState()`.
 */
function planCatalog(
  desired: ReadonlyMap<string, CatalogState>,
  observed: ReadonlyMap<string, ObservedCatalog>,
  options: CatalogPlanOptions = {},
): CatalogPlan {
  if (!(desired instanceof Map) || !(observed instanceof Map))
    throw new InvalidArgumentError('planCatalog takes two Maps keyed by recipe name');
  const actions: CatalogAction[] = [];
  const notes: CatalogNote[] = [];
  for (const recipe of [...desired.keys()].sort(compareCodeUnits)) {
    const state = desired.get(recipe) as CatalogState;
    const seen = observed.get(recipe) ?? EMPTY_OBSERVED;
    planRecipe(recipe, state, seen, options.planCandidate ?? true, actions, notes);
  }
  actions.sort(compareActions);
  const counts = { setChannel: 0, clearChannel: 0, revoke: 0, unrevoke: 0 };
  for (const action of actions) {
    if (action.kind === 'set-channel') counts.setChannel += 1;
    else if (action.kind === 'clear-channel') counts.clearChannel += 1;
    else if (action.kind === 'revoke') counts.revoke += 1;
    else counts.unrevoke += 1;
  }
  return { actions, notes, counts };
}

function compareActions(a: CatalogAction, b: CatalogAction): number {
  return (
    compareCodeUnits(a.recipe, b.recipe) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    ('image' in a && 'image' in b && (a.kind === 'revoke' || a.kind === 'unrevoke') ? compareImageVersions(a.image, b.image) : 0) ||
    compareCodeUnits('channel' in a ? a.channel : '', 'channel' in b ? b.channel : '') ||
    compareCodeUnits('region' in a ? a.region : '', 'region' in b ? b.region : '')
  );
}

function planRecipe(
  recipe: string,
  state: CatalogState,
  seen: ObservedCatalog,
  planCandidate: boolean,
  actions: CatalogAction[],
  notes: CatalogNote[],
): void {
  // AMI id -> image build, from everything known: observed images, then the desired file.
  const imageOfAmi = new Map<string, string>();
  for (const image of seen.images) for (const ami of Object.values(image.amis)) imageOfAmi.set(ami.ami, image.image);
  for (const entry of [...Object.values(state.channels), ...state.revoked])
    for (const ami of Object.values(entry.amis)) if (!imageOfAmi.has(ami)) imageOfAmi.set(ami, entry.image);
  const revokedByImage = new Map(state.revoked.map((r) => [r.image, r]));
  const revokedAmis = new Set(state.revoked.flatMap((r) => Object.values(r.amis)));
  const observedByImage = new Map(seen.images.map((i) => [i.image, i]));

  // Channels named in the file: set every region to the desired AMI; regions it no longer has are cleared.
  const candidateFallbacks = new Map<string, string | null>();
  const channelNames = new Set([...Object.keys(state.channels), ...Object.keys(seen.channels)]);
  for (const channel of [...channelNames].sort(compareCodeUnits)) {
    const current = seen.channels[channel] ?? {};
    if (channel === CANDIDATE_CHANNEL) {
      if (!planCandidate) continue;
      for (const region of Object.keys(current).sort(compareCodeUnits)) {
        const from = current[region] as string;
        if (!revokedAmis.has(from)) continue;
        const fallback = newestGood(seen.images, region, revokedByImage);
        candidateFallbacks.set(region, fallback?.image ?? null);
        if (fallback)
          actions.push({
            kind: 'set-channel',
            recipe,
            channel,
            region,
            ami: fallback.ami,
            image: fallback.image,
            from,
            fromImage: imageOfAmi.get(from) ?? null,
            why: 'fallback',
          });
        else
          actions.push({
            kind: 'clear-channel',
            recipe,
            channel,
            region,
            from,
            fromImage: imageOfAmi.get(from) ?? null,
            why: 'revoked-no-fallback',
          });
      }
      continue;
    }
    const entry = state.channels[channel];
    const regions = new Set([...Object.keys(current), ...Object.keys(entry?.amis ?? {})]);
    for (const region of [...regions].sort(compareCodeUnits)) {
      const from = current[region] ?? null;
      const want = entry?.amis[region];
      const fromImage = from === null ? null : (imageOfAmi.get(from) ?? null);
      if (want !== undefined) {
        if (from === want) continue;
        actions.push({
          kind: 'set-channel',
          recipe,
          channel,
          region,
          ami: want,
          image: entry?.image as string,
          from,
          fromImage,
          why: from !== null && revokedAmis.has(from) ? 'fallback' : 'promote',
        });
        continue;
      }
      if (from === null) continue;
      actions.push({
        kind: 'clear-channel',
        recipe,
        channel,
        region,
        from,
        fromImage,
        why: revokedAmis.has(from) ? 'revoked-no-fallback' : entry === undefined ? 'not-in-catalog' : 'region-left',
      });
    }
  }

  // Revocations: whatever is not yet deprecated, tagged (and disabled, or enabled) in some region.
  for (const revoked of state.revoked) {
    const observedImage = observedByImage.get(revoked.image);
    const regions: string[] = [];
    const enable: string[] = [];
    const amis: Record<string, string> = {};
    for (const region of Object.keys(revoked.amis).sort(compareCodeUnits)) {
      const ami = revoked.amis[region] as string;
      const now = observedImage?.amis[region];
      if (observedImage && (now === undefined || now.ami !== ami)) {
        notes.push({ recipe, message: `${revoked.image}: ${ami} in ${region} no longer exists; nothing to revoke there` });
        continue;
      }
      const done = now?.deprecated && now.revokedReason === revoked.reason && (revoked.disable ? now.disabled : !now.disabled);
      if (done) continue;
      regions.push(region);
      amis[region] = ami;
      if (!revoked.disable && now?.disabled) enable.push(region);
    }
    if (regions.length === 0) continue;
    actions.push({
      kind: 'revoke',
      recipe,
      image: revoked.image,
      regions,
      amis,
      reason: revoked.reason,
      disable: revoked.disable,
      enable,
      fallbacks: fallbacksOf(revoked, seen, state, candidateFallbacks),
    });
  }

  // Unrevocations: AMIs tagged revoked by the bakery whose image the file no longer revokes.
  for (const image of [...seen.images].sort((a, b) => compareImageVersions(a.image, b.image))) {
    if (revokedByImage.has(image.image)) continue;
    const tagged = Object.entries(image.amis)
      .filter(([, ami]) => ami.revokedReason !== null)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    if (tagged.length === 0) continue;
    actions.push({
      kind: 'unrevoke',
      recipe,
      image: image.image,
      regions: tagged.map(([region]) => region),
      amis: Object.fromEntries(tagged.map(([region, ami]) => [region, ami.ami])),
      reason: tagged[0]?.[1].revokedReason as string,
      enable: tagged.filter(([, ami]) => ami.disabled).map(([region]) => region),
    });
  }

  // A channel entry missing a region the image was distributed to: that region keeps no parameter.
  for (const [channel, entry] of Object.entries(state.channels)) {
    const image = observedByImage.get(entry.image);
    if (!image) continue;
    const missing = Object.keys(image.amis)
      .filter((region) => entry.amis[region] === undefined)
      .sort(compareCodeUnits);
    if (missing.length > 0)
      notes.push({
        recipe,
        message: `${channel} points at ${entry.image}, which also has AMIs in ${missing.join(', ')}; the catalog entry lists no AMI there (promote it again to add them)`,
      });
    if (image.state !== 'AVAILABLE')
      notes.push({ recipe, message: `${channel} points at ${entry.image}, whose Image Builder state is ${image.state}` });
  }
}

/** The newest image that is AVAILABLE, not revoked in the file, and has a live AMI in `region`. */
function newestGood(
  images: readonly ObservedImage[],
  region: string,
  revoked: ReadonlyMap<string, RevokedImage>,
): { image: string; ami: string } | undefined {
  const good = images
    .filter((i) => i.state === 'AVAILABLE' && !revoked.has(i.image) && i.amis[region] !== undefined && !i.amis[region]?.disabled)
    .sort((a, b) => compareImageVersions(b.image, a.image))[0];
  return good ? { image: good.image, ami: (good.amis[region] as ObservedAmi).ami } : undefined;
}

/** For each channel observed on the revoked image's AMIs: the image the desired state moves it to. */
function fallbacksOf(
  revoked: RevokedImage,
  seen: ObservedCatalog,
  state: CatalogState,
  candidateFallbacks: ReadonlyMap<string, string | null>,
): ChannelFallback[] {
  const amis = new Set(Object.values(revoked.amis));
  const out: ChannelFallback[] = [];
  for (const channel of Object.keys(seen.channels).sort(compareCodeUnits)) {
    const regions = Object.entries(seen.channels[channel] ?? {}).filter(([, ami]) => amis.has(ami));
    if (regions.length === 0) continue;
    if (channel === CANDIDATE_CHANNEL) {
      const first = regions.map(([region]) => candidateFallbacks.get(region)).find((v) => v !== undefined);
      out.push({ channel, to: first ?? null });
      continue;
    }
    out.push({ channel, to: state.channels[channel]?.image ?? null });
  }
  return out;
}

/**
 * What a catalog state leaves behind once applied: the observed state `bakery plan` compares the
 * head with (the base bundle's catalogs). No candidate channel, every image AVAILABLE, revoked
 * ones deprecated, tagged and disabled as the file says.
 */
function observedCatalogOf(state: CatalogState): ObservedCatalog {
  const channels: Record<string, AmiMap> = {};
  for (const [channel, entry] of Object.entries(state.channels)) channels[channel] = { ...entry.amis };
  const images = new Map<string, ObservedImage>();
  for (const entry of Object.values(state.channels)) {
    images.set(entry.image, {
      image: entry.image,
      state: 'AVAILABLE',
      amis: Object.fromEntries(
        Object.entries(entry.amis).map(([region, ami]) => [region, { ami, deprecated: false, disabled: false, revokedReason: null }]),
      ),
    });
  }
  for (const revoked of state.revoked) {
    images.set(revoked.image, {
      image: revoked.image,
      state: 'AVAILABLE',
      amis: Object.fromEntries(
        Object.entries(revoked.amis).map(([region, ami]) => [
          region,
          { ami, deprecated: true, disabled: revoked.disable, revokedReason: revoked.reason },
        ]),
      ),
    });
  }
  return { channels, images: [...images.values()].sort((a, b) => compareImageVersions(a.image, b.image)) };
}

/** The SSM parameter of a channel: `/ami-bakery/<recipe>/<channel>` (data type aws:ec2:image). */
function channelParameterName(recipe: string, channel: string): string {
  return `/ami-bakery/${recipe}/${channel}`;
}

export {
  type CatalogAction,
  type CatalogNote,
  type CatalogPlan,
  type CatalogPlanOptions,
  type ChannelFallback,
  type ClearChannelAction,
  type ClearChannelWhy,
  channelParameterName,
  type ObservedAmi,
  type ObservedCatalog,
  type ObservedImage,
  observedCatalogOf,
  planCatalog,
  type RevokeAction,
  type SetChannelAction,
  type SetChannelWhy,
  type UnrevokeAction,
};
