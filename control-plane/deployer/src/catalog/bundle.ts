/**
 * The desired catalog as the verified bundle carries it: a recipe's `catalog.json`, parsed and
 * checked by `@ami-bakery/bundle` when the bundle is loaded (`LoadedRecipe.catalog`). A recipe
 * without one has the default catalog: only `stable`, nothing promoted, nothing revoked, no
 * deprecation of superseded images; the step leaves such recipes alone in AWS.
 */
import type { LoadedRecipe } from '@ami-bakery/bundle';
import type { CatalogState } from './model.js';
import type { RecipeCatalogSettings } from './settings.js';

const DEFAULT_SETTINGS = { declaredChannels: ['stable'], deprecateSupersededAfterDays: null } as const;

function catalogOf(recipe: LoadedRecipe): CatalogState | undefined {
  const catalog = (recipe as LoadedRecipe & { readonly catalog?: CatalogState }).catalog;
  return catalog && typeof catalog === 'object' ? catalog : undefined;
}

/** Desired catalogs (recipes that carry one) and the settings record of every recipe. */
function desiredCatalogs(
  recipes: readonly LoadedRecipe[],
  sourceCommit: string | null,
): { desired: Map<string, CatalogState>; settings: Map<string, RecipeCatalogSettings> } {
  const desired = new Map<string, CatalogState>();
  const settings = new Map<string, RecipeCatalogSettings>();
  for (const recipe of recipes) {
    const name = recipe.entry.name;
    const catalog = catalogOf(recipe);
    if (catalog) desired.set(name, catalog);
    settings.set(name, {
      formatVersion: 1,
      recipe: name,
      deprecateSupersededAfterDays: catalog?.deprecateSupersededAfterDays ?? DEFAULT_SETTINGS.deprecateSupersededAfterDays,
      declaredChannels: [...(catalog?.declaredChannels ?? DEFAULT_SETTINGS.declaredChannels)],
      sourceCommit,
    });
  }
  return { desired, settings };
}

export { catalogOf, desiredCatalogs };
