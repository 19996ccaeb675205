/**
 * Readers shared by the recipe rules. Rules run on documents that may not match the schema, so
 * every reader tolerates any shape and returns `undefined` or an empty list instead of throwing.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { RecipeRule } from '../../rule.js';
import type { JsonPath } from '../../types.js';
import { asArray, asRecord, asString } from '../util.js';

export type ComponentList = 'components' | 'tests';

export interface ComponentEntry {
  list: ComponentList;
  index: number;
  managed: string | undefined;
  file: string | undefined;
}

/** Every entry of `components` and `tests`, in recipe order. */
export function componentEntries(data: unknown): ComponentEntry[] {
  const recipe = asRecord(data);
  const entries: ComponentEntry[] = [];
  for (const list of ['components', 'tests'] as const) {
    asArray(recipe[list]).forEach((raw, index) => {
      const entry = asRecord(raw);
      entries.push({
        list,
        index,
        managed: nonBlank(entry.managed),
        file: nonBlank(entry.file),
      });
    });
  }
  return entries;
}

/** Value at `path` inside `data`, or `undefined` when any step is missing or of the wrong shape. */
export function valueAt(data: unknown, path: JsonPath): unknown {
  let node: unknown = data;
  for (const segment of path) {
    if (typeof segment === 'number') node = asArray(node)[segment];
    else node = asRecord(node)[segment];
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * The check of a boolean setting whose default is the safe value: only an explicit `false` is a
 * finding, so a recipe that leaves the setting out is never flagged.
 */
export function forbidFalse(settingPath: JsonPath, message: string): RecipeRule['check'] {
  return ({ data }) => (valueAt(data, settingPath) === false ? [{ path: settingPath, message }] : []);
}

export function platformOf(data: unknown): 'linux' | 'windows' | undefined {
  const platform = asRecord(data).platform;
  return platform === 'linux' || platform === 'windows' ? platform : undefined;
}

export function architectureOf(data: unknown): 'x86_64' | 'arm64' | undefined {
  const architecture = asRecord(data).architecture;
  return architecture === 'x86_64' || architecture === 'arm64' ? architecture : undefined;
}

/** The build instance types that are strings, with their index in the list. */
export function instanceTypes(data: unknown): Array<{ index: number; type: string }> {
  return asArray(valueAt(data, ['build', 'instanceTypes'])).flatMap((value, index) => {
    const type = asString(value);
    return type === undefined ? [] : [{ index, type: type.trim().toLowerCase() }];
  });
}

/** An entry as the author counts it, e.g. `components entry 3` for index 2. */
export function describeEntry(list: ComponentList, index: number): string {
  return `${list} entry ${index + 1}`;
}

function nonBlank(value: unknown): string | undefined {
  const text = asString(value);
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/**
 * Whether a local component path leaves the recipe folder: absolute (POSIX or Windows), through
 * `..`, or through a symbolic link. Everything a recipe builds from must sit in its folder, or the
 * content hash and the version gate miss changes to it.
 */
export function escapesRecipeDir(file: string, recipeDir: string, absolutePath: string): boolean {
  const slashed = file.trim().replace(/\\/g, '/');
  if (slashed.startsWith('/') || slashed.startsWith('~') || /^[A-Za-z]:/.test(slashed)) return true;
  const normalized = path.posix.normalize(slashed);
  if (normalized === '..' || normalized.startsWith('../')) return true;
  const real = realPath(absolutePath);
  const realDir = realPath(recipeDir);
  if (real === undefined || realDir === undefined) return false;
  const relative = path.relative(realDir, real);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative);
}

/** A component path in the form used to compare two entries: forward slashes, no `./`. */
export function normalizeComponentPath(file: string): string {
  return path.posix.normalize(file.trim().replace(/\\/g, '/')).replace(/^\.\//, '');
}

function realPath(absolute: string): string | undefined {
  try {
    return realpathSync(absolute);
  } catch {
    return undefined;
  }
}
