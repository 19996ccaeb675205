import path from 'node:path';
import type { RecipeRule } from '../../rule.js';
import { asRecord } from '../util.js';

/**
 * A workspace recipe lives in recipes/<name>/; its stack and every resource are named after
 * `name:`, while `bakery bump`, `validate <name>` and the build targets find it by its folder. A
 * name that differs from the folder silently renames the stack and sends the author to commands
 * that cannot find the recipe. Recipes outside a recipes/ folder (examples, fixtures) are not checked.
 */
export const recipeNameFolder: RecipeRule = {
  id: 'RB3019',
  slug: 'recipe-name-folder',
  severity: 'error',
  description: 'A recipe under recipes/ is named after its folder: name: in recipes/<folder>/recipe.yaml equals <folder>.',
  appliesTo: 'recipe',
  check({ data, recipeDir }) {
    const name = asRecord(data).name;
    if (typeof name !== 'string' || name.trim() === '') return [];
    if (path.basename(path.dirname(recipeDir)) !== 'recipes') return [];
    const folder = path.basename(recipeDir);
    if (name === folder) return [];
    return [
      {
        path: ['name'],
        message: `name is '${name}' but the recipe's folder is recipes/${folder}; the stack and its resources are named after name, while bakery commands find the recipe by its folder. Set name: ${folder}, or rename the folder to recipes/${name} (a new name is a new recipe stack).`,
      },
    ];
  },
};
