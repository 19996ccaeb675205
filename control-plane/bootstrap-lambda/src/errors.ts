/**
 * Errors raised while bootstrapping the bakery account. Every one of them ends up as the Reason of
 * a FAILED response, so each message says what went wrong and what to change.
 */
class BootstrapError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BootstrapError';
  }
}

/**
 * A problem found before any AWS call: on Create the response carries the failure marker as
 * PhysicalResourceId, so the rollback Delete knows nothing was made.
 */
class PreflightError extends BootstrapError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PreflightError';
  }
}

/** One or more custom-resource properties are missing or malformed. */
class InvalidPropertiesError extends PreflightError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid custom-resource properties: ${problems.join('; ')}`);
    this.name = 'InvalidPropertiesError';
    this.problems = problems;
  }
}

/** The Lambda package itself is incomplete or unusable (template, seed bundle). */
class PackageError extends PreflightError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PackageError';
  }
}

/** The event cannot be handled (unsupported RequestType and the like). */
class UnsupportedEventError extends PreflightError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedEventError';
  }
}

type AwsFaultKind = 'access-denied' | 'throttled' | 'timeout' | 'network' | 'service';

/** An AWS API call failed; `action` is the IAM action name, `errorName` the SDK error name. */
class AwsCallError extends BootstrapError {
  readonly action: string;
  readonly errorName: string;
  readonly kind: AwsFaultKind;
  constructor(action: string, where: string, kind: AwsFaultKind, errorName: string, detail: string, options?: ErrorOptions) {
    super(`${action} in ${where} failed with ${errorName}: ${detail}${HINTS[kind]}`, options);
    this.name = 'AwsCallError';
    this.action = action;
    this.errorName = errorName;
    this.kind = kind;
  }
}

const HINTS: Record<AwsFaultKind, string> = {
  'access-denied': '. Grant this action to the role named in the message (or lift the SCP that denies it).',
  throttled: '. AWS kept throttling after the SDK retries; run the stack operation again.',
  timeout: '. The call timed out; check that the region is enabled and reachable, then retry.',
  network: '. The endpoint could not be reached; check that the region is enabled and reachable, then retry.',
  service: '',
};

/** The bakery stack ended in a failed state. */
class StackOperationError extends BootstrapError {
  readonly stackStatus: string;
  constructor(message: string, stackStatus: string) {
    super(message);
    this.name = 'StackOperationError';
    this.stackStatus = stackStatus;
  }
}

/** The bakery stack was still in progress when this invocation had to answer. */
class StackStillInProgressError extends BootstrapError {
  readonly stackStatus: string;
  constructor(stackName: string, stackStatus: string) {
    super(
      `Bakery stack ${stackName} is still ${stackStatus} and this invocation ran out of time. ` +
        'Retry the stack operation (a retry waits for the running operation), raise the Lambda timeout, ' +
        'or run the function in Provider mode (onEvent/isComplete), which waits without a time limit.',
    );
    this.name = 'StackStillInProgressError';
    this.stackStatus = stackStatus;
  }
}

/** The repository or branch is in a state the seeding cannot work with. */
class RepositoryStateError extends BootstrapError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RepositoryStateError';
  }
}

/** The artifact bucket or the source object cannot be handled. */
class ArtifactBucketError extends BootstrapError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArtifactBucketError';
  }
}

/** The hard deadline timer fired before the work finished. */
class DeadlineExceededError extends BootstrapError {
  constructor(requestType: string) {
    super(
      `${requestType} did not finish before the Lambda deadline; the work was abandoned. ` +
        'Retry the stack operation (every step is idempotent) or raise the Lambda timeout.',
    );
    this.name = 'DeadlineExceededError';
  }
}

export {
  ArtifactBucketError,
  AwsCallError,
  type AwsFaultKind,
  BootstrapError,
  DeadlineExceededError,
  InvalidPropertiesError,
  PackageError,
  PreflightError,
  RepositoryStateError,
  StackOperationError,
  StackStillInProgressError,
  UnsupportedEventError,
};
