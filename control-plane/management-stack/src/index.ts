export { LambdaCodeMissingError, ManagementStackError } from './errors.js';
export { DEFAULT_LAMBDA_CODE_DIR, LAMBDA_ENTRY_FILE, LAMBDA_HANDLER, resolveLambdaCodeDir } from './lambda-code.js';
export {
  type LambdaCodeSource,
  LOG_RETENTION_DAYS,
  ManagementStack,
  type ManagementStackProps,
  SOLUTION_VERSION,
} from './management-stack.js';
