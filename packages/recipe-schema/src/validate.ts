/**
 * Validation entry points: one recipe (with its local components) or one standalone AWSTOE
 * component document. Invalid input yields findings; nothing here throws for bad content.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { failedSubtrees, hitToFinding, runRules, schemaHitsToFindings, sortFindings, withoutSuperseded } from './engine.js';
import { checkTableText, loadGeneratedComponents, tableKindOf } from './generators/index.js';
import { type ParsedYaml, parseYaml } from './location.js';
import type { Platform } from './recipe-model.js';
import type { LoadedComponent } from './rule.js';
import { componentRules } from './rules/component/index.js';
import { ENGINE_RULES } from './rules/meta.js';
import { recipeRules } from './rules/recipe/index.js';
import { asArray, asRecord, asString } from './rules/util.js';
import { checkSchema } from './schema-validator.js';
import { applySuppressions } from './suppressions.js';
import type { Finding } from './types.js';

export interface ValidationResult {
  findings: Finding[];
  /** Text of every file read, keyed by the display path used in findings (for formatters). */
  sources: Map<string, string>;
  /** Parsed recipe data when the recipe parsed (schema-valid or not). */
  data?: unknown;
}

export interface ValidateOptions {
  /** Paths in findings are relative to this folder; default `process.cwd()`. */
  cwd?: string;
}

export type DocumentKind = 'recipe' | 'component' | 'table' | 'unknown';

/** Tell a recipe from an AWSTOE component document by content. */
export function detectKind(data: unknown): DocumentKind {
  const record = asRecord(data);
  if ('phases' in record || 'schemaVersion' in record) return 'component';
  if ('parentImage' in record || 'components' in record || 'platform' in record) return 'recipe';
  return 'unknown';
}

export function validateRecipeFile(recipeFile: string, options: ValidateOptions = {}): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, recipeFile);
  const display = displayPath(cwd, absolute);
  const sources = new Map<string, string>();
  const text = readText(absolute);
  if (text === undefined) return { findings: [unreadable(display)], sources };
  sources.set(display, text);
  return validateRecipeText(text, absolute, { cwd, sources });
}

/** Validate recipe text whose file lives at `absolutePath` (components are read relative to it). */
export function validateRecipeText(
  text: string,
  absolutePath: string,
  options: { cwd?: string; sources?: Map<string, string> } = {},
): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const sources = options.sources ?? new Map<string, string>();
  const display = displayPath(cwd, absolutePath);
  sources.set(display, text);
  const { parsed, findings, ok } = parseYaml(text, display);
  if (!ok) return { findings: sortFindings(findings), sources };

  const recipeSchemaHits = checkSchema('recipe', parsed.data);
  findings.push(...schemaHitsToFindings(recipeSchemaHits, parsed));
  const recipe = asRecord(parsed.data);
  const platform = asPlatform(recipe.platform);
  const recipeDir = path.dirname(absolutePath);
  const components = loadComponents(recipe, recipeDir);
  const checked = new Set<string>();
  for (const component of components) {
    if (!component.exists || checked.has(component.absolutePath)) continue;
    checked.add(component.absolutePath);
    const componentText = readText(component.absolutePath);
    if (componentText === undefined) continue;
    const componentDisplay = displayPath(cwd, component.absolutePath);
    sources.set(componentDisplay, componentText);
    const result = checkComponentText(componentText, componentDisplay, platform);
    component.data = result.parsed?.data;
    findings.push(...result.findings);
  }
  // Generated components are checked as generated: the documents the bundler would deploy.
  for (const generated of loadGeneratedComponents({ recipeDir, cwd, recipe: parsed, platform })) {
    if (generated.bytes) sources.set(generated.display, generated.bytes.toString('utf8'));
    findings.push(...generated.findings);
  }
  findings.push(...runRules(recipeRules, { data: parsed.data, recipeDir, components }, parsed, failedSubtrees(recipeSchemaHits)));
  return { findings: sortFindings(applySuppressions(findings, parsed)), sources, data: parsed.data };
}

export function validateComponentFile(file: string, options: ValidateOptions & { platform?: Platform } = {}): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const display = displayPath(cwd, absolute);
  const sources = new Map<string, string>();
  const text = readText(absolute);
  if (text === undefined) return { findings: [unreadable(display)], sources };
  sources.set(display, text);
  const result = checkComponentText(text, display, options.platform);
  return { findings: sortFindings(result.findings), sources, data: result.parsed?.data };
}

/** Validate any YAML file, deciding by content whether it is a recipe or a component. */
export function validateFile(file: string, options: ValidateOptions = {}): ValidationResult & { kind: DocumentKind } {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const display = displayPath(cwd, absolute);
  const text = readText(absolute);
  if (text === undefined) return { kind: 'unknown', findings: [unreadable(display)], sources: new Map() };
  const { parsed, findings, ok } = parseYaml(text, display);
  const sources = new Map([[display, text]]);
  if (!ok) return { kind: 'unknown', findings: sortFindings(findings), sources };
  const kind = path.basename(absolute) === 'recipe.yaml' ? 'recipe' : detectKind(parsed.data);
  if (kind === 'recipe') return { kind, ...validateRecipeText(text, absolute, { cwd }) };
  if (kind === 'component') return { kind, ...validateComponentFile(absolute, { cwd }) };
  const tableKind = tableKindOf(parsed.data);
  if (tableKind !== undefined) {
    const table = checkTableText(tableKind, text, display);
    return { kind: 'table', findings: sortFindings(table.findings), sources, data: table.parsed?.data };
  }
  const finding = hitToFinding(
    ENGINE_RULES.unknownDocument,
    {
      path: [],
      message:
        'Neither a recipe (needs name, platform, parentImage, components) nor an AWSTOE component document (needs schemaVersion and phases); check the file or the path given.',
    },
    parsed,
  );
  return { kind, findings: [finding], sources };
}

function checkComponentText(text: string, display: string, platform: Platform | undefined): { findings: Finding[]; parsed?: ParsedYaml } {
  const { parsed, findings, ok } = parseYaml(text, display);
  if (!ok) return { findings };
  const schemaHits = checkSchema('component', parsed.data);
  const ruleFindings = runRules(componentRules, { data: parsed.data, platform }, parsed, failedSubtrees(schemaHits));
  findings.push(...withoutSuperseded(schemaHitsToFindings(schemaHits, parsed), ruleFindings, SUPERSEDING), ...ruleFindings);
  return { findings, parsed };
}

/** Component rules whose findings replace the schema's at the same path. */
const SUPERSEDING = new Set(componentRules.filter((rule) => rule.supersedesSchema).map((rule) => rule.id));

function loadComponents(recipe: Record<string, unknown>, recipeDir: string): LoadedComponent[] {
  const loaded: LoadedComponent[] = [];
  for (const list of ['components', 'tests'] as const) {
    asArray(recipe[list]).forEach((entry, index) => {
      const file = asString(asRecord(entry).file);
      if (file === undefined || file.trim() === '') return;
      const absolutePath = path.resolve(recipeDir, file);
      // Files outside the recipe folder are never read (RB3009 reports them): a recipe must not pull in arbitrary files.
      const inside = !path.relative(recipeDir, absolutePath).startsWith('..') && !path.isAbsolute(path.relative(recipeDir, absolutePath));
      loaded.push({ list, index, file, absolutePath, exists: inside && isFile(absolutePath), data: undefined });
    });
  }
  return loaded;
}

function asPlatform(value: unknown): Platform | undefined {
  return value === 'linux' || value === 'windows' ? value : undefined;
}

function readText(absolute: string): string | undefined {
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    return undefined;
  }
}

function isFile(absolute: string): boolean {
  try {
    return statSync(absolute).isFile();
  } catch {
    return false;
  }
}

function unreadable(display: string): Finding {
  return {
    ruleId: ENGINE_RULES.unreadable.id,
    slug: ENGINE_RULES.unreadable.slug,
    severity: ENGINE_RULES.unreadable.severity,
    message: `Cannot read ${display}; check the path and its permissions.`,
    file: display,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    path: [],
    source: 'bakery',
  };
}

/** Paths in findings: relative to the working directory, with forward slashes. */
export function displayPath(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return (relative === '' || relative.startsWith('..') ? absolute : relative).split(path.sep).join('/');
}
