/** Errors thrown by the bakery-stack package: bad input to synthesis, never an AWS failure. */
class BakeryStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BakeryStackError';
  }
}

/** The bundle manifest cannot drive the pipeline; the message lists every problem. */
class InvalidManifestError extends BakeryStackError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`The bundle manifest cannot be used for the bakery pipeline:\n- ${problems.join('\n- ')}`, options);
    this.name = 'InvalidManifestError';
    this.problems = problems;
  }
}

/** A manifest file given to the CDK app could not be read or parsed. */
class ManifestFileError extends BakeryStackError {
  readonly manifestPath: string;
  constructor(manifestPath: string, reason: string, options?: ErrorOptions) {
    super(`Cannot use the bundle manifest ${manifestPath}: ${reason}`, options);
    this.name = 'ManifestFileError';
    this.manifestPath = manifestPath;
  }
}

/** The synthesized assembly did not contain the expected template (a defect here). */
class SynthesisError extends BakeryStackError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SynthesisError';
  }
}

export { BakeryStackError, InvalidManifestError, ManifestFileError, SynthesisError };
