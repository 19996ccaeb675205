/**
 * Validation entry points: one recipe (with its local components) or one standalone AWSTOE
 * component document. Invalid input yields findings; nothing here throws for bad content.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CATALOG_FILE, validateCatalogOfRecipe } from './catalog.js';
import { failedSubtrees, hitToFinding, runRules, schemaHitsToFindings, sortFindings, withoutSuperseded } from './engine.js';
import { checkTableText, loadGeneratedComponents, tableKindOf } from './generators/index.js';
import { type ParsedYaml, parseYaml } from './location.js';
import { describeReadProblem, type ReadOutcome, type ReadProblem, readInputFile, readProblemFinding, readProblemRule } from './read-file.js';
import type { Platform } from './recipe-model.js';
import type { LoadedComponent } from './rule.js';
import { componentRules } from './rules/component/index.js';
import { ENGINE_RULES } from './rules/meta.js';
import { componentPathOutsideRecipe } from './rules/recipe/ComponentPathOutsideRecipe.js';
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
  /**
   * A file that is not a recipe.yaml must lie in this folder once symbolic links are resolved
   * (the workspace); default its own folder. A recipe's files must always lie in the recipe folder.
   */
  root?: string;
}

export type DocumentKind = 'recipe' | 'component' | 'table' | 'catalog' | 'unknown';

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
  const read = readInputFile(absolute, { root: path.dirname(absolute) });
  if (!read.ok) return { findings: [problemFinding(read.problem, display)], sources };
  sources.set(display, read.text);
  return validateRecipeText(read.text, absolute, { cwd, sources });
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
  const checked = new Map<string, unknown>();
  const refusedLinks: Finding[] = [];
  for (const { component, read } of components) {
    if (read === undefined) continue;
    if (checked.has(component.absolutePath)) {
      component.data = checked.get(component.absolutePath);
      continue;
    }
    checked.set(component.absolutePath, undefined);
    const componentDisplay = displayPath(cwd, component.absolutePath);
    if (!read.ok) {
      // Never read: reported on the recipe line that names it (an encoding problem at its own line).
      const finding =
        read.problem.kind === 'encoding'
          ? readProblemFinding(read.problem, componentDisplay)
          : hitToFinding(problemRule(read.problem), { path: [component.list, component.index, 'file'], message: describeProblem(read.problem, component.file) }, parsed);
      // A link leading out is RB3009's to report; this finding stands in when RB3009 is suppressed.
      if (read.problem.kind === 'outside') refusedLinks.push(finding);
      else findings.push(finding);
      continue;
    }
    sources.set(componentDisplay, read.text);
    const result = checkComponentText(read.text, componentDisplay, platform);
    component.data = result.parsed?.data;
    checked.set(component.absolutePath, component.data);
    findings.push(...result.findings);
  }
  // Generated components are checked as generated: the documents the bundler would deploy.
  for (const generated of loadGeneratedComponents({ recipeDir, cwd, recipe: parsed, platform })) {
    if (generated.bytes) sources.set(generated.display, generated.bytes.toString('utf8'));
    findings.push(...generated.findings);
  }
  findings.push(
    ...runRules(recipeRules, { data: parsed.data, recipeDir, components: components.map((c) => c.component) }, parsed, failedSubtrees(recipeSchemaHits)),
  );
  const result = applySuppressions(findings, parsed);
  for (const refused of refusedLinks) {
    const reported = result.some(
      (f) => f.ruleId === componentPathOutsideRecipe.id && !f.suppressed && f.path.join('\u0000') === refused.path.join('\u0000'),
    );
    if (!reported) result.push(refused);
  }
  // catalog.yaml next to recipe.yaml: the deployer applies it as it is, so nothing there is suppressible.
  const catalog = validateCatalogOfRecipe(recipeDir, parsed.data, (absolute) => displayPath(cwd, absolute));
  for (const [file, catalogText] of catalog.sources) sources.set(file, catalogText);
  result.push(...catalog.findings);
  return { findings: sortFindings(result), sources, data: parsed.data };
}

export function validateComponentFile(file: string, options: ValidateOptions & { platform?: Platform } = {}): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const display = displayPath(cwd, absolute);
  const sources = new Map<string, string>();
  const read = readInputFile(absolute, { root: options.root ?? path.dirname(absolute) });
  if (!read.ok) return { findings: [problemFinding(read.problem, display, 'the workspace')], sources };
  const text = read.text;
  sources.set(display, text);
  const result = checkComponentText(text, display, options.platform);
  return { findings: sortFindings(result.findings), sources, data: result.parsed?.data };
}

/** Validate any YAML file, deciding by content whether it is a recipe or a component. */
export function validateFile(file: string, options: ValidateOptions = {}): ValidationResult & { kind: DocumentKind } {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const display = displayPath(cwd, absolute);
  const isRecipe = path.basename(absolute) === 'recipe.yaml';
  // A recipe.yaml stays in its recipe folder; any other file in the workspace (options.root).
  const read = readInputFile(absolute, { root: isRecipe ? path.dirname(absolute) : (options.root ?? path.dirname(absolute)) });
  if (!read.ok) return { kind: 'unknown', findings: [problemFinding(read.problem, display, isRecipe ? 'the recipe folder' : 'the workspace')], sources: new Map() };
  const text = read.text;
  const recipeBeside = path.join(path.dirname(absolute), 'recipe.yaml');
  if (path.basename(absolute) === CATALOG_FILE && existsSync(recipeBeside)) {
    // A recipe's catalog: checked with the channels and threshold of the recipe beside it.
    const recipeRead = readInputFile(recipeBeside, { root: path.dirname(absolute) });
    const recipe = recipeRead.ok ? parseYaml(recipeRead.text, displayPath(cwd, recipeBeside)) : undefined;
    const catalog = validateCatalogOfRecipe(path.dirname(absolute), recipe?.ok ? recipe.parsed.data : undefined, (a) => displayPath(cwd, a));
    return { kind: 'catalog', findings: sortFindings(catalog.findings), sources: catalog.sources, data: catalog.data };
  }
  const { parsed, findings, ok } = parseYaml(text, display);
  const sources = new Map([[display, text]]);
  if (!ok) return { kind: 'unknown', findings: sortFindings(findings), sources };
  const kind = path.basename(absolute) === 'recipe.yaml' ? 'recipe' : detectKind(parsed.data);
  if (kind === 'recipe') return { kind, ...validateRecipeText(text, absolute, { cwd }) };
  if (kind === 'component') return { kind, ...validateComponentFile(absolute, { cwd, ...(options.root ? { root: options.root } : {}) }) };
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

interface ComponentRead {
  component: LoadedComponent;
  /** Undefined when the file is missing or lies outside the recipe folder by its path (RB3007, RB3009). */
  read: ReadOutcome | undefined;
}

function loadComponents(recipe: Record<string, unknown>, recipeDir: string): ComponentRead[] {
  const loaded: ComponentRead[] = [];
  const reads = new Map<string, ReadOutcome>();
  for (const list of ['components', 'tests'] as const) {
    asArray(recipe[list]).forEach((entry, index) => {
      const file = asString(asRecord(entry).file);
      if (file === undefined || file.trim() === '') return;
      const absolutePath = path.resolve(recipeDir, file);
      // Files outside the recipe folder are never read (RB3009 reports them): a recipe must not pull in arbitrary files.
      const inside = !path.relative(recipeDir, absolutePath).startsWith('..') && !path.isAbsolute(path.relative(recipeDir, absolutePath));
      let read: ReadOutcome | undefined;
      if (inside) {
        read = reads.get(absolutePath) ?? readInputFile(absolutePath, { root: recipeDir });
        reads.set(absolutePath, read);
      }
      const missing = read === undefined || (!read.ok && read.problem.kind === 'missing');
      // A file that is there but refused (a link leading out, a device, too large) exists: RB0020/RB0021 say why it was not read.
      loaded.push({ component: { list, index, file, absolutePath, exists: !missing, data: undefined }, read: missing ? undefined : read });
    });
  }
  return loaded;
}

function asPlatform(value: unknown): Platform | undefined {
  return value === 'linux' || value === 'windows' ? value : undefined;
}

/** An input that could not be read: missing is RB0005 as before; the rest name what the file is. */
function problemFinding(problem: ReadProblem, display: string, scope?: string): Finding {
  return problem.kind === 'missing' ? unreadable(display) : readProblemFinding(problem, display, scope);
}

function problemRule(problem: ReadProblem) {
  return readProblemRule(problem) ?? ENGINE_RULES.unreadable;
}

function describeProblem(problem: ReadProblem, file: string): string {
  return describeReadProblem(problem, `'${file}'`);
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
