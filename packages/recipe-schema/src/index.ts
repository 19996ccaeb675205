export { CATALOG_FILE, type CatalogValidation, declaredChannels, promotionThreshold, validateCatalogOfRecipe } from './catalog.js';
export { hitToFinding, runRules, schemaHitsToFindings, sortFindings } from './engine.js';
export { DuplicateRuleError, InputNotFoundError, RecipeSchemaError, SchemaCompilationError } from './errors.js';
export * from './formatters/index.js';
export * from './generators/index.js';
export { lineText, type ParsedYaml, type ParseResult, parseYaml, positionAt, rangeOf } from './location.js';
export {
  decodeUtf8,
  describeReadProblem,
  isInside,
  MAX_INPUT_BYTES,
  type ReadOptions,
  type ReadOutcome,
  type ReadProblem,
  readInputBytes,
  readInputFile,
  readProblemFinding,
  readProblemRule,
} from './read-file.js';
export type * from './recipe-model.js';
export type {
  CatalogRule,
  CatalogRuleContext,
  ComponentRule,
  ComponentRuleContext,
  LoadedComponent,
  PromotionThreshold,
  RecipeRule,
  RecipeRuleContext,
  Rule,
} from './rule.js';
export { allRules, catalogRules, componentRules, ENGINE_RULES, recipeRules, registerRuleMeta } from './rules/index.js';
export {
  checkSchema,
  closest,
  describePath,
  pointerToPath,
  SCHEMA_RULES,
  type SchemaName,
  schemaComment,
  schemaFile,
} from './schema-validator.js';
export { applySuppressions } from './suppressions.js';
export type { Finding, FindingSource, JsonPath, Position, Range, RuleHit, RuleMeta, Severity } from './types.js';
export {
  type DocumentKind,
  detectKind,
  displayPath,
  type ValidateOptions,
  type ValidationResult,
  validateComponentFile,
  validateFile,
  validateRecipeFile,
  validateRecipeText,
} from './validate.js';
