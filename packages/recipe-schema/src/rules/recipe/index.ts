import type { RecipeRule } from '../../rule.js';

/** Semantic rules for recipes (RB3xxx), in id order. */
export const recipeRules: readonly RecipeRule[] = [];
