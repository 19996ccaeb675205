import type { RecipeRule } from '../../rule.js';
import { escapesRecipeDir } from './recipe-fields.js';

export const componentFileExists: RecipeRule = {
  id: 'RB3007',
  slug: 'component-file-exists',
  severity: 'error',
  description: 'Every local component file exists in the recipe folder.',
  appliesTo: 'recipe',
  check({ recipeDir, components }) {
    // A path outside the recipe folder is RB3009's finding; whether it exists there does not matter.
    return components
      .filter((c) => !c.exists && !escapesRecipeDir(c.file, recipeDir, c.absolutePath))
      .map((c) => ({
        path: [c.list, c.index, 'file'],
        message: `There is no file '${c.file}' in the recipe folder; create the AWSTOE document there or fix the path (it is relative to the folder of recipe.yaml).`,
      }));
  },
};
