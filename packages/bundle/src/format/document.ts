/**
 * The one model every plan format renders: the recipe plan, each recipe's resource changes and,
 * for a deployment report, what happened to each recipe. Built once, rendered by pure functions.
 */
import type { CatalogPlan } from '../catalog-plan.js';
import type { ResourceChange } from '../diff.js';
import type { PlanRefusal, RecipeAction, RecipePlan, RecipePlanItem } from '../plan.js';

/** What happened to a recipe in a deployment (absent in an offline plan). */
interface RecipeOutcome {
  readonly status: 'succeeded' | 'failed' | 'skipped' | 'pending';
  /** Failure reason, or what was skipped and why. */
  readonly message?: string;
  /** ARN of the image build started after the deploy. */
  readonly imageBuildArn?: string;
  readonly changeSetId?: string;
}

interface PlanDocumentRecipe extends RecipePlanItem {
  /** Predicted (offline) or from the change set (deployer); absent when unknown. */
  readonly resources?: readonly ResourceChange[];
  /** Where `resources` came from. */
  readonly resourcesFrom?: 'templates' | 'change-set';
  readonly outcome?: RecipeOutcome;
}

interface PlanDocument {
  readonly kind: 'plan' | 'deployment';
  /** What was compared: e.g. base `origin/main (1a2b3c4)` and head `working tree`, or the deployment's execution. */
  readonly subject: Readonly<Record<string, string>>;
  readonly stackPrefix: string;
  readonly prune: boolean;
  readonly partial: boolean;
  readonly refusals: readonly PlanRefusal[];
  readonly counts: RecipePlan['counts'] & { readonly replacements: number; readonly failed: number };
  readonly recipes: readonly PlanDocumentRecipe[];
  /** The image catalog's actions (channels, revocations); absent when not planned. */
  readonly catalog?: CatalogPlan;
}

interface DocumentInput {
  kind: 'plan' | 'deployment';
  plan: RecipePlan;
  subject?: Readonly<Record<string, string>>;
  stackPrefix: string;
  prune: boolean;
  partial: boolean;
  resources?: ReadonlyMap<string, { changes: readonly ResourceChange[]; from: 'templates' | 'change-set' }>;
  outcomes?: ReadonlyMap<string, RecipeOutcome>;
  /** The catalog plan (`planCatalog`), shown after the recipes. */
  catalog?: CatalogPlan;
}

function planDocument(input: DocumentInput): PlanDocument {
  let replacements = 0;
  let failed = 0;
  const recipes = input.plan.items.map((item): PlanDocumentRecipe => {
    const resources = input.resources?.get(item.recipe);
    const outcome = input.outcomes?.get(item.recipe);
    if (resources?.changes.some((c) => c.action === 'replace')) replacements += 1;
    if (outcome?.status === 'failed') failed += 1;
    return {
      ...item,
      ...(resources ? { resources: resources.changes, resourcesFrom: resources.from } : {}),
      ...(outcome ? { outcome } : {}),
    };
  });
  return {
    kind: input.kind,
    subject: input.subject ?? {},
    stackPrefix: input.stackPrefix,
    prune: input.prune,
    partial: input.partial,
    refusals: input.plan.refusals,
    counts: { ...input.plan.counts, replacements, failed },
    recipes,
    ...(input.catalog ? { catalog: input.catalog } : {}),
  };
}

/** `1 to create, 2 to update (1 with replacements), ...`: the one-line summary every format shares. */
function summaryLine(doc: PlanDocument): string {
  const c = doc.counts;
  const parts = [
    `${c.create} to create`,
    `${c.update} to update${c.replacements > 0 ? ` (${c.replacements} with replacements)` : ''}`,
    `${c.delete} to delete`,
    `${c.unchanged} unchanged`,
  ];
  const builds = `${c.builds} image ${c.builds === 1 ? 'build' : 'builds'} ${doc.kind === 'plan' ? 'will start' : 'started or due'}`;
  const failed = doc.kind === 'deployment' ? `; ${c.failed} failed` : '';
  return `${parts.join(', ')}; ${builds}${failed}`;
}

const ACTION_ORDER: Record<RecipeAction, number> = { create: 0, update: 1, delete: 2, unchanged: 3 };

/** Recipes worth showing in detail: everything but unchanged ones without an outcome to report. */
function shownRecipes(doc: PlanDocument): PlanDocumentRecipe[] {
  return doc.recipes.filter(
    (r) => r.action !== 'unchanged' || (r.outcome !== undefined && r.outcome.status === 'failed') || r.reason === 'unmanaged',
  );
}

function versionText(r: Pick<RecipePlanItem, 'fromVersion' | 'toVersion'>): string {
  if (r.fromVersion && r.toVersion && r.fromVersion !== r.toVersion) return `${r.fromVersion} -> ${r.toVersion}`;
  return r.toVersion ?? r.fromVersion ?? '';
}

/** `Version, Components (via ComponentA)`: the changed properties of a resource in words. */
function propertiesText(change: ResourceChange): string {
  const props = change.properties.map((p) => {
    const via = p.via && p.via.length > 0 ? ` <- ${p.via.join(', ')}` : '';
    return `${p.path}${p.createOnly ? '*' : ''}${via}`;
  });
  const attributes = change.attributes.map((a) => `@${a}`);
  const all = [...props, ...attributes];
  if (change.previousType) all.unshift(`type was ${change.previousType}`);
  return all.join(', ');
}

/** Create and delete touch every resource of the stack: formats show a count, not a list. */
function listsResources(r: Pick<RecipePlanItem, 'action'>): boolean {
  return r.action === 'update' || r.action === 'unchanged';
}

function resourceCountText(n: number, verb: string): string {
  return `${n} ${n === 1 ? 'resource' : 'resources'} ${verb}`;
}

function resourceActionText(change: ResourceChange): string {
  if (change.action !== 'replace') return change.action;
  return change.replacement === 'conditional' ? 'may replace' : 'replace';
}

export {
  ACTION_ORDER,
  type DocumentInput,
  listsResources,
  type PlanDocument,
  type PlanDocumentRecipe,
  planDocument,
  propertiesText,
  type RecipeOutcome,
  resourceActionText,
  resourceCountText,
  shownRecipes,
  summaryLine,
  versionText,
};
