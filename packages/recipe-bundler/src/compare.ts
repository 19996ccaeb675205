/**
 * Compares a recipe folder with its committed state at a git base: what changed in content
 * (canonical, so whitespace and comments do not count) and how each version moved. Shared by
 * the version gate and `bump`.
 *
 * Only content behind an immutable version counts. Image Builder fixes an image recipe's
 * components, parent image, description, block device mappings and working directory with its
 * name and version (the create-only properties of AWS::ImageBuilder::ImageRecipe), and a
 * component's data, description and platform with its own (AWS::ImageBuilder::Component). The
 * infrastructure and distribution configurations, the pipeline (schedule, tests, scanning), the
 * lifecycle policy and every Tags property update in place, so changing them needs no new version.
 */
import path from 'node:path';
import { type JsonPath, type ParsedYaml, parseYaml, readInputFile } from '@ami-bakery/recipe-schema';
import { relPathOf } from './bundle.js';
import { canonicalJson } from './canonical.js';
import { canonicalYaml } from './canonical-yaml.js';
import { type BaseRef, type GitRunner, showFileAt } from './git.js';
import { compareSemVer, parseSemVer, type SemVer } from './semver.js';

export type VersionMove = 'increased' | 'same' | 'decreased' | 'unknown';

export interface ComponentComparison {
  list: 'components' | 'tests';
  index: number;
  /** Path relative to the recipe folder. */
  relPath: string;
  /** The document is new at base, or the base recipe did not use it: nothing to compare. */
  isNew: boolean;
  contentChanged: boolean;
  version: SemVer | undefined;
  baseVersion: SemVer | undefined;
  move: VersionMove;
}

/**
 * Recipe fields whose change replaces the image recipe (or, for platform, every local component):
 * they go into create-only properties. Everything else in recipe.yaml updates in place.
 */
export const IMMUTABLE_RECIPE_FIELDS: readonly string[] = [
  'description',
  'platform',
  'parentImage',
  'components',
  'tests',
  'build.rootVolume',
  'build.workingDirectory',
];

export interface RecipeComparison {
  parsed: ParsedYaml;
  name: string;
  /** recipe.yaml did not exist at base, or did not parse there: no earlier version to compare with. */
  isNew: boolean;
  /** recipe.yaml is at base but does not parse there (isNew is true too). */
  baseUnparsable: boolean;
  /** Content behind the image recipe's version changed (see IMMUTABLE_RECIPE_FIELDS). */
  contentChanged: boolean;
  /** The immutable fields that changed, as dotted paths, e.g. `components`, `build.rootVolume`. */
  changedFields: string[];
  /** Something that updates in place changed (schedule, distribution, tags, build instances, ...). */
  inPlaceChanged: boolean;
  version: SemVer | undefined;
  baseVersion: SemVer | undefined;
  move: VersionMove;
  components: ComponentComparison[];
}

/** undefined when the current recipe does not parse (validation reports that). */
export function compareWithBase(
  recipePath: string,
  display: string,
  text: string,
  base: BaseRef,
  git: GitRunner,
): RecipeComparison | undefined {
  const current = parseYaml(text, display);
  if (!current.ok) return undefined;
  const data = asRecord(current.parsed.data);
  const name = typeof data.name === 'string' ? data.name : path.basename(path.dirname(recipePath));
  const version = parseSemVer(data.version);

  const baseText = showFileAt(base.commit, recipePath, git);
  const baseParsed = baseText === undefined ? undefined : parseYaml(baseText, display);
  if (baseParsed === undefined || !baseParsed.ok) {
    // New at base, or the base copy was broken: there is no earlier version to compare with.
    return {
      parsed: current.parsed,
      name,
      isNew: true,
      baseUnparsable: baseParsed !== undefined,
      contentChanged: false,
      changedFields: [],
      inPlaceChanged: false,
      version,
      baseVersion: undefined,
      move: 'unknown',
      components: [],
    };
  }
  const baseData = asRecord(baseParsed.parsed.data);
  const baseVersion = parseSemVer(baseData.version);
  const recipeDir = path.dirname(recipePath);

  const changedFields = IMMUTABLE_RECIPE_FIELDS.filter(
    (field) => canonicalJson(fieldAt(data, field)) !== canonicalJson(fieldAt(baseData, field)),
  );
  // The recipe's platform is part of every local component's identity (its Platform property).
  const platformChanged = changedFields.includes('platform');
  const baseEntries = localEntries(baseData);
  const components: ComponentComparison[] = localEntries(data).map((entry) => {
    const baseEntry = baseEntries.find((b) => b.relPath === entry.relPath);
    const absolute = path.resolve(recipeDir, entry.relPath);
    const baseDoc = baseEntry ? showFileAt(base.commit, absolute, git) : undefined;
    const currentDoc = readText(absolute, recipeDir);
    const componentVersion = parseSemVer(entry.version);
    const componentBaseVersion = baseEntry ? parseSemVer(baseEntry.version) : undefined;
    if (baseDoc === undefined || currentDoc === undefined) {
      return {
        ...entry,
        isNew: true,
        contentChanged: false,
        version: componentVersion,
        baseVersion: componentBaseVersion,
        move: 'unknown',
      };
    }
    return {
      ...entry,
      isNew: false,
      contentChanged: platformChanged || canonicalText(baseDoc) !== canonicalText(currentDoc),
      version: componentVersion,
      baseVersion: componentBaseVersion,
      move: moveOf(componentVersion, componentBaseVersion),
    };
  });

  return {
    parsed: current.parsed,
    name,
    isNew: false,
    baseUnparsable: false,
    contentChanged: changedFields.length > 0,
    changedFields,
    inPlaceChanged: canonicalJson(mutablePart(data)) !== canonicalJson(mutablePart(baseData)),
    version,
    baseVersion,
    move: moveOf(version, baseVersion),
    components,
  };
}

export function entryVersionPath(component: Pick<ComponentComparison, 'list' | 'index'>): JsonPath {
  return [component.list, component.index, 'version'];
}

interface LocalEntry {
  list: 'components' | 'tests';
  index: number;
  relPath: string;
  version: unknown;
}

function localEntries(recipe: Record<string, unknown>): LocalEntry[] {
  const entries: LocalEntry[] = [];
  for (const list of ['components', 'tests'] as const) {
    const items = Array.isArray(recipe[list]) ? (recipe[list] as unknown[]) : [];
    items.forEach((item, index) => {
      const entry = asRecord(item);
      // A generator's table is compared like a local document: its content is what the generated components deploy.
      const source =
        typeof entry.file === 'string' && entry.file !== ''
          ? entry.file
          : typeof entry.generate === 'string' && typeof entry.table === 'string'
            ? entry.table
            : undefined;
      if (source !== undefined && source !== '') entries.push({ list, index, relPath: relPathOf(source), version: entry.version });
    });
  }
  return entries;
}

function moveOf(version: SemVer | undefined, baseVersion: SemVer | undefined): VersionMove {
  if (!version || !baseVersion) return 'unknown';
  const order = compareSemVer(version, baseVersion);
  return order > 0 ? 'increased' : order < 0 ? 'decreased' : 'same';
}

/** Canonical form of a component document, the one its `Data` holds; unparseable text compares as itself. */
function canonicalText(text: string): string {
  return canonicalYaml(text) ?? `unparsed:${text}`;
}

/** The value at a dotted field path, or undefined. */
function fieldAt(recipe: Record<string, unknown>, field: string): unknown {
  let node: unknown = recipe;
  for (const key of field.split('.')) node = asRecord(node)[key];
  return node;
}

/** The recipe without its version and without the immutable fields: what updates in place. */
function mutablePart(recipe: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(recipe);
  delete copy.version;
  for (const field of IMMUTABLE_RECIPE_FIELDS) {
    const keys = field.split('.');
    const last = keys.pop() as string;
    let node: unknown = copy;
    for (const key of keys) node = asRecord(node)[key];
    if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[last];
  }
  return copy;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Only a regular UTF-8 file inside the recipe folder (validation reports any other). */
function readText(file: string, recipeDir: string): string | undefined {
  const read = readInputFile(file, { root: recipeDir });
  return read.ok ? read.text : undefined;
}
