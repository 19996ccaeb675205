/**
 * Size limits of a bundle. The template limit is CloudFormation's (a template given as
 * TemplateURL may be up to 1 MB; cfn-lint counts 1,000,000 bytes); the others bound the memory
 * and time the deployer spends on one bundle, with room for 1,000 recipes many times over.
 */
const LIMITS = {
  /** Recipes in one bundle. */
  maxRecipes: 2_000,
  /** Bytes of one template.yaml (CloudFormation, TemplateURL). */
  maxTemplateBytes: 1_000_000,
  /** Bytes of the top-level manifest.json. */
  maxManifestBytes: 8 * 1024 * 1024,
  /** Bytes of one recipes/<name>/manifest.json. */
  maxRecipeManifestBytes: 1_000_000,
  /** Bytes of every file together (uncompressed). */
  maxBundleBytes: 256 * 1024 * 1024,
  /** Files in the bundle (two or three per recipe, the manifest and a few extras). */
  maxFiles: 6_200,
  /** Bytes of one recipes/<name>/catalog.json. */
  maxCatalogBytes: 1_000_000,
  /** Resources, parameters and outputs of one template (CloudFormation's quotas). */
  maxResources: 500,
  maxParameters: 200,
  maxOutputs: 200,
  /** CloudFormation stack names: 128 characters. */
  maxStackNameLength: 128,
  /** Retired entries. */
  maxRetired: 10_000,
  /** Characters of a retired entry's reason. */
  maxReasonLength: 1_024,
} as const;

type Limits = { -readonly [K in keyof typeof LIMITS]: number };

export { LIMITS, type Limits };
