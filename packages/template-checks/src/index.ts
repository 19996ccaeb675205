import { registerRuleMeta } from '@ami-bakery/recipe-schema';
import { TEMPLATE_RULES } from './rules/index.js';

export { type CheckTemplateFileOptions, type CheckTemplateOptions, checkTemplate, checkTemplateFile } from './check.js';
export { SpecLoadError, TemplateChecksError } from './errors.js';
export { intrinsicName, PSEUDO_PARAMETERS } from './intrinsics.js';
export { firstLineRange, parseTemplateText, type TemplateParseResult, templateRangeOf } from './location.js';
export type { TemplateHit, TemplateRule, TemplateRuleContext } from './rule.js';
export {
  badEnumValue,
  danglingReference,
  literalPartition,
  missingRequiredProperty,
  TEMPLATE_RULES,
  templateRules,
  templateStructure,
  unknownProperty,
  unknownResourceType,
  wrongType,
} from './rules/index.js';
export { mapToSource, type ReadSource, readSourceFrom, type SourceLink } from './source-links.js';
export { getSpec, type LoadSpecOptions, loadSpec, type PropertySpec, type ResourceSpec, type Spec, type StructSpec, type TypeSpec } from './spec.js';

// Lets `bakery rules` and the docs generator list RB5001-RB5008 next to the recipe rules.
registerRuleMeta(...TEMPLATE_RULES);
