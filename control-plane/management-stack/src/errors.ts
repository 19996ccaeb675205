/** Errors thrown while building the management stack: bad input to synthesis, never AWS. */
class ManagementStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ManagementStackError';
  }
}

/** The bootstrap Lambda bundle is not there: the Lambda has to be built before synthesis. */
class LambdaCodeMissingError extends ManagementStackError {
  readonly codeDir: string;
  constructor(codeDir: string, missing: string, options?: ErrorOptions) {
    super(
      `The bootstrap Lambda bundle is missing (${missing} in ${codeDir}). Build it first:\n` +
        '  pnpm --filter @ami-bakery/bakery-stack synth && pnpm bakery bundle && pnpm --filter @ami-bakery/bootstrap-lambda build\n' +
        'or point the app at another bundle folder with -c lambdaCodeDir=<path>.',
      options,
    );
    this.name = 'LambdaCodeMissingError';
    this.codeDir = codeDir;
  }
}

export { LambdaCodeMissingError, ManagementStackError };
