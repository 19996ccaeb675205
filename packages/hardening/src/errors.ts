/** A table the generator cannot turn into documents; validation reports it on the table (RB2015). */
export class GeneratorInputError extends Error {
  readonly path: (string | number)[];

  constructor(message: string, path: (string | number)[] = [], { cause }: { cause?: unknown } = {}) {
    super(message, { cause });
    this.name = 'GeneratorInputError';
    this.path = path;
  }
}
