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
} as const;

/** Folder in the source artifact holding the self-update template written by `bakery bundle`. */
const SELF_UPDATE_TEMPLATE_PATH = 'bakery/bakery-stack.template.json';
/** Name of the pipeline's source output artifact; every TemplatePath starts with it. */
const SOURCE_ARTIFACT = 'SourceArtifact';
/** Prefix recipe instances write their Image Builder logs under. */
const BUILD_LOG_PREFIX = 'image-builder-logs/';
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
/** Managed policy every role a recipe stack creates must carry as permissions boundary. */
function permissionsBoundaryName(namePrefix: string, stackIdPart: string): string {
  return `${namePrefix}-recipe-boundary-${stackIdPart}`;
}
function artifactKeyAlias(namePrefix: string): string {
  return `alias/${namePrefix}-artifacts`;
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
  artifactKeyAlias,
  BAKERY_DEFAULTS,
  BUILD_LOG_PREFIX,
  bakeryStackRoleName,
  codeCommitRuleName,
  NAME_PREFIX_TAG,
  permissionsBoundaryName,
  pipelineEventsRoleName,
  pipelineName,
  pipelineRoleName,
  recipeDeployRoleName,
  SELF_UPDATE_TEMPLATE_PATH,
  SOURCE_ARTIFACT,
  SSM_PARAMETER_PATH,
  s3SourceRuleName,
};
