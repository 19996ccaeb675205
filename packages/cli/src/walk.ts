/**
 * The folder walk behind the PATH arguments of `validate` (YAML files) and of `lint`, `bundle` and
 * `build` (recipes and templates): every command must skip and order folders the same way.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const RECIPE_FILE = 'recipe.yaml';
// Dependencies and build output: a walk of the workspace would otherwise check every bundle twice (name them to check them).
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'cdk.out', 'coverage']);

export interface WalkFound {
  /** A folder holding a recipe.yaml; its sub-folders belong to the recipe and are not walked. */
  recipe(dir: string): void;
  /** A file whose name `wanted` accepted. */
  file(absolute: string): void;
}

/** Walks `dir` in name order, without entering dot-folders or skipped ones. */
export function walkFolder(dir: string, wanted: (name: string) => boolean, found: WalkFound): void {
  if (kindOf(path.join(dir, RECIPE_FILE)) === 'file') {
    found.recipe(dir);
    return;
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    // An unreadable sub-folder has nothing we can check; the folder named on the command line exists.
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolute = path.join(dir, entry.name);
    // Symlinked folders are not followed (Dirent reports them as links), so a loop cannot hang the walk.
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) walkFolder(absolute, wanted, found);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && wanted(entry.name)) {
      found.file(absolute);
    }
  }
}

export function kindOf(absolute: string): 'file' | 'folder' | undefined {
  try {
    const stat = statSync(absolute);
    return stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
