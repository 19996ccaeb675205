/**
 * Turns the PATH arguments of `validate` into the files to check. A recipe folder stands for its
 * recipe.yaml (whose components are checked through it); any other folder is walked for YAML files.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

export interface Input {
  /** `recipe`: validate as a recipe with its components; `file`: decide by content. */
  kind: 'recipe' | 'file';
  absolute: string;
}

/** Folders never worth walking: dependencies, build output, VCS and tool state. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'cdk.out', 'coverage']);
const YAML_FILE = /\.ya?ml$/i;
const RECIPE_FILE = 'recipe.yaml';

export function resolveInputs(paths: readonly string[], cwd: string): Input[] {
  const absolutes = paths.map((p) => path.resolve(cwd, p));
  absolutes.forEach((absolute, i) => {
    if (kindOf(absolute) === undefined) throw new UsageError(`no such file or folder: ${paths[i]}`);
  });
  const seen = new Set<string>();
  const inputs: Input[] = [];
  const add = (input: Input) => {
    if (seen.has(input.absolute)) return;
    seen.add(input.absolute);
    inputs.push(input);
  };
  for (const absolute of absolutes) {
    if (kindOf(absolute) === 'file') add({ kind: path.basename(absolute) === RECIPE_FILE ? 'recipe' : 'file', absolute });
    else walk(absolute, add);
  }
  return inputs;
}

function walk(dir: string, add: (input: Input) => void): void {
  const recipe = path.join(dir, RECIPE_FILE);
  if (kindOf(recipe) === 'file') {
    add({ kind: 'recipe', absolute: recipe });
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
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) walk(absolute, add);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && YAML_FILE.test(entry.name)) {
      add({ kind: 'file', absolute });
    }
  }
}

function kindOf(absolute: string): 'file' | 'folder' | undefined {
  try {
    const stat = statSync(absolute);
    return stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
