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

export type Rule = ComponentRule | RecipeRule;
