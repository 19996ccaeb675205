/**
 * The shape of a schema-valid `recipe.yaml`. `schemas/recipe.schema.json` is the authority for
 * validation; this type mirrors it for code that runs after validation (rules, the bundler).
 * Defaults named in comments are applied by the bundler, not here.
 */
export type Platform = 'linux' | 'windows';
export type Architecture = 'x86_64' | 'arm64';

/** Exactly one key. Resolved by Image Builder at build time, never at deploy time. */
export interface ParentImage {
  /** Public or private SSM parameter holding an AMI id, e.g. `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`. */
  ssmParameter?: string;
  /** Image Builder managed image `name/version`, e.g. `amazon-linux-2023-x86/x.x.x`; the ARN is built with the stack's partition and region. */
  managedImage?: string;
  /** A fixed AMI id (`ami-` + 8 or 17 hex digits); pins the build to one region. */
  amiId?: string;
}

/** Generators that turn a data table in the recipe folder into AWSTOE documents at validate and bundle time. */
export type GeneratorKind = 'windows-controls' | 'scap-evidence' | 'usg-tailoring';

/**
 * One component in a recipe: exactly one of AWS-managed (`managed`), a local AWSTOE document
 * (`file`) or a document generated from a data table (`generate` + `table`).
 */
export interface ComponentRef {
  /** Name of an AWS-managed component, e.g. `stig-build-linux`, `update-linux`, `reboot-test-linux`. */
  managed?: string;
  /** Path of a local AWSTOE document, relative to the recipe folder, e.g. `components/cleanup.yaml`. */
  file?: string;
  /** Generator that writes the AWSTOE document(s) from `table`; the documents are never committed. */
  generate?: GeneratorKind;
  /** Path of the generator's data table, relative to the recipe folder, e.g. `controls/cis-level1.yaml`. */
  table?: string;
  /**
   * Managed: a version or a wildcard such as `x.x.x` / `1.x.x` (default `x.x.x`).
   * Local and generated: the component's own semantic version `MAJOR.MINOR.PATCH` (required); bump it when the document or table changes.
   */
  version?: string;
  /**
   * Values for the component's parameters: each value is a string or a list of strings. Two
   * placeholders are replaced when the template is built: `{{ bakery:artifactBucket }}` (the
   * bakery's artifact bucket) and `{{ bakery:evidencePrefix }}` (`evidence/<recipe name>`, the
   * only prefix there the build instance may write to).
   */
  parameters?: Record<string, string | string[]>;
}

export interface RootVolume {
  /** Default `/dev/xvda` on Linux, `/dev/sda1` on Windows. */
  deviceName?: string;
  sizeGiB: number;
  /** Default `gp3`. */
  volumeType?: 'gp2' | 'gp3' | 'io1' | 'io2';
  iops?: number;
  throughput?: number;
  /** Default true; `false` is reported by RB3004. */
  encrypted?: boolean;
  /** KMS key id, alias (`alias/...`) or ARN; default the account's EBS key. */
  kmsKeyId?: string;
}

export interface InstanceMetadata {
  /** Default `required` (IMDSv2 only); `optional` is reported by RB3003. */
  httpTokens?: 'required' | 'optional';
  /** Default 2. */
  httpPutResponseHopLimit?: number;
}

export interface BuildSettings {
  /** Instance types tried in order; must match the recipe's architecture. */
  instanceTypes: string[];
  rootVolume?: RootVolume;
  /** Where AWSTOE runs; default `/var/tmp/imagebuilder` on Linux (not `/tmp`, which STIG may mount noexec). */
  workingDirectory?: string;
  subnetId?: string;
  securityGroupIds?: string[];
  instanceMetadata?: InstanceMetadata;
  /** Default true; `false` (keep failed instances for debugging) is reported by RB3005. */
  terminateOnFailure?: boolean;
  /** Build logs; default: the bakery's artifact bucket under `image-builder-logs/<recipe>/`. */
  logging?: { s3Bucket?: string; s3KeyPrefix?: string };
  /** SNS topic for build notifications (name in the bakery account, or ARN). */
  snsTopic?: string;
}

export interface LaunchPermissions {
  /** Share with the whole Organization the bakery belongs to. */
  organization?: boolean;
  /** OU ids (`ou-xxxx-xxxxxxxx`). */
  organizationalUnits?: string[];
  /** 12-digit account ids. */
  accounts?: string[];
  /** Only `all` exists, which makes the AMI public: reported by RB3006. */
  userGroups?: string[];
}

export interface Distribution {
  /** Default: the bakery region only. */
  regions?: string[];
  /** Default `<recipe name>-{{ imagebuilder:buildDate }}`; must contain `{{ imagebuilder:buildDate }}` to stay unique. */
  amiName?: string;
  amiDescription?: string;
  amiTags?: Record<string, string>;
  /** KMS key for the distributed AMI's snapshots. */
  kmsKeyId?: string;
  launchPermissions?: LaunchPermissions;
  /** Accounts that receive a copy of the AMI (needs the cross-account distribution role in each). */
  targetAccounts?: string[];
  /** SSM parameter written with the latest AMI id; default `/ami-bakery/<recipe name>/latest`. */
  ssmParameter?: string;
}

export interface Schedule {
  /** Image Builder cron in UTC, e.g. `cron(0 4 ? * sun *)` (CloudFormation's schedule has no time zone). */
  expression: string;
  /** Default `EXPRESSION_MATCH_ONLY` so patch builds run even when only OS packages changed. */
  startCondition?: 'EXPRESSION_MATCH_ONLY' | 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE';
  /** Start a build when a merge deploys a new version of the recipe; default true (the bundle manifest's `buildOnVersionChange`). */
  buildOnVersionChange?: boolean;
}

export interface Testing {
  /** Default true. */
  enabled?: boolean;
  /** Default 90. */
  timeoutMinutes?: number;
}

export interface Scanning {
  /** Amazon Inspector scanning of the output image; default true. */
  inspector?: boolean;
}

export interface Lifecycle {
  /** Keep at least this many images; default 5. */
  keepLatest?: number;
  /** Delete images older than this many days (beyond `keepLatest`); default 90. */
  deleteAfterDays?: number;
  /** Delete the AMIs' snapshots with them; default true. */
  deleteSnapshots?: boolean;
  /** EC2 deprecation time this many days after a newer image superseded an image; default none. */
  deprecateSupersededAfterDays?: number;
}

/** The recipe's image catalog settings; where channels point is in catalog.yaml. */
export interface CatalogSettings {
  /** Channels besides stable (candidate is reserved). */
  channels?: string[];
  /** Lowest evidence score an image needs to be promoted; default the scan's threshold. */
  minimumScore?: number;
}

/** Silences one rule for this recipe (and its components); the reason is mandatory. */
export interface Suppression {
  id: string;
  reason: string;
  /** Narrow the suppression to findings at or under this dotted path, e.g. `build.rootVolume`. */
  path?: string;
}

export interface Recipe {
  /** Lower-case letters, digits and hyphens; names every resource of the recipe. */
  name: string;
  /** Semantic version `MAJOR.MINOR.PATCH` of the image recipe. */
  version: string;
  description?: string;
  platform: Platform;
  architecture: Architecture;
  parentImage: ParentImage;
  components: ComponentRef[];
  tests?: ComponentRef[];
  build: BuildSettings;
  distribution?: Distribution;
  schedule?: Schedule;
  testing?: Testing;
  scanning?: Scanning;
  lifecycle?: Lifecycle;
  catalog?: CatalogSettings;
  tags?: Record<string, string>;
  suppressions?: Suppression[];
}
