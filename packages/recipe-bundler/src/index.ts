export { type BumpOptions, type BumpResult, bumpRecipe, type VersionChange } from './bump.js';
export {
  type BundleOptions,
  type BundleResult,
  bundleRecipe,
  type CfnTemplate,
  contentHash,
  DEFAULT_STACK_PREFIX,
  type ManifestComponent,
  type ManifestInput,
  type RecipeManifest,
} from './bundle.js';
export { canonicalJson, sha256Hex, stableJson } from './canonical.js';
export { canonicalYaml } from './canonical-yaml.js';
export { CATALOG_BUNDLE_RULE, CATALOG_FILE, CATALOG_JSON, type RecipeCatalog, recipeCatalog, withoutCatalogSettings } from './catalog.js';
export { type ComponentComparison, compareWithBase, type RecipeComparison, type VersionMove } from './compare.js';
export { BumpError, BundleWriteError, ConcurrentEditError, InvalidArgumentError, RecipeBundlerError } from './errors.js';
export { recoverFolder, removeFolder, replaceFolder, temporaryFolders, writeAtomic } from './fs-util.js';
export { type BaseRef, type BaseResolution, type GitResult, type GitRunner, readSourceCommit, resolveBase, runGit } from './git.js';
export { MAX_BUNDLE_FILE_BYTES, readRecipeFolders, type SkippedFolder } from './read-bundle.js';
export { RETIRED_FILE, RETIRED_RULES, type RetiredList, readRetired } from './retired.js';
export { type BumpLevel, bumpSemVer, compareSemVer, formatSemVer, parseSemVer, type SemVer } from './semver.js';
export { linkFor, type SourceLink } from './sourced.js';
export { DEFAULTS, RECIPE_TAG, RETAIN_TAG } from './template/build.js';
export { PARAMETER_DEFINITIONS, type ParameterName } from './template/parameters.js';
export { type CheckVersionsOptions, checkVersions, VERSION_RULES } from './version-gate.js';
export {
  buildBundleManifest,
  type ManifestOptions,
  manifestEntry,
  type WriteBundleOptions,
  type WriteBundleResult,
  writeBundle,
  writeRecipeFolders,
} from './write.js';
