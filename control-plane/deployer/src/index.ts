export { type ClientOptions, type Clients, call, createClients, endpointOf } from './aws.js';
export { baselineCheck, composeChecks, type TemplateCheck, type TemplateCheckInput, type TemplateFinding } from './checks.js';
export { type DeployDeps, type JobOutcome, runJob } from './deploy.js';
export { type DeployerConfig, MAX_CONCURRENCY_LIMIT, parseEnv } from './env.js';
export { AwsCallError, ConfigurationError, DeployerError, JobEventError, StateError, TemplateCheckError } from './errors.js';
export { createHandler, type HandlerOptions } from './handler.js';
export { type Continuation, decodeContinuation, encodeContinuation, type PipelineJob, parseJobEvent } from './job.js';
export {
  DEPLOYER_PERMISSIONS,
  deployerActions,
  type PermissionStatement,
  type PermissionValues,
  renderPermissions,
} from './permissions.js';
export { type DeploymentReport, formatReportMarkdown, reportKeys } from './report.js';
export { type DeploymentState, stateKey, type Task } from './state.js';
export { type Clock, type Log, realClock, silentLog } from './util.js';
