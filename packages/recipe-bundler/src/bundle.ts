/**
 * One recipe folder -> CloudFormation template, manifest and source links. Validation runs
 * first; with error findings the result carries them and no template.
 */
import path from 'node:path';
import type { CatalogState } from '@ami-bakery/bundle';
import {
  type Architecture,
  displayPath,
  type Finding,
  type GeneratedComponent,
  loadGeneratedComponents,
  type Platform,
  parseYaml,
  readInputFile,
  validateRecipeFile,
  validateRecipeText,
} from '@ami-bakery/recipe-schema';
import { canonicalJson, compareCodeUnits, sha256Hex } from './canonical.js';
import { canonicalYaml } from './canonical-yaml.js';
import { recipeCatalog, withoutCatalogSettings } from './catalog.js';
import { type GitRunner, readSourceCommit, runGit } from './git.js';
import { checkPreconditions } from './preconditions.js';
import { resolveSources, type SourceLink } from './sourced.js';
import { buildTemplate, type ComponentSource, DEFAULTS } from './template/build.js';
import { RecipeReader } from './template/context.js';
import { templateToYaml } from './yaml-output.js';

export const DEFAULT_STACK_PREFIX = 'ami-bakery-recipe-';
export const RECIPE_FILE = 'recipe.yaml';

export interface ManifestComponent {
  kind: 'managed' | 'local';
  name: string;
  version: string;
  /** Local components: the document, relative to the recipe folder. */
  file?: string;
  /** Test components only. */
  stage?: 'test';
}

export interface ManifestInput {
  /** Relative to the recipe folder, posix separators. */
  path: string;
  /** sha256 of the raw bytes (hex). */
  sha256: string;
}

/** `recipes/<name>/manifest.json` (docs/contracts.md). */
export interface RecipeManifest {
  name: string;
  version: string;
  platform: Platform;
  architecture: Architecture;
  stackName: string;
  contentHash: string;
  sourceCommit: string | null;
  inputs: ManifestInput[];
  components: ManifestComponent[];
  /** `schedule.buildOnVersionChange` (default true): the deployer starts a build when this version is first deployed. */
  buildOnVersionChange: boolean;
}

/** A CloudFormation template as plain data. */
export type CfnTemplate = Record<string, unknown>;

export interface BundleResult {
  /** True when a template was produced (no unsuppressed error findings). */
  ok: boolean;
  name: string;
  version: string;
  stackName: string;
  template: CfnTemplate | undefined;
  /** YAML, stable key order; byte-identical for identical inputs. */
  templateText: string | undefined;
  manifest: RecipeManifest | undefined;
  /** Parameters the template declares, sorted: what the deploy stage passes. */
  parameters: string[];
  links: SourceLink[];
  findings: Finding[];
  /** The recipe's image catalog (catalog.yaml and the catalog settings); undefined: none, no catalog.json. */
  catalog?: CatalogState | undefined;
  /** Exactly what recipes/<name>/catalog.json holds, when there is a catalog. */
  catalogText?: string | undefined;
}

export interface BundleOptions {
  /** Display paths in findings and links are relative to this folder; default `process.cwd()`. */
  cwd?: string;
  /** Commit recorded in the manifest; default `git rev-parse HEAD` in the recipe folder, null outside git. */
  sourceCommit?: string | null;
  /** Prefix of the recipe's stack name; the bakery stack's `RecipeStackPrefix`. */
  stackNamePrefix?: string;
  git?: GitRunner;
}

export function bundleRecipe(recipeDir: string, options: BundleOptions = {}): BundleResult {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const dir = path.resolve(cwd, recipeDir);
  const recipePath = path.join(dir, RECIPE_FILE);
  const display = displayPath(cwd, recipePath);
  const prefix = options.stackNamePrefix ?? DEFAULT_STACK_PREFIX;

  const read = readInputFile(recipePath, { root: dir });
  if (!read.ok) return failed(path.basename(dir), '', prefix, validateRecipeFile(recipePath, { cwd }).findings);
  const { bytes, text } = read;
  const validation = validateRecipeText(text, recipePath, { cwd });
  const data = validation.data;
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const name = typeof record.name === 'string' ? record.name : path.basename(dir);
  const version = typeof record.version === 'string' ? record.version : '';
  const findings = [...validation.findings];
  if (hasErrors(findings)) return failed(name, version, prefix, findings);

  const { parsed } = parseYaml(text, display);
  findings.push(...checkPreconditions(data, parsed));
  const loaded = loadComponents(record, dir, cwd);
  findings.push(...loaded.findings);
  // Validation reported the generators' findings already; here only the documents matter.
  const platform = record.platform === 'windows' || record.platform === 'linux' ? record.platform : undefined;
  const generated = loadGeneratedComponents({ recipeDir: dir, cwd, recipe: parsed, platform });
  const catalog = recipeCatalog(dir, record, (absolute) => displayPath(cwd, absolute));
  findings.push(...catalog.findings);
  if (hasErrors(findings)) return failed(name, version, prefix, findings);

  const reader = new RecipeReader(record, display);
  const built = buildTemplate({ reader, components: loaded.documents, relPathOf, generated });
  const links: SourceLink[] = [];
  const template = resolveSources(built.template, links) as CfnTemplate;
  const stackName = `${prefix}${name}`;

  const tables = generatedInputs(generated);
  const inputs: ManifestInput[] = [{ path: RECIPE_FILE, sha256: sha256Hex(bytes) }, ...loaded.inputs, ...tables.inputs].sort((a, b) =>
    compareCodeUnits(a.path, b.path),
  );
  const manifest: RecipeManifest = {
    name,
    version,
    platform: record.platform as Platform,
    architecture: record.architecture as Architecture,
    stackName,
    contentHash: contentHash(withoutCatalogSettings(record), new Map([...loaded.documents, ...tables.documents])),
    sourceCommit: options.sourceCommit !== undefined ? options.sourceCommit : readSourceCommit(dir, options.git ?? runGit),
    inputs,
    components: manifestComponents(record, built.localComponents, stackName),
    buildOnVersionChange: buildOnVersionChange(record),
  };
  return {
    ok: true,
    name,
    version,
    stackName,
    template,
    templateText: templateToYaml(template),
    manifest,
    parameters: built.parameters,
    links,
    findings,
    ...(catalog.state ? { catalog: catalog.state, catalogText: catalog.text } : {}),
  };
}

/**
 * `sha256:` over the canonical recipe and local component documents: parsed and re-serialized
 * with sorted keys, so whitespace, comments and key order do not count. A component counts by its
 * canonical text when it has one: exactly what its `Data` holds, so `Data` never changes while
 * the hash stays the same.
 */
export function contentHash(recipe: unknown, documents: ReadonlyMap<string, { data: unknown; canonical?: string }>): string {
  const components: Record<string, unknown> = {};
  for (const [relPath, doc] of documents) components[relPath] = doc.canonical ?? doc.data;
  return `sha256:${sha256Hex(canonicalJson({ recipe, components }))}`;
}

/** The identity of a local component document: its path relative to the recipe folder. */
export function relPathOf(file: string): string {
  return path.posix.normalize(file.replaceAll('\\', '/')).replace(/^\.\//, '');
}

/**
 * Tables and generated documents for the manifest and the content hash: the table counts like a
 * local document, and each generated document by its text, so a generator change that alters the
 * deployed `Data` changes the hash too.
 */
function generatedInputs(generated: readonly GeneratedComponent[]): {
  inputs: ManifestInput[];
  documents: Map<string, { data: unknown; canonical?: string }>;
} {
  const inputs: ManifestInput[] = [];
  const documents = new Map<string, { data: unknown; canonical?: string }>();
  for (const component of generated) {
    if (component.bytes === undefined || documents.has(component.relPath)) continue;
    inputs.push({ path: component.relPath, sha256: sha256Hex(component.bytes) });
    documents.set(component.relPath, { data: component.tableData });
    for (const document of component.documents)
      documents.set(`${component.relPath}#${document.suffix}`, { data: document.data, canonical: document.text });
  }
  return { inputs, documents };
}

interface LoadedComponents {
  documents: Map<string, ComponentSource>;
  inputs: ManifestInput[];
  findings: Finding[];
}

function loadComponents(recipe: Record<string, unknown>, dir: string, cwd: string): LoadedComponents {
  const documents = new Map<string, ComponentSource>();
  const inputs: ManifestInput[] = [];
  const findings: Finding[] = [];
  for (const list of ['components', 'tests'] as const) {
    const entries = Array.isArray(recipe[list]) ? (recipe[list] as unknown[]) : [];
    for (const entry of entries) {
      const file = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).file : undefined;
      if (typeof file !== 'string' || file === '') continue;
      const relPath = relPathOf(file);
      if (documents.has(relPath)) continue;
      const absolute = path.resolve(dir, relPath);
      const display = displayPath(cwd, absolute);
      // Only a regular file inside the recipe folder; validation already reported any other.
      const read = readInputFile(absolute, { root: dir });
      if (!read.ok) continue;
      const { bytes, text } = read;
      const result = parseYaml(text, display);
      findings.push(...result.findings);
      if (!result.ok) continue;
      // Well-formed for parseYaml means well-formed here; the raw text is only a safety net.
      const canonical = canonicalYaml(text) ?? text;
      documents.set(relPath, { relPath, display, text, data: result.parsed.data, canonical, contentSha: sha256Hex(canonical) });
      inputs.push({ path: relPath, sha256: sha256Hex(bytes) });
    }
  }
  return { documents, inputs, findings };
}

/** Local components carry the name Image Builder gives them in the stack `stackName`. */
function manifestComponents(
  recipe: Record<string, unknown>,
  locals: ReturnType<typeof buildTemplate>['localComponents'],
  stackName: string,
): ManifestComponent[] {
  const components: ManifestComponent[] = [];
  for (const list of ['components', 'tests'] as const) {
    const entries = Array.isArray(recipe[list]) ? (recipe[list] as Record<string, unknown>[]) : [];
    for (const entry of entries) {
      const stage = list === 'tests' ? { stage: 'test' as const } : {};
      if (typeof entry.managed === 'string') {
        const version = typeof entry.version === 'string' ? entry.version : DEFAULTS.managedComponentVersion;
        components.push({ kind: 'managed', name: entry.managed, version, ...stage });
        continue;
      }
      const version = String(entry.version);
      if (typeof entry.generate === 'string' && typeof entry.table === 'string') {
        // One manifest entry per generated part: each is a component of its own in Image Builder.
        const relPath = relPathOf(entry.table);
        for (const part of locals.filter((c) => c.relPath === relPath && c.version === version)) {
          components.push({ kind: 'local', name: `${stackName}-${part.nameSuffix}`, version, file: relPath, ...stage });
        }
        continue;
      }
      const relPath = relPathOf(String(entry.file));
      const local = locals.find((c) => c.relPath === relPath && c.version === version);
      components.push({ kind: 'local', name: local ? `${stackName}-${local.nameSuffix}` : relPath, version, file: relPath, ...stage });
    }
  }
  return components;
}

function hasErrors(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === 'error' && !f.suppressed);
}

function failed(name: string, version: string, prefix: string, findings: Finding[]): BundleResult {
  return {
    ok: false,
    name,
    version,
    stackName: `${prefix}${name}`,
    template: undefined,
    templateText: undefined,
    manifest: undefined,
    parameters: [],
    links: [],
    findings,
  };
}

/** `schedule.buildOnVersionChange`, read defensively: anything but `false` keeps the default, true. */
function buildOnVersionChange(recipe: Record<string, unknown>): boolean {
  const schedule = recipe.schedule;
  if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule)) return true;
  return (schedule as Record<string, unknown>).buildOnVersionChange !== false;
}
