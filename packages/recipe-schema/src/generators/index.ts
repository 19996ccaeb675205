/**
 * Validation of components generated from data tables. The tables, their schemas and the
 * generators live in `@ami-bakery/hardening` ("how a benchmark becomes AWSTOE"); this file only
 * hooks them into validation: it reads the table a recipe entry names, runs the table schema and
 * checks, generates the documents and runs the component schema and rules on them. The bundler
 * calls `loadGeneratedComponents` too, so what is checked is exactly what is deployed.
 *
 * Findings land in the file the author edits: table problems in the table, problems of a
 * generated step in the table row it came from when there is one, otherwise on the recipe entry.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GeneratorInputError,
  GENERATORS,
  type GeneratedDocument,
  isGeneratorKind,
  type Origin,
  readTableFast,
  tableSchema,
} from '@ami-bakery/hardening';
import { hitToFinding, schemaHitsToFindings } from '../engine.js';
import { type ParsedYaml, parseYaml } from '../location.js';
import { describeReadProblem, readInputFile, readProblemFinding, readProblemRule } from '../read-file.js';
import type { GeneratorKind, Platform } from '../recipe-model.js';
import { actionPlatform } from '../rules/component/ActionPlatform.js';
import { componentRules } from '../rules/component/index.js';
import { registerRuleMeta } from '../rules/index.js';
import { ENGINE_RULES } from '../rules/meta.js';
import { componentFileExists } from '../rules/recipe/ComponentFileExists.js';
import { componentPathOutsideRecipe } from '../rules/recipe/ComponentPathOutsideRecipe.js';
import { escapesRecipeDir } from '../rules/recipe/recipe-fields.js';
import { asArray, asRecord, asString } from '../rules/util.js';
import { checkSchema } from '../schema-validator.js';
import type { Finding, JsonPath, RuleHit, RuleMeta } from '../types.js';
import { checkTableSchema } from './table-schema.js';

export const GENERATOR_RULES = {
  controlsTable: {
    id: 'RB2015',
    slug: 'controls-table',
    severity: 'error',
    description:
      'Every row of a generator table sets its own setting, names an audit subcategory by its own GUID, fits in a component document, and leaves Systems Manager and the local administrator able to reach the instance.',
  },
} as const satisfies Record<string, RuleMeta>;

registerRuleMeta(...Object.values(GENERATOR_RULES));

export interface GeneratedComponent {
  list: 'components' | 'tests';
  index: number;
  kind: GeneratorKind;
  /** The table path as written in the recipe. */
  table: string;
  /** Table path relative to the recipe folder, posix separators, normalized. */
  relPath: string;
  absolutePath: string;
  /** Table path relative to the working directory, as findings show it. */
  display: string;
  version: string;
  /** The table's bytes as read; undefined when unreadable or outside the recipe folder. */
  bytes?: Buffer;
  /** Parsed table, when it parsed. */
  tableData?: unknown;
  /** Image Builder component name before the part number: `<recipe>-<table file stem>`. */
  baseName: string;
  /** Empty when the table has errors. */
  documents: GeneratedDocument[];
  findings: Finding[];
}

export interface LoadGeneratedOptions {
  /** Absolute path of the recipe folder. */
  recipeDir: string;
  /** Paths in findings are relative to this folder. */
  cwd: string;
  /** The parsed recipe, where findings about recipe entries are located. */
  recipe: ParsedYaml;
  /** The recipe's platform, for the component rules run on the generated documents. */
  platform: Platform | undefined;
}

/** Every generated entry of `components` and `tests`, with its documents and findings. */
export function loadGeneratedComponents(options: LoadGeneratedOptions): GeneratedComponent[] {
  const data = asRecord(options.recipe.data);
  const recipeName = asString(data.name) ?? path.basename(options.recipeDir);
  const loaded: GeneratedComponent[] = [];
  for (const list of ['components', 'tests'] as const) {
    asArray(data[list]).forEach((raw, index) => {
      const entry = asRecord(raw);
      const kind = entry.generate;
      const table = asString(entry.table);
      if (!isGeneratorKind(kind) || table === undefined || table.trim() === '') return;
      loaded.push(loadOne({ list, index, kind, table, version: asString(entry.version) ?? '', recipeName }, options));
    });
  }
  return loaded;
}

interface Entry {
  list: 'components' | 'tests';
  index: number;
  kind: GeneratorKind;
  table: string;
  version: string;
  recipeName: string;
}

function loadOne(entry: Entry, options: LoadGeneratedOptions): GeneratedComponent {
  const relPath = path.posix.normalize(entry.table.trim().replaceAll('\\', '/')).replace(/^\.\//, '');
  const absolutePath = path.resolve(options.recipeDir, relPath);
  const display = displayPathOf(options.cwd, absolutePath);
  const baseName = `${entry.recipeName}-${stemOf(relPath)}`;
  const at: JsonPath = [entry.list, entry.index, 'table'];
  const result: GeneratedComponent = {
    list: entry.list,
    index: entry.index,
    kind: entry.kind,
    table: entry.table,
    relPath,
    absolutePath,
    display,
    version: entry.version,
    baseName,
    documents: [],
    findings: [],
  };
  const onRecipe = (rule: RuleMeta, where: JsonPath, message: string) =>
    result.findings.push(hitToFinding(rule, { path: where, message }, options.recipe));

  // Tables outside the recipe folder are never read, as local documents are not (RB3009).
  if (escapesRecipeDir(entry.table, options.recipeDir, absolutePath)) {
    onRecipe(
      componentPathOutsideRecipe,
      at,
      `'${entry.table}' is outside the recipe folder; copy the table into it (e.g. controls/) and use a relative path, so the bundle, the content hash and the version gate include it.`,
    );
    return result;
  }
  const read = readInputFile(absolutePath, { root: options.recipeDir });
  if (!read.ok) {
    const { problem } = read;
    if (problem.kind === 'missing') onRecipe(componentFileExists, at, `There is no file '${entry.table}' in the recipe folder; create the ${entry.kind} table there or fix the path (it is relative to the folder of recipe.yaml).`);
    else if (problem.kind === 'encoding') result.findings.push(readProblemFinding(problem, display));
    else onRecipe(readProblemRule(problem) ?? ENGINE_RULES.unreadable, at, describeReadProblem(problem, `'${entry.table}'`));
    return result;
  }
  result.bytes = read.bytes;
  const generator = GENERATORS[entry.kind];
  if (options.platform !== undefined && generator.platform !== 'any' && options.platform !== generator.platform) {
    onRecipe(
      actionPlatform,
      [entry.list, entry.index, 'generate'],
      `${entry.kind} writes ${generator.platform} documents (${generator.actions}) but platform is ${options.platform}; use it in a ${generator.platform} recipe.`,
    );
    return result;
  }

  // Validation and the bundler load the same table in one run: parse, check and generate it once.
  const key = [entry.kind, display, baseName, relPath, options.platform ?? '', entry.list, entry.index, options.recipe.file, options.recipe.text, result.bytes.toString('utf8')].join('\0');
  const cached = generatedCache.get(key);
  if (cached) return { ...result, tableData: cached.tableData, documents: [...cached.documents], findings: [...result.findings, ...cached.findings] };
  const before = result.findings.length;
  const done = checkAndGenerate(entry, options, result, baseName, relPath, display);
  generatedCache.set(key, { tableData: done.tableData, documents: [...done.documents], findings: done.findings.slice(before) });
  if (generatedCache.size > 32) generatedCache.delete(generatedCache.keys().next().value as string);
  return done;
}

const generatedCache = new Map<string, { tableData: unknown; documents: GeneratedDocument[]; findings: Finding[] }>();

function checkAndGenerate(entry: Entry, options: LoadGeneratedOptions, result: GeneratedComponent, baseName: string, relPath: string, display: string): GeneratedComponent {
  const generator = GENERATORS[entry.kind];
  const text = (result.bytes as Buffer).toString('utf8');
  // Tables in the usual shape are read without the full YAML parser; it runs (and locates every
  // problem) only for other shapes or when a check has something to say.
  const fast = readTableFast(text);
  let located: ParsedYaml | undefined;
  const table = (): ParsedYaml => {
    located ??= parseYaml(text, display).parsed;
    return located;
  };
  let data: unknown = fast;
  if (fast === undefined) {
    const parsed = parseYaml(text, display);
    result.findings.push(...parsed.findings);
    if (!parsed.ok) return result;
    located = parsed.parsed;
    data = parsed.parsed.data;
  }
  result.tableData = data;
  const schemaHits = checkTableSchema(entry.kind, tableSchema(entry.kind), data);
  if (schemaHits.length > 0) {
    result.findings.push(...schemaHitsToFindings(schemaHits, table()));
    return result;
  }
  const tableHits = generator.check(data);
  if (tableHits.length > 0) {
    result.findings.push(...tableHits.map((hit) => hitToFinding(GENERATOR_RULES.controlsTable, hit, table())));
    return result;
  }

  try {
    result.documents = generator.generate(data, { baseName, tableFile: relPath, ...(options.platform ? { platform: options.platform } : {}) });
  } catch (cause) {
    if (!(cause instanceof GeneratorInputError)) throw cause;
    result.findings.push(hitToFinding(GENERATOR_RULES.controlsTable, { path: cause.path, message: cause.message }, table()));
    return result;
  }
  for (const document of result.documents) result.findings.push(...checkDocument(document, table, options, [entry.list, entry.index, 'generate']));
  return result;
}

/** The component schema and rules on a generated document, located back in the table or on the recipe entry. */
function checkDocument(document: GeneratedDocument, table: () => ParsedYaml, options: LoadGeneratedOptions, entryPath: JsonPath): Finding[] {
  const locate = (rule: RuleMeta, hit: RuleHit): Finding => {
    const origin = originOf(document.origins, hit.path);
    const where = `${document.name} ${hit.path.join('.')}`;
    return origin
      ? hitToFinding(rule, { path: origin.tablePath, message: `In generated document ${where}: ${hit.message}` }, table())
      : hitToFinding(rule, { path: entryPath, message: `In generated document ${where}: ${hit.message}` }, options.recipe);
  };
  const findings = checkSchema('component', document.data).map((hit) => locate(hit.rule, hit));
  for (const rule of componentRules) {
    let hits: RuleHit[];
    try {
      hits = rule.check({ data: document.data, platform: options.platform });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      const message = `Rule ${rule.id} (${rule.slug}) failed on generated document ${document.name}: ${reason}. Please report it; the other rules still ran.`;
      findings.push(hitToFinding(ENGINE_RULES.ruleFailed, { path: entryPath, message }, options.recipe));
      continue;
    }
    findings.push(...hits.map((hit) => locate(rule, hit)));
  }
  return findings;
}

/** The table row behind a document path: the origin whose document path is the longest prefix of it. */
function originOf(origins: readonly Origin[], documentPath: JsonPath): Origin | undefined {
  let best: Origin | undefined;
  for (const origin of origins) {
    if (origin.documentPath.length > documentPath.length) continue;
    if (!origin.documentPath.every((segment, i) => segment === documentPath[i])) continue;
    if (!best || origin.documentPath.length > best.documentPath.length) best = origin;
  }
  return best;
}

/** Checks a table file on its own: YAML, schema and table rules (no recipe, so no documents). */
export function checkTableText(kind: GeneratorKind, text: string, display: string): { findings: Finding[]; parsed?: ParsedYaml } {
  const parsed = parseYaml(text, display);
  if (!parsed.ok) return { findings: parsed.findings };
  const findings = [...parsed.findings];
  const schemaHits = checkTableSchema(kind, tableSchema(kind), parsed.parsed.data);
  findings.push(...schemaHitsToFindings(schemaHits, parsed.parsed));
  if (schemaHits.length === 0)
    findings.push(
      ...GENERATORS[kind].check(parsed.parsed.data).map((hit) => hitToFinding(GENERATOR_RULES.controlsTable, hit, parsed.parsed)),
    );
  return { findings, parsed: parsed.parsed };
}

function stemOf(relPath: string): string {
  const base = relPath.split('/').pop() ?? relPath;
  return base
    .replace(/\.ya?ml$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function displayPathOf(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return (relative === '' || relative.startsWith('..') ? absolute : relative).split(path.sep).join('/');
}

export {
  AUDIT_SUBCATEGORIES,
  COMPONENT_DATA_LIMIT,
  type Control,
  type ControlsTable,
  ControlTooLargeError,
  GENERATORS,
  type GeneratedDocument,
  generateWindowsControls,
  isGeneratorKind,
  type Origin,
  tableKindOf,
  tableSchema,
} from '@ami-bakery/hardening';

/** Forgets the tables read so far (benchmarks measure a cold run with it). */
export function clearGeneratedCache(): void {
  generatedCache.clear();
}
