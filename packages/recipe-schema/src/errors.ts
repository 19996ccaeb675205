/**
 * Errors thrown by this package. An invalid recipe or component never throws: it produces
 * findings. A thrown error means the tool itself could not do its job (for example a schema
 * that does not compile).
 */
class RecipeSchemaError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecipeSchemaError';
  }
}

/** A bundled JSON Schema failed to compile: a defect in this package, not in user input. */
class SchemaCompilationError extends RecipeSchemaError {
  constructor(schemaName: string, options?: ErrorOptions) {
    super(`The bundled ${schemaName} schema does not compile`, options);
    this.name = 'SchemaCompilationError';
  }
}

/** Two rules were registered with one id. */
class DuplicateRuleError extends RecipeSchemaError {
  constructor(id: string) {
    super(`Rule id ${id} is registered twice`);
    this.name = 'DuplicateRuleError';
  }
}

/** A path given to the validator does not exist or cannot be read. */
class InputNotFoundError extends RecipeSchemaError {
  readonly inputPath: string;
  constructor(inputPath: string, options?: ErrorOptions) {
    super(`No such file or folder: ${inputPath}`, options);
    this.name = 'InputNotFoundError';
    this.inputPath = inputPath;
  }
}

export { DuplicateRuleError, InputNotFoundError, RecipeSchemaError, SchemaCompilationError };
