/**
 * The generators: each turns one kind of data table in a recipe folder into AWSTOE documents.
 * A recipe entry `{ generate, table, version }` names the generator and the table; validation
 * (recipe-schema) and the bundler both call the same generator, so what is checked is exactly
 * what is deployed. Everything here is pure: tables in, documents and table problems out.
 */
import { readFileSync } from 'node:fs';
import type { Platform, TableHit } from './types.js';
import { type GeneratedDocument, generateWindowsControls } from './windows-controls/generate.js';
import { checkControlsTable } from './windows-controls/rules.js';
import type { ControlsTable } from './windows-controls/table.js';

export type GeneratorKind = 'windows-controls';

export interface GenerateOptions {
  /** Image Builder component name of the parts without the part number, `<recipe>-<table file stem>`. */
  baseName: string;
  /** The table as the recipe names it, for descriptions and messages. */
  tableFile: string;
}

export interface GeneratorDefinition {
  /** Platform of the documents the generator writes. */
  platform: Platform;
  /** What the documents run with, for the message when a recipe of another platform names the generator. */
  actions: string;
  /** JSON Schema of the table (editors use the same file through `$schema`). */
  schemaFile: URL;
  /** Problems the schema cannot express; only called on schema-valid tables. */
  check(table: unknown): TableHit[];
  /** The documents; only called on tables without problems. Throws `ControlTooLargeError` when a row fits no document. */
  generate(table: unknown, options: GenerateOptions): GeneratedDocument[];
}

export const GENERATORS: Readonly<Record<GeneratorKind, GeneratorDefinition>> = {
  'windows-controls': {
    platform: 'windows',
    actions: 'ExecutePowerShell, SetRegistry',
    schemaFile: new URL('./windows-controls/table.schema.json', import.meta.url),
    check: (table) => checkControlsTable(table as ControlsTable),
    generate: (table, options) => generateWindowsControls(table as ControlsTable, options),
  },
};

const schemas = new Map<GeneratorKind, object>();

/** The JSON Schema of a generator's table, read once. */
export function tableSchema(kind: GeneratorKind): object {
  let schema = schemas.get(kind);
  if (!schema) {
    schema = JSON.parse(readFileSync(GENERATORS[kind].schemaFile, 'utf8')) as object;
    schemas.set(kind, schema);
  }
  return schema;
}

export function isGeneratorKind(value: unknown): value is GeneratorKind {
  return typeof value === 'string' && Object.hasOwn(GENERATORS, value);
}

/** A table recognised by its content (for `bakery validate <table>`): the generator whose table it looks like. */
export function tableKindOf(data: unknown): GeneratorKind | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return 'controls' in data && 'benchmark' in data ? 'windows-controls' : undefined;
}
