export { BakeryAccessStack, type BakeryAccessStackProps } from './access-stack.js';
export { BakeryStack, type BakeryStackProps, PARAMETER_NAMES } from './bakery-stack.js';
export { BakeryStackError, InvalidManifestError, ManifestFileError, SynthesisError } from './errors.js';
export {
  type BundleManifest,
  type BundleManifestRecipe,
  type DeployableRecipe,
  deployableRecipes,
  MAX_ACTIONS_PER_STAGE,
  RECIPE_PARAMETERS,
  type RecipeParameter,
} from './manifest.js';
export { loadManifest } from './manifest-file.js';
export { acknowledge } from './nag.js';
export * from './names.js';
export { type SynthBakeryOptions, synthAccessTemplate, synthBakeryTemplate } from './synth.js';
