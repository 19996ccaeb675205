/**
 * What the catalog step works with: the desired catalog of a recipe (what the bundle carries in
 * `recipes/<name>/catalog.json`), what the deployer observed in AWS, and the actions that bring
 * AWS to the desired state (docs/contracts.md, "Image catalog").
 */
import type { AmiRecord, ImageRecord } from './images.js';

type AmiMap = Readonly<Record<string, string>>;

interface ChannelEntry {
  readonly image: string;
  readonly amis: AmiMap;
  readonly score?: number;
  readonly promotedAt: string;
}

interface RevokedImage {
  readonly image: string;
  readonly amis: AmiMap;
  readonly reason: string;
  readonly disable: boolean;
  readonly revokedAt: string;
}

/** One recipe's desired catalog (the shape of `@ami-bakery/bundle`'s CatalogState). */
interface CatalogState {
  readonly channels: Readonly<Record<string, ChannelEntry>>;
  readonly revoked: readonly RevokedImage[];
  readonly declaredChannels: readonly string[];
  /** Superseded images get an EC2 deprecation time this many days after the image that superseded them; null: never. */
  readonly deprecateSupersededAfterDays: number | null;
}

/** An image build as AWS knows it: Image Builder's record and the AMI in each region EC2 has. */
interface ObservedImage extends ImageRecord {
  /** Region -> the EC2 AMI (absent: EC2 has no such AMI there, e.g. deregistered). */
  readonly ec2: Readonly<Record<string, AmiRecord>>;
}

/** One recipe's catalog in AWS. */
interface ObservedCatalog {
  readonly recipe: string;
  /** Regions observed. */
  readonly regions: readonly string[];
  /** Channel -> region -> AMI id the parameter holds now (candidate included). */
  readonly channels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Image build version -> what AWS says about it (every image the desired catalog names, and every revoked one). */
  readonly images: Readonly<Record<string, ObservedImage>>;
  /** Region -> every AMI of the recipe there. */
  readonly amis: Readonly<Record<string, readonly AmiRecord[]>>;
}

/** Points a channel at an AMI in one region (`ami` null: the channel has no image left there and is removed). */
interface SetChannelAction {
  readonly action: 'set-channel';
  readonly recipe: string;
  readonly channel: string;
  readonly region: string;
  readonly ami: string | null;
  /** The AMI the parameter held, null when there was none. */
  readonly from: string | null;
  /** The image build `ami` belongs to. */
  readonly image: string | null;
  /** Why: a promotion, or the fallback after a revocation. */
  readonly reason: 'promote' | 'fallback' | 'remove';
}

/** Deprecates the image now in every region it was distributed to, tags it with the reason, optionally disables it. */
interface RevokeAction {
  readonly action: 'revoke';
  readonly recipe: string;
  readonly image: string;
  readonly amis: AmiMap;
  readonly disable: boolean;
  readonly reason: string;
}

/** Undoes a revocation: the tags go, the AMI is enabled again, its deprecation time before the revocation is back. */
interface UnrevokeAction {
  readonly action: 'unrevoke';
  readonly recipe: string;
  readonly image: string;
  readonly amis: AmiMap;
}

type CatalogAction = SetChannelAction | RevokeAction | UnrevokeAction;

/** The planner the step calls: per recipe, desired and observed in, actions out (`planCatalog` of `@ami-bakery/bundle`). */
type CatalogPlanner = (desired: ReadonlyMap<string, CatalogState>, observed: ReadonlyMap<string, ObservedCatalog>) => CatalogAction[];

type ActionOutcome = 'applied' | 'unchanged' | 'refused' | 'failed';

/** What applying one action did. */
interface ActionResult {
  readonly action: CatalogAction;
  readonly outcome: ActionOutcome;
  /** Why it was refused or failed; what it did otherwise. */
  readonly message: string;
  /** Per region for revoke and unrevoke: what happened there. */
  readonly regions?: Readonly<Record<string, string>>;
}

/** A superseded AMI given a deprecation time. */
interface SupersededResult {
  readonly recipe: string;
  readonly region: string;
  readonly ami: string;
  readonly image: string;
  readonly supersededBy: string;
  readonly deprecateAt: string;
  readonly outcome: 'applied' | 'failed';
  readonly message?: string;
}

export type {
  ActionOutcome,
  ActionResult,
  AmiMap,
  CatalogAction,
  CatalogPlanner,
  CatalogState,
  ChannelEntry,
  ObservedCatalog,
  ObservedImage,
  RevokeAction,
  RevokedImage,
  SetChannelAction,
  SupersededResult,
  UnrevokeAction,
};
