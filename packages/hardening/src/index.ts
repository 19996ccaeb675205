export { GENERATORS, type GenerateOptions, type GeneratorDefinition, type GeneratorKind, isGeneratorKind, parseTable, tableKindOf, tableSchema } from './generators.js';
export type { JsonPath, Platform, TableHit } from './types.js';
export { COMPONENT_DATA_LIMIT, ControlTooLargeError, type GeneratedDocument, generateWindowsControls, type Origin, quote } from './windows-controls/generate.js';
export { checkControlsTable } from './windows-controls/rules.js';
export { AUDIT_SUBCATEGORIES, type Control, type ControlsTable, targetOf } from './windows-controls/table.js';
export { readTableFast } from './table-parse.js';
export { type AcceptedFinding, type ComplianceSummary, type FailingRule, parseSummary, type Scanner, SummaryFormatError } from './evidence/summary.js';
export { type AcceptedRule, parseXccdfResults, type RuleResult, ruleMatches, type SummaryOptions, summarizeXccdf, type XccdfResults, XccdfFormatError } from './evidence/xccdf.js';
