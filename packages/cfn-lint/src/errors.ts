/**
 * Errors thrown by this package. Whatever cfn-lint does (missing, crashing, hanging, printing
 * garbage) becomes a finding; a thrown error means the caller passed options that cannot work.
 */
class CfnLintError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CfnLintError';
  }
}

/** An option of `runCfnLint` is unusable (e.g. a negative timeout). */
class CfnLintOptionsError extends CfnLintError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CfnLintOptionsError';
  }
}

export { CfnLintError, CfnLintOptionsError };
