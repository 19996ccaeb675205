/**
 * The catalog part of the bundler: `recipes/<name>/catalog.yaml` and the recipe's catalog
 * settings become the bundle's `recipes/<name>/catalog.json` (docs/contracts.md, "Image catalog").
 * Validation has checked the file already (RB7xxx); the bundle format's own check runs again
 * here, so a catalog the deployer would refuse never reaches a bundle (RB7008).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type CatalogState,
  catalogJson,
  catalogPathText,
  catalogSettingsOf,
  catalogStateOf,
  checkCatalogFile,
  isDefaultCatalog,
} from '@ami-bakery/bundle';
import { type Finding, hitToFinding, parseYaml, type RuleMeta, readInputFile, registerRuleMeta } from '@ami-bakery/recipe-schema';

export const CATALOG_FILE = 'catalog.yaml';
export const CATALOG_JSON = 'catalog.json';

export const CATALOG_BUNDLE_RULE = {
  id: 'RB7008',
  slug: 'catalog-bundle',
  severity: 'error',
  description: 'catalog.yaml reads as the catalog the deployer applies (the bundle format checks it again when bundling).',
  example: 'channels:\n  stable: latest   # not an entry the deployer can apply',
  fix: 'Fix the path the message names; bakery promote, revoke and unrevoke write entries the deployer accepts.',
} as const satisfies RuleMeta;

registerRuleMeta(CATALOG_BUNDLE_RULE);

export interface RecipeCatalog {
  /** Undefined when the recipe has no catalog (no catalog.yaml and default settings): no catalog.json. */
  state: CatalogState | undefined;
  /** Exactly what catalog.json holds. */
  text: string | undefined;
  findings: Finding[];
}

/**
 * The catalog of the recipe folder `dir` whose parsed recipe.yaml is `recipe`. `display` turns an
 * absolute path into the path findings show.
 */
export function recipeCatalog(dir: string, recipe: unknown, display: (absolute: string) => string): RecipeCatalog {
  const settings = catalogSettingsOf(recipe);
  const absolute = path.join(dir, CATALOG_FILE);
  let state: CatalogState;
  if (!existsSync(absolute)) {
    state = catalogStateOf(undefined, settings);
  } else {
    const file = display(absolute);
    const read = readInputFile(absolute, { root: dir });
    if (!read.ok) return { state: undefined, text: undefined, findings: [] }; // validation reported it
    const parsed = parseYaml(read.text, file);
    if (!parsed.ok) return { state: undefined, text: undefined, findings: parsed.findings };
    const checked = checkCatalogFile(parsed.parsed.data, settings.declaredChannels);
    if (!checked.file) {
      const findings = checked.issues.map((issue) =>
        hitToFinding(
          CATALOG_BUNDLE_RULE,
          { path: [...issue.path], message: `${catalogPathText(issue.path)}: ${issue.message}.` },
          parsed.parsed,
        ),
      );
      return { state: undefined, text: undefined, findings };
    }
    state = catalogStateOf(checked.file, settings);
  }
  if (!existsSync(absolute) && isDefaultCatalog(state)) return { state: undefined, text: undefined, findings: [] };
  return { state, text: catalogJson(state), findings: [] };
}

/**
 * The recipe without its catalog settings (`catalog`, `lifecycle.deprecateSupersededAfterDays`):
 * what the content hash covers, since the catalog changes no Image Builder resource.
 */
export function withoutCatalogSettings(recipe: Record<string, unknown>): Record<string, unknown> {
  const lifecycle = recipe.lifecycle;
  const hasDays = typeof lifecycle === 'object' && lifecycle !== null && 'deprecateSupersededAfterDays' in lifecycle;
  if (!('catalog' in recipe) && !hasDays) return recipe;
  const { catalog: _catalog, ...rest } = recipe;
  if (hasDays) {
    const { deprecateSupersededAfterDays: _days, ...keep } = lifecycle as Record<string, unknown>;
    // A lifecycle block that held only the setting hashes as no block at all.
    if (Object.keys(keep).length > 0) rest.lifecycle = keep;
    else delete rest.lifecycle;
  }
  return rest;
}
