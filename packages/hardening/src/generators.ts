/**
 * The generators: each turns one kind of data table in a recipe folder into AWSTOE documents.
 * A recipe entry `{ generate, table, version }` names the generator and the table; validation
 * (recipe-schema) and the bundler both call the same generator, so what is checked is exactly
 * what is deployed. Everything here is pure: tables in, documents and table problems out.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Platform, TableHit } from './types.js';
import { checkScapEvidenceTable, generateScapEvidence, type ScapEvidenceTable } from './scap-evidence/generate.js';
import { checkUsgTailoringTable, generateUsgTailoring, type UsgTailoringTable } from './usg-tailoring/generate.js';
import { type GeneratedDocument, generateWindowsControls } from './windows-controls/generate.js';
import { checkControlsTable } from './windows-controls/rules.js';
import type { ControlsTable } from './windows-controls/table.js';

export type GeneratorKind = 'windows-controls' | 'scap-evidence' | 'usg-tailoring';

export interface GenerateOptions {
  /** Image Builder component name of the parts without the part number, `<recipe>-<table file stem>`. */
  baseName: string;
  /** The table as the recipe names it, for descriptions and messages. */
  tableFile: string;
  /** Platform of the recipe, for generators that write documents for either. */
  platform?: Platform;
}

export interface GeneratorDefinition {
  /** Platform of the documents the generator writes; `any`: the recipe's. */
  platform: Platform | 'any';
  /** What the documents run with, for the message when a recipe of another platform names the generator. */
  actions: string;
  /** JSON Schema of the table (editors use the same file through `$schema`). */
  schemaFile: URL;
  /** Problems the schema cannot express; only called on schema-valid tables. */
  check(table: unknown): TableHit[];
  /** The documents; only called on tables without problems. Throws `GeneratorInputError` (e.g. `ControlTooLargeError`) for a table it cannot turn into documents. */
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
  'scap-evidence': {
    platform: 'any',
    actions: 'ExecuteBash or ExecutePowerShell',
    schemaFile: new URL('./scap-evidence/table.schema.json', import.meta.url),
    check: (table) => checkScapEvidenceTable(table as ScapEvidenceTable),
    generate: (table, options) => generateScapEvidence(table as ScapEvidenceTable, options),
  },
  'usg-tailoring': {
    platform: 'linux',
    actions: 'ExecuteBash',
    schemaFile: new URL('./usg-tailoring/table.schema.json', import.meta.url),
    check: (table) => checkUsgTailoringTable(table as UsgTailoringTable),
    generate: (table, options) => generateUsgTailoring(table as UsgTailoringTable, options),
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
  if ('controls' in data && 'benchmark' in data) return 'windows-controls';
  if ('scanner' in data && 'accepted' in data) return 'scap-evidence';
  if ('profile' in data && 'disabled' in data && 'release' in data) return 'usg-tailoring';
  return undefined;
}

/** A table's text parsed as the generators read it (plain YAML, no locations). */
export function parseTable(text: string): unknown {
  return parse(text);
}
