/**
 * Names shared by the bakery stack, the StackSet that prepares the bakery account, the bootstrap
 * Lambda and the publisher. Everything that grants access by name (IAM resources, the
 * configuration role) relies on these, so they live in one place and import nothing from the CDK:
 * the Lambda bundles this file without pulling aws-cdk-lib in.
 *
 * Every function takes plain strings or CDK tokens alike (template literals of tokens become
 * Fn::Join), so the same rule applies at synth time and at run time.
 */

/** Defaults of the bakery stack parameters (docs/contracts.md). */
const BAKERY_DEFAULTS = {
  NamePrefix: 'ami-bakery',
  RepositoryName: 'ami-bakery-recipes',
  BranchName: 'main',
  SourceType: 'CodeCommit',
  SourceObjectKey: 'source/bundle.zip',
  RecipeStackPrefix: 'ami-bakery-recipe-',
  Prune: 'true',
  DeployConcurrency: '4',
  EvidenceLockMode: 'NONE',
  EvidenceLockDays: '365',
} as const;

/** Name of the pipeline's source output artifact, the Deploy action's input. */
const SOURCE_ARTIFACT = 'SourceArtifact';
/** Prefix recipe instances write their Image Builder logs under (`image-builder-logs/<recipe>/`). */
const BUILD_LOG_PREFIX = 'image-builder-logs/';
/** Prefix of the compliance evidence in the evidence bucket (`evidence/<recipe>/<version>/<build>/`). */
const EVIDENCE_PREFIX = 'evidence/';
/** Artifact-bucket prefixes the deployer writes: change-set templates and deployment reports. */
const DEPLOYMENTS_PREFIX = 'deployments/';
const REPORTS_PREFIX = 'reports/';
/** Artifact-bucket prefix of each recipe's catalog settings (deployer writes, image-events function reads). */
const CATALOG_SETTINGS_PREFIX = 'catalog/';
/** Control-bucket prefixes the bootstrap Lambda writes (content-hash keys, never overwritten). */
const DEPLOYER_CODE_PREFIX = 'deployer/';
const IMAGE_EVENTS_CODE_PREFIX = 'image-events/';
const GUARD_RULES_PREFIX = 'guard-rules/';
/**
 * CloudFormation export names of the access StackSet, imported by the bakery stack: the key that
 * encrypts every bakery bucket outlives the bakery stack, so it lives with the configuration role.
 */
function artifactKeyExportName(namePrefix: string): string {
  return `${namePrefix}-artifact-key-arn`;
}
/** SSM parameter path recipe stacks may write (latest AMI ids). */
const SSM_PARAMETER_PATH = 'ami-bakery';
/** Tag every bakery-stack key carries; the deploy role may only manage keys with it. */
const NAME_PREFIX_TAG = 'ami-bakery:name-prefix';

/**
 * CloudFormation service role that creates and updates the bakery stack. It comes with the
 * configuration role (StackSet), because it must exist before the stack's first deployment.
 */
function bakeryStackRoleName(namePrefix: string): string {
  return `${namePrefix}-bakery-stack-deploy`;
}
/** CloudFormation service role of every recipe stack. */
function recipeDeployRoleName(namePrefix: string): string {
  return `${namePrefix}-recipe-deploy`;
}
/** Execution role of the deployer Lambda, the pipeline's Deploy action. */
function deployerRoleName(namePrefix: string): string {
  return `${namePrefix}-deployer`;
}
function deployerFunctionName(namePrefix: string): string {
  return `${namePrefix}-deployer`;
}
/** The function that reacts to Image Builder's image state changes (candidate channel, superseded images, events). */
function imageEventsFunctionName(namePrefix: string): string {
  return `${namePrefix}-image-events`;
}
function imageEventsRoleName(namePrefix: string): string {
  return `${namePrefix}-image-events`;
}
/** EventBridge rules: Image Builder state changes to the function; the catalog events to the notification topic. */
function imageEventsRuleName(namePrefix: string): string {
  return `${namePrefix}-image-state`;
}
function catalogNotificationRuleName(namePrefix: string): string {
  return `${namePrefix}-catalog-notify`;
}
/** The optional SNS topic of the catalog events (e-mail subscription). */
function catalogTopicName(namePrefix: string): string {
  return `${namePrefix}-catalog`;
}
/** Role the CloudFormation Guard hook assumes to read its rules. */
function guardHookRoleName(namePrefix: string): string {
  return `${namePrefix}-guard-hook`;
}
/**
 * The Guard hook's type alias: `Name1::Name2::Name3`, letters and digits only, unique per account
 * and region; the last part is the first group of the bakery stack id (hexadecimal).
 */
function guardHookAlias(stackIdPart: string): string {
  return `AmiBakery::RecipeInvariants::S${stackIdPart}`;
}
function pipelineRoleName(namePrefix: string): string {
  return `${namePrefix}-pipeline`;
}
function pipelineEventsRoleName(namePrefix: string): string {
  return `${namePrefix}-pipeline-events`;
}
function pipelineName(namePrefix: string): string {
  return `${namePrefix}-pipeline`;
}
function artifactBucketName(namePrefix: string, account: string, region: string): string {
  return `${namePrefix}-artifacts-${account}-${region}`;
}
/**
 * Names of what outlives a stack deletion end in the first group of the stack id, so a stack
 * created again after a teardown does not collide with what the previous one left behind.
 */
function accessLogBucketName(namePrefix: string, account: string, stackIdPart: string): string {
  return `${namePrefix}-logs-${account}-${stackIdPart}`;
}
/** Evidence bucket: retained on teardown, so its name ends in the stack id like the log bucket. */
function evidenceBucketName(namePrefix: string, account: string, stackIdPart: string): string {
  return `${namePrefix}-evidence-${account}-${stackIdPart}`;
}
/** Control bucket (access StackSet): deployer code and guard rules, written by the configuration role only. */
function controlBucketName(namePrefix: string, account: string, region: string): string {
  return `${namePrefix}-control-${account}-${region}`;
}
/** Permissions boundary of build-instance roles (and their instance profiles) of recipe stacks. */
function buildBoundaryName(namePrefix: string, stackIdPart: string): string {
  return `${namePrefix}-build-boundary-${stackIdPart}`;
}
/** Permissions boundary of Image Builder lifecycle execution roles of recipe stacks. */
function lifecycleBoundaryName(namePrefix: string, stackIdPart: string): string {
  return `${namePrefix}-lifecycle-boundary-${stackIdPart}`;
}
/** Before the split into build and lifecycle boundaries; retained, never created again. */
function legacyPermissionsBoundaryName(namePrefix: string, stackIdPart: string): string {
  return `${namePrefix}-recipe-boundary-${stackIdPart}`;
}
/** Alias of the bakery key (access StackSet); the old bakery stack's own key kept `-artifacts`. */
function bakeryKeyAlias(namePrefix: string): string {
  return `alias/${namePrefix}-bakery`;
}
function codeCommitRuleName(namePrefix: string): string {
  return `${namePrefix}-source-codecommit`;
}
function s3SourceRuleName(namePrefix: string): string {
  return `${namePrefix}-source-s3`;
}

export {
  accessLogBucketName,
  artifactBucketName,
  artifactKeyExportName,
  BAKERY_DEFAULTS,
  BUILD_LOG_PREFIX,
  bakeryKeyAlias,
  bakeryStackRoleName,
  buildBoundaryName,
  CATALOG_SETTINGS_PREFIX,
  catalogNotificationRuleName,
  catalogTopicName,
  codeCommitRuleName,
  controlBucketName,
  DEPLOYER_CODE_PREFIX,
  DEPLOYMENTS_PREFIX,
  deployerFunctionName,
  deployerRoleName,
  EVIDENCE_PREFIX,
  evidenceBucketName,
  GUARD_RULES_PREFIX,
  guardHookAlias,
  guardHookRoleName,
  IMAGE_EVENTS_CODE_PREFIX,
  imageEventsFunctionName,
  imageEventsRoleName,
  imageEventsRuleName,
  legacyPermissionsBoundaryName,
  lifecycleBoundaryName,
  NAME_PREFIX_TAG,
  pipelineEventsRoleName,
  pipelineName,
  pipelineRoleName,
  REPORTS_PREFIX,
  recipeDeployRoleName,
  SOURCE_ARTIFACT,
  SSM_PARAMETER_PATH,
  s3SourceRuleName,
};
