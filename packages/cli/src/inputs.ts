/**
 * Turns the PATH arguments of `validate` into the files to check. A recipe folder stands for its
 * recipe.yaml (whose components are checked through it); any other folder is walked for YAML files.
 */
import path from 'node:path';
import { UsageError } from './errors.js';
import { namedRecipe, notFound } from './targets.js';
import { kindOf, RECIPE_FILE, walkFolder } from './walk.js';

export interface Input {
  /** `recipe`: validate as a recipe with its components; `file`: decide by content. */
  kind: 'recipe' | 'file';
  absolute: string;
}

const YAML_FILE = /\.ya?ml$/i;

export function resolveInputs(paths: readonly string[], cwd: string): Input[] {
  // A bare recipe name stands for recipes/<name> of the workspace, as in every other command.
  const absolutes = paths.map((p) => namedRecipe(p, cwd) ?? path.resolve(cwd, p));
  absolutes.forEach((absolute, i) => {
    if (kindOf(absolute) === undefined) throw new UsageError(notFound(paths[i] as string, cwd));
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
    else
      walkFolder(absolute, (name) => YAML_FILE.test(name), {
        recipe: (dir) => add({ kind: 'recipe', absolute: path.join(dir, RECIPE_FILE) }),
        file: (file) => add({ kind: 'file', absolute: file }),
      });
  }
  return inputs;
}
