/**
 * What the catalog step works with. The desired catalog, the planner's view of AWS and the
 * actions are `@ami-bakery/bundle`'s (`CatalogState`, `ObservedCatalog`, `planCatalog`); the
 * deployer observes more than the planner needs (`CatalogSnapshot`: Image Builder's outputs, the
 * EC2 record of every AMI) because it checks each action against AWS before applying it.
 */
import type {
  CatalogAction,
  CatalogNote,
  CatalogPlan,
  CatalogState,
  ClearChannelAction,
  ObservedCatalog,
  RevokeAction,
  SetChannelAction,
  UnrevokeAction,
} from '@ami-bakery/bundle';
import type { AmiRecord, ImageRecord } from './images.js';

/** An image build as AWS knows it: Image Builder's record and the AMI in each region EC2 has. */
interface SnapshotImage extends ImageRecord {
  /** Region -> the EC2 AMI (absent: EC2 has no such AMI there, e.g. deregistered). */
  readonly ec2: Readonly<Record<string, AmiRecord>>;
}

/** One recipe's catalog in AWS, as the deployer observed it. */
interface CatalogSnapshot {
  readonly recipe: string;
  /** Regions observed. */
  readonly regions: readonly string[];
  /** Channel -> region -> AMI id the parameter holds now (candidate included). */
  readonly channels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Image build version -> what AWS says about it: every image the catalog names and every image among the recipe's AMIs. */
  readonly images: Readonly<Record<string, SnapshotImage>>;
  /** Region -> every AMI of the recipe there. */
  readonly amis: Readonly<Record<string, readonly AmiRecord[]>>;
}

/** The planner the step calls (`planCatalog` of `@ami-bakery/bundle` by default). */
type CatalogPlanner = (desired: ReadonlyMap<string, CatalogState>, observed: ReadonlyMap<string, ObservedCatalog>) => CatalogPlan;

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
  CatalogAction,
  CatalogNote,
  CatalogPlanner,
  CatalogSnapshot,
  CatalogState,
  ClearChannelAction,
  ObservedCatalog,
  RevokeAction,
  SetChannelAction,
  SnapshotImage,
  SupersededResult,
  UnrevokeAction,
};
