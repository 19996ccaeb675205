/**
 * Errors thrown by this package. A bad bundle never throws: it yields problems (`BundleProblem`).
 * A thrown error means the caller passed something the API cannot work with.
 */
class BundleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BundleError';
  }
}

/** An argument from the calling code (not bundle content) is unusable, e.g. an empty stack prefix. */
class InvalidArgumentError extends BundleError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidArgumentError';
  }
}

export { BundleError, InvalidArgumentError };
