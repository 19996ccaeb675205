import type { Platform } from './recipe-model.js';
import type { RuleHit, RuleMeta } from './types.js';

/** What a component rule sees: the parsed document (any shape: rules must not assume schema validity). */
export interface ComponentRuleContext {
  data: unknown;
  /** Platform of the recipe using the component; undefined for a standalone document. */
  platform: Platform | undefined;
}

/** A local component as loaded for recipe rules. */
export interface LoadedComponent {
  /** Index in `components` or `tests`. */
  list: 'components' | 'tests';
  index: number;
  /** Path as written in the recipe. */
  file: string;
  /** Absolute path on disk. */
  absolutePath: string;
  exists: boolean;
  /** Parsed document, when it exists and parses. */
  data: unknown;
}

/** What a recipe rule sees. */
export interface RecipeRuleContext {
  data: unknown;
  /** Absolute path of the recipe folder. */
  recipeDir: string;
  /** Local components referenced by the recipe, in order. */
  components: readonly LoadedComponent[];
}

export interface ComponentRule extends RuleMeta {
  appliesTo: 'component';
  /**
   * The rule explains a value the schema also rejects, better than the schema can (an unquoted
   * {{ }} read as a map): its findings replace the schema's at the same path instead of being
   * dropped with the rest of the rejected subtree.
   */
  supersedesSchema?: boolean;
  check(ctx: ComponentRuleContext): RuleHit[];
}

export interface RecipeRule extends RuleMeta {
  appliesTo: 'recipe';
  check(ctx: RecipeRuleContext): RuleHit[];
}

/** The compliance score an image needs to be promoted, and where that number comes from (for messages). */
export interface PromotionThreshold {
  score: number;
  /** e.g. `catalog.minimumScore in recipe.yaml`, `minimumScore of compliance/stig-scan.yaml`. */
  from: string;
}

/** What a catalog rule sees: catalog.yaml (any shape) and the recipe it belongs to. */
export interface CatalogRuleContext {
  data: unknown;
  /** The parsed recipe.yaml (any shape), or undefined when it does not parse. */
  recipe: unknown;
  /** Channels the recipe declares, `stable` among them (candidate never). */
  declaredChannels: readonly string[];
  /** Undefined when the recipe has no compliance scan and sets no catalog.minimumScore. */
  threshold: PromotionThreshold | undefined;
}

export interface CatalogRule extends RuleMeta {
  appliesTo: 'catalog';
  check(ctx: CatalogRuleContext): RuleHit[];
}

export type Rule = ComponentRule | RecipeRule | CatalogRule;
