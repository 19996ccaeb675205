export {
  type BundledRecipe,
  buildManifestV2,
  buildOnVersionChangeOf,
  bundleFiles,
  manifestEntryOf,
  parseRetiredFile,
  recipeSettings,
  stableJson,
} from './build.js';
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
} from './catalog.js';
export { catalogBlocks, catalogMarkdownLines, catalogStylishLines, catalogSummaryLine } from './catalog-format.js';
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
} from './catalog-plan.js';
export { type ChangeSetChange, changeSetResourceChanges } from './change-set.js';
export {
  type DiffOptions,
  diffTemplates,
  type PropertyChange,
  type ResourceAction,
  type ResourceChange,
  referencedResources,
  type SchemaLookup,
} from './diff.js';
export { BundleError, InvalidArgumentError } from './errors.js';
export {
  type DocumentInput,
  formatPlan,
  formatPlanJson,
  formatPlanMarkdown,
  formatPlanStylish,
  PLAN_FORMATS,
  type PlanDocument,
  type PlanDocumentRecipe,
  type PlanFormat,
  planDocument,
  type RecipeOutcome,
  summaryLine,
} from './format/index.js';
export { canonicalJson, compareCodeUnits, deployHash, sha256Hex, sortKeys, templateHash } from './hash.js';
export { LIMITS, type Limits } from './limits.js';
export {
  type BundleManifestV2,
  type BundleRecipeEntry,
  checkRecipeManifest,
  FORMAT_VERSION,
  parseManifest,
  RECIPE_PARAMETERS,
  type RecipeManifestV2,
  type RecipeParameter,
  type RetiredRecipe,
} from './manifest.js';
export { isRecipeName, MANIFEST_PATH, recipeManifestPath, templatePath, unsafePathReason } from './names.js';
export {
  DEFAULT_MAX_UNRETIRED_DELETE_SHARE,
  type DeployedStack,
  deployedStateOf,
  type PlanOptions,
  type PlanReason,
  type PlanRefusal,
  planRecipes,
  type RecipeAction,
  type RecipePlan,
  type RecipePlanItem,
} from './plan.js';
export { type BundleProblem, formatProblems, PROBLEMS, type ProblemId, sortProblems } from './problems.js';
export {
  CHANGE_SET_RESOURCE_TYPES,
  type Handler,
  handlerPermissions,
  RECIPE_RESOURCE_TYPES,
  RESOURCE_SCHEMAS,
  type ResourceSchema,
  type ResourceSchemas,
  resourceSchema,
} from './schemas.js';
export { MANAGED_BY, recipeStackTags, type StackTag, TAGS, tagMap } from './tags.js';
export {
  isSourceArtifactExtra,
  type LoadedBundle,
  type LoadedRecipe,
  type LoadResult,
  loadBundle,
  SOURCE_ARTIFACT_EXTRAS,
  type Template,
  type VerifyOptions,
  verifyBundle,
} from './verify.js';
export { parseTemplateText } from './yaml.js';
export { crc32, type UnzipResult, unzipBundle } from './zip.js';
