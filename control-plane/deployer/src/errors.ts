/**
 * Errors of the deployer. None of them escapes the handler: each ends up as the pipeline action's
 * failure message and in the deployment report, so each says what went wrong and what to do.
 */
class DeployerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeployerError';
  }
}

/** The Lambda's environment is missing or malformed (the bakery stack sets it). */
class ConfigurationError extends DeployerError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`The deployer is misconfigured: ${problems.join('; ')}. Update the bakery stack (the bootstrap Lambda sets these variables).`);
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}

/** The event is not a CodePipeline job this deployer can run. */
class JobEventError extends DeployerError {
  constructor(message: string) {
    super(message);
    this.name = 'JobEventError';
  }
}

type AwsFaultKind = 'access-denied' | 'throttled' | 'timeout' | 'network' | 'not-found' | 'service';

/** An AWS API call failed after the SDK's retries; the message names the operation and the endpoint. */
class AwsCallError extends DeployerError {
  readonly operation: string;
  readonly endpoint: string;
  readonly errorName: string;
  readonly kind: AwsFaultKind;
  readonly attempts: number;
  constructor(
    operation: string,
    endpoint: string,
    kind: AwsFaultKind,
    errorName: string,
    detail: string,
    attempts: number,
    options?: ErrorOptions,
  ) {
    super(
      `${operation} on ${endpoint} failed with ${errorName} after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${detail}${HINTS[kind]}`,
      options,
    );
    this.name = 'AwsCallError';
    this.operation = operation;
    this.endpoint = endpoint;
    this.errorName = errorName;
    this.kind = kind;
    this.attempts = attempts;
  }
}

const HINTS: Record<AwsFaultKind, string> = {
  'access-denied':
    '. The deployer role lacks this permission (control-plane/deployer/src/permissions.ts lists what it needs), or an SCP denies it.',
  throttled: '. AWS kept throttling after the retries; lower MAX_CONCURRENCY or retry the action.',
  timeout: '. The call timed out; retry the action.',
  network: '. The endpoint could not be reached; retry the action.',
  'not-found': '',
  service: '',
};

/** The state a continuation refers to is missing or unreadable. */
class StateError extends DeployerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateError';
  }
}

/** A template check could not run (not a finding: the check itself failed). Nothing is deployed. */
class TemplateCheckError extends DeployerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateCheckError';
  }
}

export { AwsCallError, type AwsFaultKind, ConfigurationError, DeployerError, JobEventError, StateError, TemplateCheckError };
