import path from 'node:path';
import { type BundleOptions, type BundleResult, bundleRecipe, DEFAULT_STACK_PREFIX } from '@ami-bakery/recipe-bundler';
import { displayPath, ENGINE_RULES } from '@ami-bakery/recipe-schema';
import type { RecipeNames } from './workspace.js';

/**
 * `bundleSafely`, refusing a recipe whose name another recipe folder gives too (RB0023): both
 * would write the same bundle folder, stack and Image Builder resources.
 */
export function bundleUnique(recipeDir: string, options: BundleOptions & { cwd: string }, names: RecipeNames): BundleResult {
  const result = bundleSafely(recipeDir, options);
  const duplicate = names.findings(recipeDir, options.cwd);
  if (duplicate.length === 0) return result;
  return {
    ...result,
    ok: false,
    template: undefined,
    templateText: undefined,
    manifest: undefined,
    parameters: [],
    links: [],
    findings: [...duplicate, ...result.findings],
  };
}

/**
 * `bundleRecipe`, but a bundler defect on one recipe becomes an RB0002 finding on it instead of
 * ending the whole run: the other recipes are still checked and bundled.
 */
export function bundleSafely(recipeDir: string, options: BundleOptions & { cwd: string }): BundleResult {
  try {
    return bundleRecipe(recipeDir, options);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const name = path.basename(recipeDir);
    const meta = ENGINE_RULES.ruleFailed;
    return {
      ok: false,
      name,
      version: '',
      stackName: `${options.stackNamePrefix ?? DEFAULT_STACK_PREFIX}${name}`,
      template: undefined,
      templateText: undefined,
      manifest: undefined,
      parameters: [],
      links: [],
      findings: [
        {
          ruleId: meta.id,
          slug: meta.slug,
          severity: 'error',
          message: `Bundling this recipe failed (${reason}). This is a defect in bakery; please report it with this recipe. The other recipes were still checked.`,
          file: displayPath(options.cwd, path.join(recipeDir, 'recipe.yaml')),
          range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
          path: [],
          source: 'bakery',
        },
      ],
    };
  }
}
