export { type BakeryTemplates, bakeryModel } from './bakery.js';
export {
  HANDLERS,
  type Handler,
  type HandlerRequest,
  handlerRequests,
  loadHandlers,
  loadRequestTable,
  OWN_HANDLERS,
  type RequestSpec,
  type ResourceHandlers,
  requestRow,
  SHARED_SCHEMAS,
  type SkippedPermission,
  valuesAt,
} from './handlers.js';
export { type Ami, type LifecycleAction, lifecycleActions } from './lifecycle.js';
export { type AccountModel, ARN, addStack, type DeployedStack, emptyModel, type RoleModel, TEST_ENV } from './model.js';
export { addOutsiders, addPublishRole, OUTSIDER_ACCOUNT, type PermissionStatement, type PublishTargets } from './principals.js';
export { type Json, resolve } from './resolve.js';
export { type DocInputs, type EvaluatedRow, renderSections, SECTIONS, type SectionName, withSections } from './security-doc.js';
export {
  type Decision,
  describeOutcome,
  type EvaluateOptions,
  evaluate,
  findRole,
  type Outcome,
  type Row,
  recipeEvidenceObject,
  rowValues,
} from './simulate.js';
export { asExpected, outcomesOf, recipeScoped, rowTargets } from './tables.js';
export {
  checkStack,
  checkStatement,
  fits,
  type PolicyStatementAt,
  statementsOf,
  type VocabularyFinding,
  type VocabularyKind,
} from './vocabulary.js';
