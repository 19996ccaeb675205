import type { RecipeRule } from '../../rule.js';
import { escapesRecipeDir } from './recipe-fields.js';

export const componentPathOutsideRecipe: RecipeRule = {
  id: 'RB3009',
  slug: 'component-path-outside-recipe',
  severity: 'error',
  description: 'Local component files are relative paths inside the recipe folder.',
  appliesTo: 'recipe',
  check({ recipeDir, components }) {
    return components
      .filter((c) => escapesRecipeDir(c.file, recipeDir, c.absolutePath))
      .map((c) => ({
        path: [c.list, c.index, 'file'],
        message: `'${c.file}' is outside the recipe folder; copy the document into it (e.g. components/) and use a relative path, so the bundle, the content hash and the version gate include it.`,
      }));
  },
};
