/**
 * One run of the Deploy action. The first invocation reads and verifies the bundle, plans against
 * the deployed recipe stacks, runs the template checks, uploads the templates and starts working;
 * every invocation advances the recipes within its time budget and either ends the action or
 * hands CodePipeline a continuation token to be called again (the action may run 24 hours).
 */
import {
  type BundleProblem,
  formatProblems,
  type LoadedRecipe,
  type PlanRefusal,
  planCatalog,
  planRecipes,
  recipeStackTags,
} from '@ami-bakery/bundle';
import type { Clients } from './aws.js';
import { desiredCatalogs } from './catalog/bundle.js';
import type { CatalogClients } from './catalog/clients.js';
import type { CatalogPlanner } from './catalog/model.js';
import { organizationArn } from './catalog/names.js';
import { catalogCounts, catalogFailures, isCatalogStepDone, newCatalogStepState, runCatalogStep } from './catalog/step.js';
import type { TemplateCheck, TemplateCheckInput, TemplateFinding } from './checks.js';
import type { DeployerConfig } from './env.js';
import { TemplateCheckError } from './errors.js';
import {
  type Continuation,
  decodeContinuation,
  encodeContinuation,
  type PipelineJob,
  putJobFailure,
  putJobSuccess,
  truncate,
} from './job.js';
import { catalogReportOf, type DeploymentReport, stateDocument, writeReport } from './report.js';
import { readSourceBundle } from './source.js';
import { listRecipeStacks } from './stacks.js';
import { type DeploymentState, isFinished, loadState, putText, saveState, stateKey, type Task } from './state.js';
import { advanceTask, type StepContext } from './steps.js';
import { type Clock, type Log, mapLimit, messageOf } from './util.js';

interface DeployDeps {
  readonly clients: Clients;
  readonly config: DeployerConfig;
  readonly check: TemplateCheck;
  readonly log: Log;
  readonly clock: Clock;
  /** Milliseconds left in this invocation. */
  readonly remainingMs: () => number;
  /** Between polls of a stack or change set (default 5 s). */
  readonly pollIntervalMs?: number;
  /** Kept back for saving state, the report and the job result, and for a call that hangs through its retries (default 120 s). */
  readonly safetyMarginMs?: number;
  /** The image catalog step (channels, revocations, superseded images, events); absent: no catalog step. */
  readonly catalog?: CatalogDeps;
}

interface CatalogDeps {
  readonly clients: CatalogClients;
  /** Default: the deployer's planner (./catalog/plan.ts). */
  readonly planner?: CatalogPlanner;
  readonly now?: () => Date;
}

type JobOutcome =
  | { readonly kind: 'succeeded'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'continue'; readonly message: string; readonly token: string };

/** Runs the job and reports its result to CodePipeline; never throws. */
async function runJob(job: PipelineJob, deps: DeployDeps): Promise<JobOutcome> {
  let outcome: JobOutcome;
  try {
    outcome = job.continuationToken ? await resume(job.continuationToken, deps) : await start(job, deps);
  } catch (error) {
    outcome = { kind: 'failed', message: `The deployment stopped: ${messageOf(error)}` };
  }
  try {
    if (outcome.kind === 'continue')
      await putJobSuccess(deps.clients, job.id, outcome.message, { token: outcome.token, percentComplete: percentOf(outcome.message) });
    else if (outcome.kind === 'succeeded') await putJobSuccess(deps.clients, job.id, outcome.message);
    else await putJobFailure(deps.clients, job.id, outcome.message);
  } catch (error) {
    // Nobody else can tell CodePipeline; the action times out after 20 minutes and shows as failed.
    deps.log.error('The job result could not be sent to CodePipeline', { jobId: job.id, error: messageOf(error), outcome: outcome.kind });
  }
  deps.log.info('Deploy action invocation finished', { jobId: job.id, outcome: outcome.kind, message: outcome.message.slice(0, 500) });
  return outcome;
}

async function start(job: PipelineJob, deps: DeployDeps): Promise<JobOutcome> {
  const { clients, config, log } = deps;
  const execution = job.id;
  const source = await readSourceBundle(clients, job, config.stackPrefix);
  if (!source.bundle) return refuse(execution, job, deps, source.problems, [], 'the bundle', null);
  const { manifest, recipes } = source.bundle;
  log.info('Bundle verified', { recipes: recipes.length, sourceCommit: manifest.sourceCommit, partial: manifest.partial });

  const deployed = await listRecipeStacks(clients, config.stackPrefix);
  const plan = planRecipes(manifest, deployed, {
    stackPrefix: config.stackPrefix,
    prune: config.prune,
    parameterValues: config.parameterValues,
  });
  log.info('Planned', { ...plan.counts, deployed: deployed.length, refusals: plan.refusals.map((r) => r.id) });
  if (plan.refusals.length > 0) return refuse(execution, job, deps, [], plan.refusals, 'the plan', manifest.sourceCommit);

  const byName = new Map(recipes.map((r) => [r.entry.name, r]));
  const work = plan.items.filter((i) => !i.blocked && (i.action === 'create' || i.action === 'update' || i.action === 'delete'));
  const deploying = work.filter((i) => i.action !== 'delete');

  // Checks first, over every template to deploy, before any change set exists.
  const inputs: TemplateCheckInput[] = deploying.map((item) => {
    const recipe = byName.get(item.recipe) as LoadedRecipe;
    return {
      recipe: item.recipe,
      stackName: item.stackName,
      template: recipe.template,
      templateText: recipe.templateText,
      parameters: parametersOf(recipe, config),
    };
  });
  let findings: readonly TemplateFinding[];
  try {
    findings = inputs.length > 0 ? await deps.check.check(inputs) : [];
  } catch (error) {
    throw new TemplateCheckError(`the template check "${deps.check.name}" could not run (${messageOf(error)}); nothing was deployed`, {
      cause: error,
    });
  }
  const findingsOf = new Map<string, TemplateFinding[]>();
  for (const f of findings) findingsOf.set(f.recipe, [...(findingsOf.get(f.recipe) ?? []), f]);

  const tasks: Task[] = work.map((item) => {
    const recipe = byName.get(item.recipe);
    const own = findingsOf.get(item.recipe);
    const parameters = recipe
      ? Object.entries(parametersOf(recipe, config)).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }))
      : [];
    const task: Task = {
      recipe: item.recipe,
      stackName: item.stackName,
      action: item.action as Task['action'],
      step: 'pending',
      build: item.build,
      replaceFailedStack: item.replaceFailedStack,
      parameters,
      tags: recipe && item.deployHash ? recipeStackTags(recipe.entry, item.deployHash) : [],
      ...(item.action !== 'delete' ? { templateKey: `deployments/${execution}/${item.recipe}/template.yaml` } : {}),
    };
    if (own) {
      task.step = 'failed';
      task.message = `refused by the template checks: ${own.map((f) => `${f.id}${f.path ? ` at ${f.path}` : ''}: ${f.message}`).join('; ')}`;
      task.findings = own;
    }
    return task;
  });

  // TemplateURL: each template to deploy goes to the artifact bucket first.
  await mapLimit(
    tasks.filter((t) => t.templateKey && t.step !== 'failed'),
    Math.max(4, config.maxConcurrency),
    (task) =>
      putText(clients, config, task.templateKey as string, (byName.get(task.recipe) as LoadedRecipe).templateText, 'application/x-yaml'),
  );
  const catalog = deps.catalog ? desiredCatalogs(recipes, manifest.sourceCommit) : undefined;
  const state: DeploymentState = {
    v: 1,
    execution,
    sourceCommit: manifest.sourceCommit,
    partial: manifest.partial,
    artifact: job.artifact,
    plan,
    tasks,
    resources: {},
    invocations: 0,
    ...(catalog ? { catalog: newCatalogStepState(catalog.desired, catalog.settings, catalog.regions) } : {}),
  };
  return advance(state, [...findings], deps);
}

async function resume(token: string, deps: DeployDeps): Promise<JobOutcome> {
  const continuation = decodeContinuation(token);
  if (!continuation)
    return {
      kind: 'failed',
      message: 'The continuation token is not one this deployer wrote; retry the action to start the deployment over.',
    };
  const state = await loadState(deps.clients, deps.config, continuation.stateKey, continuation.execution);
  const findings = state.tasks.flatMap((t) => t.findings ?? []);
  return advance(state, findings, deps);
}

/** Advances every task until all are finished or the invocation's budget is spent. */
async function advance(state: DeploymentState, findings: TemplateFinding[], deps: DeployDeps): Promise<JobOutcome> {
  const { clients, config, clock } = deps;
  const now = deps.catalog?.now ?? (() => new Date(clock.now()));
  const poll = deps.pollIntervalMs ?? 5_000;
  const margin = deps.safetyMarginMs ?? 120_000;
  state.invocations += 1;
  const ctx: StepContext = { clients, config, execution: state.execution, resources: state.resources };
  const queue = state.tasks.filter((t) => !isFinished(t));
  const active: Task[] = [];
  while (true) {
    while (active.length < config.maxConcurrency && queue.length > 0) active.push(queue.shift() as Task);
    if (active.length === 0) break;
    const moved = await Promise.all(active.map((task) => advanceTask(task, ctx)));
    for (let i = active.length - 1; i >= 0; i -= 1) if (isFinished(active[i] as Task)) active.splice(i, 1);
    if (active.length === 0 && queue.length === 0) break;
    if (deps.remainingMs() < margin + poll) {
      const key = await saveState(clients, config, state);
      const finished = state.tasks.filter(isFinished).length;
      const message = `${finished} of ${state.tasks.length} recipes finished; continuing`;
      await report(state, findings, deps, 'in-progress', message);
      return {
        kind: 'continue',
        message,
        token: encodeContinuation({ v: 1, execution: state.execution, stateKey: key } satisfies Continuation),
      };
    }
    if (!moved.some(Boolean)) await clock.sleep(poll);
  }
  if (state.catalog && deps.catalog && !isCatalogStepDone(state.catalog)) {
    const done = await runCatalogStep(state.catalog, {
      clients: deps.catalog.clients,
      scope: catalogScope(config),
      planner: deps.catalog.planner ?? ((desired, observed) => planCatalog(desired, observed)),
      concurrency: Math.min(config.maxConcurrency, 8),
      now,
      writeText: (key, body) => putText(clients, config, key, body, 'application/json'),
      remainingMs: () => deps.remainingMs() - margin,
      execution: state.execution,
      sourceCommit: state.sourceCommit,
    });
    if (!done) {
      const key = await saveState(clients, config, state);
      const message = `${state.tasks.length} of ${state.tasks.length} recipes finished; applying the image catalog (${state.catalog.done.length} of ${Object.keys(state.catalog.desired).length} recipes); continuing`;
      await report(state, findings, deps, 'in-progress', message);
      return { kind: 'continue', message, token: encodeContinuation({ v: 1, execution: state.execution, stateKey: key }) };
    }
  }
  return finish(state, findings, deps);
}

/** Where the catalog lives, from the deployer's configuration (the account is the deploy role's). */
function catalogScope(config: DeployerConfig) {
  const account = config.deployRoleArn.split(':')[4] ?? '';
  const { OrganizationId: org, ManagementAccountId: management } = config.parameterValues;
  return {
    partition: config.partition,
    account,
    namePrefix: config.namePrefix,
    stackPrefix: config.stackPrefix,
    organizationArn: org && management ? organizationArn(config.partition, management, org) : '',
  };
}

async function finish(state: DeploymentState, findings: TemplateFinding[], deps: DeployDeps): Promise<JobOutcome> {
  const failedTasks = state.tasks.filter((t) => t.step === 'failed');
  const blocked = state.plan.items.filter((i) => i.blocked);
  const failed = [
    ...failedTasks.map((t) => ({ recipe: t.recipe, why: t.message ?? 'failed' })),
    ...blocked.map((i) => ({ recipe: i.recipe, why: i.detail })),
    ...(state.catalog ? catalogFailures(state.catalog) : []),
  ].sort((a, b) => (a.recipe < b.recipe ? -1 : a.recipe > b.recipe ? 1 : 0));
  const c = state.plan.counts;
  const builds = state.tasks.filter((t) => t.imageBuildArn).length;
  const counts = state.catalog ? catalogCounts(state.catalog) : undefined;
  const catalogDone = counts
    ? `, ${counts.applied} catalog ${counts.applied === 1 ? 'change' : 'changes'}, ${counts.superseded} superseded AMIs deprecated`
    : '';
  const done = `${c.create} created, ${c.update} updated, ${c.delete} deleted, ${c.unchanged} unchanged, ${builds} image ${builds === 1 ? 'build' : 'builds'} started${catalogDone}`;
  if (failed.length === 0) {
    const where = await report(state, findings, deps, 'succeeded', `Deployed: ${done}.`);
    return { kind: 'succeeded', message: `Deployed: ${done}. Report: ${where}` };
  }
  const recipes = [...new Set(failed.map((f) => f.recipe))];
  const names = recipes.join(', ');
  const headline = `${recipes.length} ${recipes.length === 1 ? 'recipe' : 'recipes'} failed: ${names}.`;
  const where = await report(state, findings, deps, 'failed', headline);
  const details = failed.map((f) => `${f.recipe}: ${f.why}`).join('\n');
  return { kind: 'failed', message: truncate(`${headline} Report: ${where}\n${details}`, 5_000) };
}

/** The bundle or the plan is refused: nothing deployed; every problem named in the report and the action's message. */
async function refuse(
  execution: string,
  job: PipelineJob,
  deps: DeployDeps,
  problems: readonly BundleProblem[],
  refusals: readonly PlanRefusal[],
  what: string,
  sourceCommit: string | null,
): Promise<JobOutcome> {
  const lines =
    problems.length > 0 ? formatProblems(problems) : refusals.map((r) => `${r.id}: ${r.message} (${r.recipes.join(', ')})`).join('\n');
  const recipes = [
    ...new Set([...problems.map((p) => p.recipe), ...refusals.flatMap((r) => r.recipes)].filter((r): r is string => Boolean(r))),
  ].sort();
  const count =
    problems.length > 0
      ? `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`
      : `${refusals.length} ${refusals.length === 1 ? 'refusal' : 'refusals'}`;
  const message = `Refused ${what}, nothing deployed: ${count}${recipes.length > 0 ? ` (recipes: ${recipes.join(', ')})` : ''}.`;
  let where = '(report not written)';
  try {
    where = await writeReport(deps.clients, deps.config, {
      formatVersion: 1,
      execution,
      status: 'refused',
      message,
      sourceCommit,
      artifact: job.artifact,
      problems,
      refusals,
      findings: [],
    });
  } catch (error) {
    deps.log.error('The report could not be written', { error: messageOf(error) });
  }
  return { kind: 'refused', message: truncate(`${message} Report: ${where}\n${lines}`, 5_000) };
}

async function report(
  state: DeploymentState,
  findings: readonly TemplateFinding[],
  deps: DeployDeps,
  status: DeploymentReport['status'],
  message: string,
): Promise<string> {
  try {
    return await writeReport(deps.clients, deps.config, {
      formatVersion: 1,
      execution: state.execution,
      status,
      message,
      sourceCommit: state.sourceCommit,
      artifact: state.artifact,
      problems: [],
      refusals: [],
      findings,
      plan: stateDocument(state, deps.config),
      ...(state.catalog ? { catalog: catalogReportOf(state.catalog) } : {}),
    });
  } catch (error) {
    deps.log.error('The report could not be written', { error: messageOf(error) });
    return '(report not written)';
  }
}

/** Values of the parameters this recipe's template declares (only those the deployer has). */
function parametersOf(recipe: LoadedRecipe, config: DeployerConfig): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of recipe.entry.parameters)
    if (Object.hasOwn(config.parameterValues, name)) values[name] = config.parameterValues[name] as string;
  return values;
}

function percentOf(message: string): number {
  const match = /^(\d+) of (\d+)/.exec(message);
  if (!match) return 0;
  const total = Number(match[2]);
  return total === 0 ? 0 : Math.min(99, Math.floor((Number(match[1]) / total) * 100));
}

export { type CatalogDeps, type DeployDeps, type JobOutcome, runJob, stateKey };
