export {
  checkTemplate,
  createGuardEngine,
  type GuardBackend,
  type GuardEngine,
  type GuardEngineOptions,
  shippedGuardBinary,
  type TemplateInput,
  type Violation,
  wasmModuleDir,
} from './engine.js';
export { GuardEngineFailedError, GuardEngineUnavailableError, InvariantsError } from './errors.js';
export {
  INVARIANTS,
  type Invariant,
  invariantOfRule,
  RECIPE_RULES_BACKED_BY_INVARIANTS,
  RULES_DIR,
  ruleFiles,
  ruleSetText,
} from './invariants.js';
