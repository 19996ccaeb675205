import { registerRuleMeta } from '@ami-bakery/recipe-schema';
import { CFN_LINT_RULES } from './rules.js';

export { CfnLintError, CfnLintOptionsError } from './errors.js';
export { mapCfnLintOutput, type MapOptions } from './map.js';
export { CFN_LINT_RULES } from './rules.js';
export {
  type CfnLintOptions,
  type CfnLintResult,
  type CfnLintRunner,
  DEFAULT_TIMEOUT_MS,
  execaRunner,
  isLintOutcome,
  type RunnerResult,
  runCfnLint,
  stopCfnLint,
} from './run.js';

// Lets `bakery rules` and the docs generator list RB5090-RB5093 with the other rules.
registerRuleMeta(...Object.values(CFN_LINT_RULES));
