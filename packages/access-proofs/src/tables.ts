/**
 * Running a row of the tables: a row that names `{Recipe}` (principal) or `${Recipe}`,
 * `${RecipeStack}`, `${OtherRecipe}`, `${RecipeEvidenceObject}` runs once per recipe (or per
 * recipe of its `recipes` list); a row naming `${RecipeEvidenceObject}` runs only for the recipes
 * whose build instance writes evidence.
 */
import type { AccountModel } from './model.js';
import { type Decision, evaluate, type Outcome, type Row, recipeEvidenceObject } from './simulate.js';

const PER_RECIPE = /\$\{(Recipe|RecipeStack|OtherRecipe|OtherRecipeStack|RecipeEvidenceObject)\}/;

export function recipeScoped(row: Row): boolean {
  return row.principal.includes('{Recipe}') || PER_RECIPE.test(`${row.resource} ${JSON.stringify(row.context ?? {})}`);
}

/** The recipes a row runs for (`[undefined]`: once, for no recipe). */
export function rowTargets(model: AccountModel, row: Row, recipes: readonly string[]): (string | undefined)[] {
  if (!recipeScoped(row)) return [undefined];
  const targets = row.recipes ?? recipes;
  return row.resource.includes('${RecipeEvidenceObject}')
    ? targets.filter((r) => recipeEvidenceObject(model, r) !== undefined)
    : [...targets];
}

export async function outcomesOf(model: AccountModel, row: Row, recipes: readonly string[]): Promise<Outcome[]> {
  return Promise.all(
    rowTargets(model, row, recipes).map((recipe) =>
      evaluate(
        model,
        row,
        recipe,
        recipes.find((candidate) => candidate !== recipe),
      ),
    ),
  );
}

/** Whether an outcome is what its table wants: required rows Allowed, attacks denied (an error is never right). */
export function asExpected(table: 'required' | 'attacks', decision: Decision, knownDefect: boolean): boolean {
  if (decision === 'Error') return false;
  const right = table === 'required' ? decision === 'Allowed' : decision !== 'Allowed';
  return knownDefect ? !right : right;
}
