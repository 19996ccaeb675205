/**
 * Errors thrown inside the CLI. `main` turns a `UsageError` into one line on stderr and exit code 2;
 * anything else is the tool failing (exit 3).
 */
class CliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line or the paths it names are wrong; the message is shown as is. */
class UsageError extends CliError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** A report or output file could not be written. */
class OutputWriteError extends UsageError {
  constructor(file: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause ?? 'unknown reason');
    super(`cannot write ${file}: ${reason}`, options);
    this.name = 'OutputWriteError';
  }
}

export { CliError, OutputWriteError, UsageError };
