/** Errors thrown by the bakery-stack package: bad input to synthesis, never an AWS failure. */
class BakeryStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BakeryStackError';
  }
}

/** The synthesized assembly did not contain the expected template (a defect here). */
class SynthesisError extends BakeryStackError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SynthesisError';
  }
}

export { BakeryStackError, SynthesisError };
