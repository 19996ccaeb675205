/**
 * Names of the image catalog in AWS: channel parameters, AMI tags, the RAM share, the events.
 * The deployer and the image-events function both use them, so each lives in one place.
 */

/** First segment of every channel parameter (`/ami-bakery/<recipe>/<channel>`), whatever the NamePrefix. */
const CHANNEL_ROOT = 'ami-bakery';
/** Written by the image-events function on every successful build; never in catalog.yaml. */
const CANDIDATE_CHANNEL = 'candidate';
/** The recipe's distribution writes `/ami-bakery/<recipe>/latest` itself; no channel may take the name. */
const DISTRIBUTION_PARAMETER = 'latest';

const RECIPE_NAME = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = /^[a-z]{2,4}(?:-[a-z]+){1,3}-[0-9]{1,2}$/;
/** `1.2.0/3`: recipe version / build number, as Image Builder numbers image builds. */
const IMAGE_BUILD_VERSION = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\/([1-9][0-9]{0,8})$/;

/** Tags the catalog reads and writes on AMIs and parameters. */
const CATALOG_TAGS = {
  /** On every AMI of a recipe (the distribution sets it); the IAM grants key on it. */
  recipe: 'ami-bakery:recipe',
  /** Image Builder tags every AMI it distributes with the image build version ARN. */
  imageBuilderArn: 'Ec2ImageBuilderArn',
  /** A revoked AMI: the reason from catalog.yaml. */
  revokedReason: 'ami-bakery:revoked-reason',
  /** A revoked AMI: when the deployer revoked it (UTC). */
  revokedAt: 'ami-bakery:revoked-at',
  /** A revoked AMI: its deprecation time before the revocation (`none` when it had none), restored by unrevoke. */
  deprecationBeforeRevocation: 'ami-bakery:deprecation-before-revocation',
  /** A superseded AMI: the image build version that superseded it. */
  supersededBy: 'ami-bakery:superseded-by',
  /** On channel parameters. */
  channel: 'ami-bakery:channel',
  managedBy: 'ami-bakery:managed-by',
} as const;

/** Value of `ami-bakery:managed-by` on what the catalog creates (parameters, the RAM share). */
const CATALOG_MANAGED_BY = 'ami-bakery-deployer';
/** Tag keys the deployer may set or remove on AMIs: the IAM grants allow exactly these. */
const REVOCATION_TAG_KEYS = [CATALOG_TAGS.revokedReason, CATALOG_TAGS.revokedAt, CATALOG_TAGS.deprecationBeforeRevocation] as const;
const AMI_TAG_KEYS = [...REVOCATION_TAG_KEYS, CATALOG_TAGS.supersededBy] as const;

/** EventBridge: source and detail types of the catalog's events. */
const EVENT_SOURCE = 'ami-bakery';
const DETAIL_TYPES = {
  available: 'Image Available',
  buildFailed: 'Image Build Failed',
  promoted: 'Image Promoted',
  revoked: 'Image Revoked',
  unrevoked: 'Image Unrevoked',
} as const;
type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** The RAM resource share of the channel parameters, one per region, shared with the organization. */
function channelShareName(namePrefix: string): string {
  return `${namePrefix}-channels`;
}

function channelParameterName(recipe: string, channel: string): string {
  return `/${CHANNEL_ROOT}/${recipe}/${channel}`;
}

function channelParameterArn(partition: string, region: string, account: string, recipe: string, channel: string): string {
  return `arn:${partition}:ssm:${region}:${account}:parameter${channelParameterName(recipe, channel)}`;
}

/** `/ami-bakery/<recipe>`: the path GetParametersByPath lists a recipe's channels under. */
function recipeParameterPath(recipe: string): string {
  return `/${CHANNEL_ROOT}/${recipe}`;
}

/** The organization as RAM names a principal: `arn:<p>:organizations::<management account>:organization/<o-...>`. */
function organizationArn(partition: string, managementAccountId: string, organizationId: string): string {
  return `arn:${partition}:organizations::${managementAccountId}:organization/${organizationId}`;
}

/** The Image Builder image of a recipe build: `arn:<p>:imagebuilder:<region>:<account>:image/<stack name>/<version>/<build>`. */
function imageArn(partition: string, region: string, account: string, stackName: string, image: string): string {
  return `arn:${partition}:imagebuilder:${region}:${account}:image/${stackName.toLowerCase()}/${image}`;
}

interface ParsedImageArn {
  partition: string;
  region: string;
  account: string;
  /** The image's name: the recipe stack name, lower case. */
  name: string;
  /** `1.2.0/3`. */
  image: string;
}

const IMAGE_ARN = /^arn:(aws[a-z-]*):imagebuilder:([a-z0-9-]+):([0-9]{12}):image\/([a-z0-9-_.]+)\/(\d+\.\d+\.\d+\/\d+)$/;

function parseImageArn(arn: string): ParsedImageArn | undefined {
  const match = IMAGE_ARN.exec(arn);
  if (!match || !IMAGE_BUILD_VERSION.test(match[5] as string)) return undefined;
  const [, partition, region, account, name, image] = match as unknown as [string, string, string, string, string, string];
  return { partition, region, account, name, image };
}

/** `1.2.0` of `1.2.0/3`. */
function recipeVersionOf(image: string): string {
  return image.split('/')[0] ?? image;
}

/** Orders image build versions: recipe version numerically, then the build number. */
function compareImageVersions(a: string, b: string): number {
  const pa = IMAGE_BUILD_VERSION.exec(a)?.slice(1, 5).map(Number);
  const pb = IMAGE_BUILD_VERSION.exec(b)?.slice(1, 5).map(Number);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 4; i += 1) {
    const d = (pa[i] as number) - (pb[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const isRecipeName = (value: unknown): value is string => typeof value === 'string' && RECIPE_NAME.test(value);
const isChannelName = (value: unknown): value is string => typeof value === 'string' && CHANNEL_NAME.test(value);
const isAmiId = (value: unknown): value is string => typeof value === 'string' && AMI_ID.test(value);
const isRegion = (value: unknown): value is string => typeof value === 'string' && REGION.test(value);
const isImageBuildVersion = (value: unknown): value is string => typeof value === 'string' && IMAGE_BUILD_VERSION.test(value);

export {
  AMI_TAG_KEYS,
  CANDIDATE_CHANNEL,
  CATALOG_MANAGED_BY,
  CATALOG_TAGS,
  CHANNEL_ROOT,
  channelParameterArn,
  channelParameterName,
  channelShareName,
  compareImageVersions,
  DETAIL_TYPES,
  type DetailType,
  DISTRIBUTION_PARAMETER,
  EVENT_SOURCE,
  imageArn,
  isAmiId,
  isChannelName,
  isImageBuildVersion,
  isRecipeName,
  isRegion,
  organizationArn,
  type ParsedImageArn,
  parseImageArn,
  REVOCATION_TAG_KEYS,
  recipeParameterPath,
  recipeVersionOf,
};
