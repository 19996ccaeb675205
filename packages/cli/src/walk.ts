/**
 * The folder walk behind the PATH arguments of `validate` (YAML files) and of `lint`, `bundle` and
 * `build` (recipes and templates): every command must skip and order folders the same way.
 */
import { type Dirent, lstatSync, readdirSync, statSync } from 'node:fs';
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
  // Any entry named recipe.yaml makes a recipe folder, also one that is no regular file (a link to
  // a device, a FIFO, a folder): reading it gives the finding, skipping it would hide the recipe.
  if (entryExists(path.join(dir, RECIPE_FILE))) {
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
    } else if (!entry.isDirectory() && wanted(entry.name)) {
      found.file(absolute);
    }
  }
}

/**
 * A folder, or anything else that is there (a file, a link to a device, a FIFO, a dangling link):
 * what is not a regular file is refused with a finding when it is read, never skipped in silence.
 */
export function kindOf(absolute: string): 'file' | 'folder' | undefined {
  try {
    return statSync(absolute).isDirectory() ? 'folder' : 'file';
  } catch {
    return entryExists(absolute) ? 'file' : undefined;
  }
}

function entryExists(absolute: string): boolean {
  try {
    lstatSync(absolute);
    return true;
  } catch {
    return false;
  }
}
