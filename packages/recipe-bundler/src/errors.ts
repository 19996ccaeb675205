/**
 * Errors thrown by this package. A bad recipe never throws: it yields findings. A thrown error
 * means the bundler could not do its job (an unwritable output folder, a file edited under our
 * feet, an invalid argument from the caller).
 */
class RecipeBundlerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecipeBundlerError';
  }
}

/** `recipe.yaml` changed between the moment `bump` read it and the moment it would write it. */
class ConcurrentEditError extends RecipeBundlerError {
  readonly file: string;
  constructor(file: string, options?: ErrorOptions) {
    super(`${file} changed while it was being bumped; nothing was written. Run the bump again.`, options);
    this.name = 'ConcurrentEditError';
    this.file = file;
  }
}

/** A bundle could not be written to the output folder. */
class BundleWriteError extends RecipeBundlerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BundleWriteError';
  }
}

/** The caller passed something the API cannot work with (not user content). */
class InvalidArgumentError extends RecipeBundlerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidArgumentError';
  }
}

/** `bump` cannot do what was asked, e.g. the recipe does not parse or has no valid version. */
class BumpError extends RecipeBundlerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BumpError';
  }
}

export { BumpError, BundleWriteError, ConcurrentEditError, InvalidArgumentError, RecipeBundlerError };
