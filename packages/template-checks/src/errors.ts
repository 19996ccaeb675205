/**
 * Errors thrown by this package. A broken template never throws: it produces findings. A thrown
 * error means the checks themselves cannot run (for example the resource database is missing).
 */
class TemplateChecksError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateChecksError';
  }
}

/** The CloudFormation resource database could not be read: a broken install, not a broken template. */
class SpecLoadError extends TemplateChecksError {
  constructor(what: string, options?: ErrorOptions) {
    super(`Cannot load the CloudFormation resource specification from ${what}; reinstall dependencies (pnpm install)`, options);
    this.name = 'SpecLoadError';
  }
}

export { SpecLoadError, TemplateChecksError };
