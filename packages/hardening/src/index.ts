export {
  GENERATORS,
  type GenerateOptions,
  type GeneratorDefinition,
  type GeneratorKind,
  isGeneratorKind,
  tableKindOf,
  tableSchema,
} from './generators.js';
export type { JsonPath, Platform, TableHit } from './types.js';
export {
  COMPONENT_DATA_LIMIT,
  ControlTooLargeError,
  type GeneratedDocument,
  generateWindowsControls,
  type Origin,
  quote,
} from './windows-controls/generate.js';
export { checkControlsTable } from './windows-controls/rules.js';
export { AUDIT_SUBCATEGORIES, type Control, type ControlsTable, targetOf } from './windows-controls/table.js';
