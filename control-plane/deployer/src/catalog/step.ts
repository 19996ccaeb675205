/**
 * The deployer's catalog step, after the stack steps of a deployment: for every recipe of the
 * bundle (its catalog.json, or the default catalog), observe its channels and images in AWS, plan, apply (revocations
 * first, then channels), give superseded AMIs their deprecation time, and publish the events.
 * It also stores every recipe's catalog settings for the image-events function. A recipe's
 * failure is recorded and the next recipe goes on; the step stops between recipes when the
 * invocation's time runs out and goes on in the next one.
 */
import { mapLimit, messageOf } from '../util.js';
import { type ApplyContext, applyAction } from './apply.js';
import { type CatalogScope, ChannelSharing } from './channels.js';
import type { CatalogClients } from './clients.js';
import { type CatalogEvent, imageDetail, publishEvents } from './events.js';
import { getImage } from './images.js';
import type { ActionResult, CatalogAction, CatalogNote, CatalogPlanner, CatalogSnapshot, CatalogState, SupersededResult } from './model.js';
import { DETAIL_TYPES, imageArn, isImageBuildVersion } from './names.js';
import { type ObserveScope, observeCatalog, withEc2 } from './observe.js';
import { plannerView } from './plan.js';
import { type RecipeCatalogSettings, settingsKey, settingsText } from './settings.js';
import { deprecateSuperseded, supersededAmis } from './superseded.js';

/** What the step did for one recipe. */
interface RecipeCatalogReport {
  readonly actions: ActionResult[];
  /** What the planner wants a person to know (an AMI that no longer exists, a channel entry missing a region). */
  readonly notes: string[];
  readonly superseded: SupersededResult[];
  /** Events published, and the ones that were not. */
  readonly events: number;
  readonly eventFailures: string[];
  /** The recipe's catalog could not be observed or planned: nothing was applied. */
  readonly problem?: string;
}

/** Kept in the deployment state between invocations. */
interface CatalogStepState {
  readonly v: 1;
  /** Every recipe of the bundle: its desired catalog (the default one when the bundle carries none). */
  readonly desired: Record<string, CatalogState>;
  /** Recipe -> the regions its template distributes to. */
  readonly regions: Record<string, string[]>;
  /** Every recipe of the bundle: its settings record is written. */
  readonly settings: Record<string, RecipeCatalogSettings>;
  settingsWritten: boolean;
  readonly done: string[];
  readonly recipes: Record<string, RecipeCatalogReport>;
  readonly problems: string[];
}

interface CatalogStepDeps {
  readonly clients: CatalogClients;
  /** Organization, account, partition, name prefix; undefined when the deployer lacks them (then nothing is shared). */
  readonly scope: CatalogScope & ObserveScope;
  readonly planner: CatalogPlanner;
  readonly now: () => Date;
  /** Writes an object of the artifact bucket (the settings records). */
  readonly writeText: (key: string, body: string) => Promise<void>;
  /** Milliseconds left before the step must stop. */
  readonly remainingMs: () => number;
  /** Recipes observed and applied at once (default 4). */
  readonly concurrency?: number;
  /** Deployment and commit, for the events. */
  readonly execution: string;
  readonly sourceCommit: string | null;
}

function newCatalogStepState(
  desired: ReadonlyMap<string, CatalogState>,
  settings: ReadonlyMap<string, RecipeCatalogSettings>,
  regions: ReadonlyMap<string, readonly string[]> = new Map(),
): CatalogStepState {
  return {
    v: 1,
    desired: Object.fromEntries([...desired].sort(([a], [b]) => (a < b ? -1 : 1))),
    regions: Object.fromEntries([...regions].map(([r, list]) => [r, [...list].sort()])),
    settings: Object.fromEntries([...settings].sort(([a], [b]) => (a < b ? -1 : 1))),
    settingsWritten: false,
    done: [],
    recipes: {},
    problems: [],
  };
}

function isCatalogStepDone(state: CatalogStepState): boolean {
  return state.settingsWritten && Object.keys(state.desired).every((r) => state.done.includes(r));
}

/** Advances the step; true when it is finished. */
async function runCatalogStep(state: CatalogStepState, deps: CatalogStepDeps): Promise<boolean> {
  if (!state.settingsWritten) {
    for (const [recipe, settings] of Object.entries(state.settings)) {
      try {
        await deps.writeText(settingsKey(recipe), settingsText(settings));
      } catch (error) {
        state.problems.push(`the catalog settings of ${recipe} were not stored: ${messageOf(error)}`);
      }
    }
    state.settingsWritten = true;
  }
  const sharing = new ChannelSharing(deps.clients, deps.scope);
  const pending = Object.keys(state.desired)
    .sort()
    .filter((r) => !state.done.includes(r));
  let stopped = false;
  await mapLimit(pending, deps.concurrency ?? 4, async (recipe) => {
    if (stopped || deps.remainingMs() <= 0) {
      stopped = true;
      return;
    }
    state.recipes[recipe] = await runRecipe(recipe, state, deps, sharing);
    state.done.push(recipe);
  });
  state.done.sort();
  return !stopped;
}

async function runRecipe(
  recipe: string,
  state: CatalogStepState,
  deps: CatalogStepDeps,
  sharing: ChannelSharing,
): Promise<RecipeCatalogReport> {
  const desired = state.desired[recipe] as CatalogState;
  const regions = state.regions[recipe] ?? [];
  const observe = async () => observeCatalog(deps.clients, deps.scope, recipe, desired, regions);
  let snapshot: CatalogSnapshot;
  let actions: readonly CatalogAction[];
  let notes: readonly CatalogNote[];
  try {
    snapshot = await observe();
    const plan = deps.planner(new Map([[recipe, desired]]), new Map([[recipe, plannerView(snapshot, deps.now())]]));
    actions = plan.actions;
    notes = plan.notes;
    snapshot = await withPlannedImages(deps, recipe, snapshot, actions);
  } catch (error) {
    return {
      actions: [],
      notes: [],
      superseded: [],
      events: 0,
      eventFailures: [],
      problem: `not observed, nothing applied: ${messageOf(error)}`,
    };
  }
  const ctx: ApplyContext = { clients: deps.clients, scope: deps.scope, sharing, now: deps.now };
  const results: ActionResult[] = [];
  const base = { notes: notes.map((n) => n.message) };
  for (const action of actions.filter((a) => a.kind === 'revoke' || a.kind === 'unrevoke'))
    results.push(await applyAction(ctx, action, snapshot));
  // An image unrevoked now may be promoted in the same commit: look again before the channels.
  if (results.some((r) => r.action.kind === 'unrevoke' && r.outcome === 'applied')) {
    try {
      snapshot = await withPlannedImages(deps, recipe, await observe(), actions);
    } catch (error) {
      return {
        ...base,
        actions: results,
        superseded: [],
        events: 0,
        eventFailures: [],
        problem: `not observed again after unrevoking: ${messageOf(error)}`,
      };
    }
  }
  for (const action of actions.filter((a) => a.kind === 'set-channel' || a.kind === 'clear-channel'))
    results.push(await applyAction(ctx, action, snapshot));

  const superseded: SupersededResult[] = [];
  if (desired.deprecateSupersededAfterDays !== null) {
    const now = deps.now();
    for (const region of snapshot.regions) {
      const inChannels = new Set(Object.values(snapshot.channels).flatMap((values) => (values[region] ? [values[region]] : [])));
      for (const r of results)
        if (r.action.kind === 'set-channel' && r.action.region === region && r.outcome === 'applied') inChannels.add(r.action.ami);
      const due = supersededAmis(snapshot.amis[region] ?? [], inChannels, desired.deprecateSupersededAfterDays, now);
      superseded.push(...(await deprecateSuperseded(deps.clients, recipe, due)));
    }
  }
  const events = catalogEvents(recipe, desired, results, deps);
  const eventFailures = events.length > 0 ? await publishEvents(deps.clients, events) : [];
  return { ...base, actions: results, superseded, events: events.length - eventFailures.length, eventFailures };
}

/** Images the plan points channels at that the observation did not look up. */
async function withPlannedImages(
  deps: CatalogStepDeps,
  recipe: string,
  snapshot: CatalogSnapshot,
  actions: readonly CatalogAction[],
): Promise<CatalogSnapshot> {
  const missing = [
    ...new Set(
      actions.flatMap((a) => (a.kind === 'set-channel' && isImageBuildVersion(a.image) && !snapshot.images[a.image] ? [a.image] : [])),
    ),
  ].sort();
  if (missing.length === 0) return snapshot;
  const images = { ...snapshot.images };
  for (const image of missing) {
    const arn = imageArn(deps.scope.partition, deps.clients.home, deps.scope.account, `${deps.scope.stackPrefix}${recipe}`, image);
    images[image] = withEc2(await getImage(deps.clients, deps.scope.account, arn), snapshot.amis);
  }
  return { ...snapshot, images };
}

/** Promoted (one per channel and image), Revoked and Unrevoked events for what was applied. */
function catalogEvents(recipe: string, desired: CatalogState, results: readonly ActionResult[], deps: CatalogStepDeps): CatalogEvent[] {
  const context = { execution: deps.execution, sourceCommit: deps.sourceCommit };
  const events: CatalogEvent[] = [];
  const promotions = new Map<
    string,
    { channel: string; image: string; amis: Record<string, string>; previous: Record<string, string>; fallback: boolean }
  >();
  for (const r of results) {
    const a = r.action;
    if (r.outcome !== 'applied') continue;
    if (a.kind === 'set-channel') {
      const key = `${a.channel}\u0000${a.image}`;
      const p = promotions.get(key) ?? { channel: a.channel, image: a.image, amis: {}, previous: {}, fallback: false };
      p.amis[a.region] = a.ami;
      if (a.from) p.previous[a.region] = a.from;
      p.fallback ||= a.why === 'fallback';
      promotions.set(key, p);
    } else if (a.kind === 'revoke' || a.kind === 'unrevoke') {
      const type = a.kind === 'revoke' ? DETAIL_TYPES.revoked : DETAIL_TYPES.unrevoked;
      events.push({
        detailType: type,
        detail: {
          ...imageDetail(recipe, a.image, amisOf(r, a.amis)),
          ...(a.kind === 'revoke' ? { reason: a.reason, disabled: a.disable } : { reason: a.reason }),
          ...context,
        },
        resources: [arnOf(deps, recipe, a.image)],
      });
    }
  }
  for (const p of [...promotions.values()].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0))) {
    const entry = desired.channels[p.channel];
    const score = entry?.image === p.image ? entry.score : undefined;
    events.push({
      detailType: DETAIL_TYPES.promoted,
      detail: {
        ...imageDetail(recipe, p.image, p.amis, score),
        channel: p.channel,
        previous: p.previous,
        fallback: p.fallback,
        ...context,
      },
      resources: [arnOf(deps, recipe, p.image)],
    });
  }
  return events;
}

/** The AMIs an applied revoke or unrevoke acted on: every region that reported its AMI, else the action's. */
function amisOf(result: ActionResult, fallback: Readonly<Record<string, string>>): Record<string, string> {
  const amis: Record<string, string> = {};
  for (const [region, text] of Object.entries(result.regions ?? {})) {
    const ami = /^(ami-[0-9a-f]+) /.exec(text)?.[1];
    if (ami) amis[region] = ami;
  }
  return Object.keys(amis).length > 0 ? amis : { ...fallback };
}

function arnOf(deps: CatalogStepDeps, recipe: string, image: string): string {
  return imageArn(deps.scope.partition, deps.clients.home, deps.scope.account, `${deps.scope.stackPrefix}${recipe}`, image);
}

/** Anything refused or failed: the deployment reports failure naming these. */
function catalogFailures(state: CatalogStepState): { recipe: string; why: string }[] {
  const failures = state.problems.map((why) => ({ recipe: '(catalog)', why }));
  for (const [recipe, report] of Object.entries(state.recipes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (report.problem) failures.push({ recipe, why: `catalog ${report.problem}` });
    for (const r of report.actions)
      if (r.outcome === 'refused' || r.outcome === 'failed') failures.push({ recipe, why: `catalog ${r.outcome}: ${r.message}` });
    for (const s of report.superseded)
      if (s.outcome === 'failed') failures.push({ recipe, why: `deprecating superseded ${s.ami} in ${s.region} failed: ${s.message}` });
  }
  return failures;
}

/** Applied actions and superseded AMIs, for the deployment's summary line. */
function catalogCounts(state: CatalogStepState): { applied: number; superseded: number } {
  let applied = 0;
  let superseded = 0;
  for (const report of Object.values(state.recipes)) {
    applied += report.actions.filter((r) => r.outcome === 'applied').length;
    superseded += report.superseded.filter((s) => s.outcome === 'applied').length;
  }
  return { applied, superseded };
}

export {
  type CatalogStepDeps,
  type CatalogStepState,
  catalogCounts,
  catalogEvents,
  catalogFailures,
  isCatalogStepDone,
  newCatalogStepState,
  type RecipeCatalogReport,
  runCatalogStep,
};
