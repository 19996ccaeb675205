/**
 * Errors of the invariants engine. A template that breaks an invariant never throws: it gives
 * violations. A thrown error means the engine itself could not run (no cfn-guard binary for this
 * platform and no WASM engine, a crash, a timeout), and a caller that must refuse unsafe templates
 * treats it as a refusal.
 */
class InvariantsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvariantsError';
  }
}

/** Neither the cfn-guard binary nor the WASM Guard engine can be loaded. */
class GuardEngineUnavailableError extends InvariantsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GuardEngineUnavailableError';
  }
}

/** The Guard engine ran but failed (exit code, unparsable output, timeout). */
class GuardEngineFailedError extends InvariantsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GuardEngineFailedError';
  }
}

export { GuardEngineFailedError, GuardEngineUnavailableError, InvariantsError };
