/**
 * The desired catalog as the verified bundle carries it: `LoadedRecipe.catalog` (catalog.json,
 * parsed and checked by `@ami-bakery/bundle`), the default catalog for a recipe without one; and
 * the regions each recipe's template distributes to, so channels and revocations are observed
 * there even when the catalog names no AMI in them.
 */
import { type CatalogState, defaultCatalogState, isRegion, type LoadedRecipe } from '@ami-bakery/bundle';
import type { RecipeCatalogSettings } from './settings.js';

/** String `Region` values of the template's distribution configurations (`Ref: AWS::Region` is the bakery's own, observed anyway). */
function distributionRegions(recipe: LoadedRecipe): string[] {
  const regions = new Set<string>();
  const resources =
    (recipe.template as { Resources?: Record<string, { Type?: unknown; Properties?: { Distributions?: unknown } }> }).Resources ?? {};
  for (const resource of Object.values(resources)) {
    if (resource?.Type !== 'AWS::ImageBuilder::DistributionConfiguration') continue;
    const list = resource.Properties?.Distributions;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const region = (item as { Region?: unknown } | null)?.Region;
      if (isRegion(region)) regions.add(region);
    }
  }
  return [...regions].sort();
}

/** Every recipe's desired catalog, its settings record and its distribution regions. */
function desiredCatalogs(
  recipes: readonly LoadedRecipe[],
  sourceCommit: string | null,
): { desired: Map<string, CatalogState>; settings: Map<string, RecipeCatalogSettings>; regions: Map<string, string[]> } {
  const desired = new Map<string, CatalogState>();
  const settings = new Map<string, RecipeCatalogSettings>();
  const regions = new Map<string, string[]>();
  for (const recipe of recipes) {
    const name = recipe.entry.name;
    const catalog = recipe.catalog ?? defaultCatalogState();
    desired.set(name, catalog);
    regions.set(name, distributionRegions(recipe));
    settings.set(name, {
      formatVersion: 1,
      recipe: name,
      deprecateSupersededAfterDays: catalog.deprecateSupersededAfterDays,
      declaredChannels: [...catalog.declaredChannels],
      sourceCommit,
    });
  }
  return { desired, settings, regions };
}

export { desiredCatalogs, distributionRegions };
