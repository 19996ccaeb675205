export type { AwsTimeouts, ClientConfig, ClientFactory, ClientFactoryOptions, Credentials } from './aws.js';
export {
  awsTimeoutsFrom,
  call as callAws,
  clientSettings,
  createClient,
  createClientFactory,
  DEFAULT_AWS_TIMEOUTS,
  defaultClientFactory,
  recordEndpoints,
  SESSION_NAME,
  sdkClientConfig,
  TIMEOUT_VARIABLES,
} from './aws.js';
export type { Bundle } from './bundle.js';
export { readBundle } from './bundle.js';
export type { DriftEntry, DriftKind } from './errors.js';
export {
  AccessDeniedError,
  AwsRequestError,
  AwsTimeoutError,
  BranchMissingError,
  BundleNotFoundError,
  CommitLimitExceededError,
  ConcurrentUpdateError,
  DriftDetectedError,
  FileTooLargeError,
  InvalidArchiveError,
  InvalidBundleError,
  InvalidManifestError,
  InvalidOptionsError,
  InvalidRecordError,
  PartialBundleError,
  PublishDeadlineError,
  PublishError,
  ZipFormatError,
} from './errors.js';
export { formatPlan } from './format.js';
export { gitBlobId } from './hash.js';
export type { PermissionStatement } from './permissions.js';
export { requiredPermissions } from './permissions.js';
export type { PublishDeps } from './publish.js';
export { DEFAULT_DEADLINE_MS, DEFAULT_MAX_RETRIES, publish } from './publish.js';
export type { PublishRecord, RecordedRecipe } from './record.js';
export { contentDigest, parseRecord, RECORD_PATH, serializeRecord } from './record.js';
export { METADATA_CONTENT, METADATA_SOURCE, METADATA_ZIP } from './s3.js';
export { DEFAULT_COMMIT_LIMITS } from './split.js';
export type {
  CodeCommitTarget,
  CommitLimits,
  PlannedFile,
  PublishOptions,
  PublishPlan,
  PublishResult,
  PublishTarget,
  RecipeChange,
  S3Target,
} from './types.js';
export { readZip, writeZip } from './zip.js';
