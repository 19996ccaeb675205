/**
 * Plans a deployment: the desired recipes (a bundle manifest) against the deployed recipe stacks
 * (name, status, tags). Pure: the deployer feeds it what CloudFormation lists, `bakery plan` what
 * the base bundle would have deployed.
 */
import { InvalidArgumentError } from './errors.js';
import { compareCodeUnits, deployHash } from './hash.js';
import type { BundleManifestV2, BundleRecipeEntry } from './manifest.js';
import { STACK_NAME } from './names.js';
import { MANAGED_BY, TAGS } from './tags.js';

type RecipeAction = 'create' | 'update' | 'unchanged' | 'delete';

/** Why a recipe got its action; stable codes for machines, `detail` says it in words. */
type PlanReason =
  | 'new-recipe'
  | 'recreate-failed-create'
  | 'resume-create'
  | 'adopt'
  | 'version-changed'
  | 'deployment-changed'
  | 'tags-changed'
  | 'same'
  | 'left-manifest'
  | 'retired'
  | 'kept-prune-off'
  | 'kept-partial'
  | 'unmanaged'
  | 'stack-busy'
  | 'stack-needs-attention';

/** A recipe stack as CloudFormation lists it. */
interface DeployedStack {
  readonly stackName: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

interface RecipePlanItem {
  readonly recipe: string;
  readonly stackName: string;
  readonly action: RecipeAction;
  readonly reason: PlanReason;
  readonly detail: string;
  /** An image build starts after the deploy (version changed and the recipe builds on version changes). */
  readonly build: boolean;
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  /** The stack exists without the deployer's tags (deployed by the previous pipeline); the update adds them. */
  readonly adopt: boolean;
  /** The stack is ROLLBACK_COMPLETE (a first create failed): deleted, then created again. */
  readonly replaceFailedStack: boolean;
  /** Set for create and update: the deploy hash the stack is tagged with afterwards. */
  readonly deployHash: string | null;
  /** The stack cannot be deployed now (busy or broken); the deployer reports it failed without trying. */
  readonly blocked: boolean;
  /** Current stack status, when a stack exists. */
  readonly stackStatus: string | null;
}

/** A plan the deployer must not carry out, with its stable id. */
interface PlanRefusal {
  readonly id: 'PLAN001' | 'PLAN002';
  readonly message: string;
  readonly recipes: readonly string[];
}

interface RecipePlan {
  /** Every recipe of the manifest and every deployed recipe stack, sorted by recipe name. */
  readonly items: readonly RecipePlanItem[];
  /** Non-empty: deploy nothing at all. */
  readonly refusals: readonly PlanRefusal[];
  readonly counts: Readonly<Record<RecipeAction, number>> & { readonly builds: number; readonly blocked: number };
}

interface PlanOptions {
  /** `RecipeStackPrefix`: recipe `x` lives in stack `<prefix>x`. */
  stackPrefix: string;
  /** Delete the stacks of recipes that left the manifest (default true). */
  prune?: boolean;
  /** Values of the template parameters (env RECIPE_PARAMETERS); part of each stack's deploy hash. */
  parameterValues?: Readonly<Record<string, string>>;
  /**
   * Without being retired, at most this share of the managed recipes may be deleted by one plan
   * (at least one recipe always may). Default 0.1.
   */
  maxUnretiredDeleteShare?: number;
}

const DEFAULT_MAX_UNRETIRED_DELETE_SHARE = 0.1;

/** CloudFormation statuses in which a stack is being changed by someone else. */
const BUSY = /_IN_PROGRESS$/;
/** Statuses that need a person: the deployer neither updates nor deletes such a stack. */
const NEEDS_ATTENTION = new Set(['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'IMPORT_ROLLBACK_FAILED']);
const ATTENTION_HINT: Record<string, string> = {
  UPDATE_ROLLBACK_FAILED: 'continue the rollback (aws cloudformation continue-update-rollback) and run the pipeline again',
  ROLLBACK_FAILED: 'delete the stack (keeping what it cannot delete) and run the pipeline again',
  DELETE_FAILED: 'delete the stack again, retaining the resources it cannot delete, and run the pipeline again',
  IMPORT_ROLLBACK_FAILED: 'fix the stack by hand and run the pipeline again',
};

function planRecipes(desired: BundleManifestV2, deployed: readonly DeployedStack[], options: PlanOptions): RecipePlan {
  const prefix = options.stackPrefix;
  if (!STACK_NAME.test(prefix) || prefix.length > 100)
    throw new InvalidArgumentError(`stack prefix ${JSON.stringify(prefix)} cannot start a stack name`);
  const prune = options.prune ?? true;
  const values = options.parameterValues ?? {};
  const share = options.maxUnretiredDeleteShare ?? DEFAULT_MAX_UNRETIRED_DELETE_SHARE;
  if (!(share >= 0 && share <= 1)) throw new InvalidArgumentError(`maxUnretiredDeleteShare must be between 0 and 1, not ${share}`);

  const stacks = new Map<string, DeployedStack>();
  for (const stack of deployed) {
    if (stack.stackName.startsWith(prefix) && stack.stackName.length > prefix.length && stack.status !== 'DELETE_COMPLETE')
      stacks.set(stack.stackName, stack);
  }
  const items: RecipePlanItem[] = [];
  const wanted = new Set<string>();
  for (const entry of desired.recipes) {
    const stackName = `${prefix}${entry.name}`;
    wanted.add(stackName);
    items.push(planDesired(entry, stackName, stacks.get(stackName), deployHash(entry.templateHash, entry.parameters, values)));
  }
  const retired = new Map(desired.retired.map((r) => [r.name, r.reason]));
  for (const stack of stacks.values()) {
    if (wanted.has(stack.stackName)) continue;
    items.push(planLeft(stack, stack.stackName.slice(prefix.length), { prune, partial: desired.partial, retired }));
  }
  items.sort((a, b) => compareCodeUnits(a.recipe, b.recipe) || compareCodeUnits(a.stackName, b.stackName));

  const refusals = safetyRefusals(items, [...stacks.values()].filter(isManaged), retired, share);
  const counts = { create: 0, update: 0, unchanged: 0, delete: 0, builds: 0, blocked: 0 };
  for (const item of items) {
    counts[item.action] += 1;
    if (item.build) counts.builds += 1;
    if (item.blocked) counts.blocked += 1;
  }
  return { items, refusals, counts };
}

function isManaged(stack: DeployedStack): boolean {
  return stack.tags[TAGS.managedBy] === MANAGED_BY;
}

function base(recipe: string, stackName: string, stack: DeployedStack | undefined) {
  return {
    recipe,
    stackName,
    adopt: false,
    replaceFailedStack: false,
    blocked: false,
    deployHash: null,
    stackStatus: stack?.status ?? null,
    fromVersion: stack?.tags[TAGS.version] ?? null,
  };
}

function planDesired(entry: BundleRecipeEntry, stackName: string, stack: DeployedStack | undefined, hash: string): RecipePlanItem {
  const toVersion = entry.version;
  const common = { ...base(entry.name, stackName, stack), toVersion, deployHash: hash };
  if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
    const resume = stack !== undefined;
    return {
      ...common,
      fromVersion: null,
      action: 'create',
      reason: resume ? 'resume-create' : 'new-recipe',
      detail: resume ? `stack ${stackName} was never created (REVIEW_IN_PROGRESS); creating it` : `new recipe, version ${toVersion}`,
      build: entry.buildOnVersionChange,
    };
  }
  if (stack.status === 'ROLLBACK_COMPLETE') {
    return {
      ...common,
      fromVersion: null,
      action: 'create',
      reason: 'recreate-failed-create',
      detail: `stack ${stackName} is ROLLBACK_COMPLETE (its first create failed): deleted and created again`,
      build: entry.buildOnVersionChange,
      replaceFailedStack: true,
    };
  }
  const blocked = blockedBy(stack);
  if (blocked) return { ...common, action: 'update', ...blocked, build: false };

  const tags = stack.tags;
  if (!isManaged(stack)) {
    return {
      ...common,
      action: 'update',
      reason: 'adopt',
      detail: `stack ${stackName} was deployed without the deployer's tags (previous pipeline); it is updated in place and tagged, never recreated`,
      build: false,
      adopt: true,
    };
  }
  const fromVersion = tags[TAGS.version] ?? null;
  const versionChanged = fromVersion !== toVersion;
  const deployChanged = tags[TAGS.deployHash] !== hash;
  const tagsChanged = tags[TAGS.contentHash] !== entry.contentHash || tags[TAGS.recipe] !== entry.name;
  if (!versionChanged && !deployChanged && !tagsChanged) {
    return { ...common, action: 'unchanged', reason: 'same', detail: `version ${toVersion}, same template and parameters`, build: false };
  }
  if (versionChanged) {
    const build = entry.buildOnVersionChange;
    return {
      ...common,
      action: 'update',
      reason: 'version-changed',
      detail: `version changed${build ? '' : ' (schedule.buildOnVersionChange is false: no build)'}`,
      build,
    };
  }
  if (deployChanged)
    return {
      ...common,
      action: 'update',
      reason: 'deployment-changed',
      detail: 'template or parameter values changed, same version',
      build: false,
    };
  return { ...common, action: 'update', reason: 'tags-changed', detail: 'only the stack tags change (content hash)', build: false };
}

function blockedBy(stack: DeployedStack): { reason: PlanReason; detail: string; blocked: true } | undefined {
  if (NEEDS_ATTENTION.has(stack.status)) {
    return {
      reason: 'stack-needs-attention',
      detail: `stack ${stack.stackName} is ${stack.status}: ${ATTENTION_HINT[stack.status]}`,
      blocked: true,
    };
  }
  if (BUSY.test(stack.status)) {
    return {
      reason: 'stack-busy',
      detail: `stack ${stack.stackName} is ${stack.status} (another operation is running); run the pipeline again when it ends`,
      blocked: true,
    };
  }
  return undefined;
}

function planLeft(
  stack: DeployedStack,
  recipe: string,
  context: { prune: boolean; partial: boolean; retired: ReadonlyMap<string, string> },
): RecipePlanItem {
  const common = { ...base(recipe, stack.stackName, stack), toVersion: null, build: false };
  if (!isManaged(stack)) {
    return {
      ...common,
      action: 'unchanged',
      reason: 'unmanaged',
      detail: `stack ${stack.stackName} has the recipe prefix but is not the deployer's (no ${TAGS.managedBy} tag) and no recipe names it: left alone`,
    };
  }
  if (context.partial)
    return {
      ...common,
      action: 'unchanged',
      reason: 'kept-partial',
      detail: 'not in this partial bundle: kept (a partial bundle never deletes)',
    };
  if (!context.prune)
    return { ...common, action: 'unchanged', reason: 'kept-prune-off', detail: 'left the manifest: kept because pruning is off' };
  const blocked = blockedBy(stack);
  if (blocked) return { ...common, action: 'delete', ...blocked };
  const reason = context.retired.get(recipe);
  if (reason !== undefined) return { ...common, action: 'delete', reason: 'retired', detail: `retired: ${reason}` };
  return { ...common, action: 'delete', reason: 'left-manifest', detail: 'left the manifest: its stack is deleted (AMIs stay)' };
}

/**
 * The prune safety rule: deleting every managed recipe, or more than the allowed share of them, is
 * refused unless each deleted recipe is retired in the bundle (recipes/retired.yaml). A half-empty
 * bundle (a failed build, a wrong folder) thus never wipes the bakery.
 */
function safetyRefusals(
  items: readonly RecipePlanItem[],
  managed: readonly DeployedStack[],
  retired: ReadonlyMap<string, string>,
  share: number,
): PlanRefusal[] {
  const deletes = items.filter((i) => i.action === 'delete');
  const unretired = deletes.filter((i) => !retired.has(i.recipe)).map((i) => i.recipe);
  if (unretired.length === 0) return [];
  const refusals: PlanRefusal[] = [];
  if (managed.length > 0 && deletes.length === managed.length) {
    refusals.push({
      id: 'PLAN001',
      message: `the bundle would delete every deployed recipe (${managed.length}); deploy refused. If that is meant, list them in recipes/retired.yaml`,
      recipes: unretired,
    });
    return refusals;
  }
  const allowed = Math.max(1, Math.floor(managed.length * share));
  if (unretired.length > allowed) {
    refusals.push({
      id: 'PLAN002',
      message: `the bundle would delete ${unretired.length} of ${managed.length} deployed recipes without retiring them (at most ${allowed} may go unannounced); deploy refused. Retire them in recipes/retired.yaml, or check that the bundle is complete`,
      recipes: unretired,
    });
  }
  return refusals;
}

/**
 * The deployed state a manifest leaves behind: what the deployer would have tagged each stack with.
 * `bakery plan` plans the working tree against this state of the base bundle.
 */
function deployedStateOf(manifest: BundleManifestV2, options: Pick<PlanOptions, 'stackPrefix' | 'parameterValues'>): DeployedStack[] {
  const values = options.parameterValues ?? {};
  return manifest.recipes.map((entry) => ({
    stackName: `${options.stackPrefix}${entry.name}`,
    status: 'UPDATE_COMPLETE',
    tags: {
      [TAGS.recipe]: entry.name,
      [TAGS.version]: entry.version,
      [TAGS.contentHash]: entry.contentHash,
      [TAGS.deployHash]: deployHash(entry.templateHash, entry.parameters, values),
      [TAGS.managedBy]: MANAGED_BY,
    },
  }));
}

export {
  DEFAULT_MAX_UNRETIRED_DELETE_SHARE,
  type DeployedStack,
  deployedStateOf,
  type PlanOptions,
  type PlanReason,
  type PlanRefusal,
  planRecipes,
  type RecipeAction,
  type RecipePlan,
  type RecipePlanItem,
};
