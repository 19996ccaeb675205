/**
 * The deployment report: JSON for machines, Markdown for people, both in the artifact bucket at
 * reports/<execution>/report.{json,md}, rewritten at the end of every invocation.
 */
import {
  type BundleProblem,
  formatPlanMarkdown,
  type PlanDocument,
  type PlanRefusal,
  planDocument,
  type RecipeOutcome,
  type ResourceChange,
  stableJson,
} from '@ami-bakery/bundle';
import type { Clients } from './aws.js';
import type { CatalogStepState, RecipeCatalogReport } from './catalog/step.js';
import type { TemplateFinding } from './checks.js';
import type { DeployerConfig } from './env.js';
import { type DeploymentState, putText } from './state.js';

type ReportStatus = 'refused' | 'in-progress' | 'succeeded' | 'failed';

interface DeploymentReport {
  readonly formatVersion: 1;
  readonly execution: string;
  readonly status: ReportStatus;
  /** One line: what happened. */
  readonly message: string;
  readonly sourceCommit: string | null;
  readonly artifact: { readonly bucket: string; readonly key: string };
  /** Why the bundle was refused (nothing deployed). */
  readonly problems: readonly BundleProblem[];
  /** Why the plan was refused (nothing deployed). */
  readonly refusals: readonly PlanRefusal[];
  /** What the template checks found (those recipes were not deployed). */
  readonly findings: readonly TemplateFinding[];
  /** The plan and, per recipe, the change-set summary and the outcome. */
  readonly plan?: PlanDocument;
  /** The image catalog step: per recipe, each action with its outcome, the superseded AMIs, the events. */
  readonly catalog?: CatalogReport;
}

interface CatalogReport {
  /** False while the step has recipes left (a continuing deployment). */
  readonly complete: boolean;
  readonly problems: readonly string[];
  readonly recipes: Readonly<Record<string, RecipeCatalogReport>>;
}

function catalogReportOf(state: CatalogStepState): CatalogReport {
  return {
    complete: state.settingsWritten && Object.keys(state.desired).every((r) => state.done.includes(r)),
    problems: state.problems,
    recipes: state.recipes,
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function actionWhat(r: RecipeCatalogReport['actions'][number]): string {
  const a = r.action;
  switch (a.kind) {
    case 'set-channel':
      return `${a.why === 'fallback' ? 'fall back' : 'promote'} \`${a.channel}\` in ${a.region}: ${a.from ?? '(none)'} -> ${a.ami} (${a.image})`;
    case 'clear-channel':
      return `remove \`${a.channel}\` in ${a.region} (${a.why}): was ${a.from}`;
    case 'revoke':
      return `revoke ${a.image}${a.disable ? ' and disable' : ''}: ${a.reason}`;
    default:
      return `unrevoke ${a.image}`;
  }
}

function formatCatalogMarkdown(catalog: CatalogReport): string {
  const lines = ['### Image catalog', ''];
  if (!catalog.complete) lines.push('_Still applying; the next invocation goes on._', '');
  for (const p of catalog.problems) lines.push(`- ${cell(p)}`);
  if (catalog.problems.length > 0) lines.push('');
  const recipes = Object.entries(catalog.recipes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const busy = recipes.filter(([, r]) => r.actions.length > 0 || r.superseded.length > 0 || r.problem || r.notes.length > 0);
  if (busy.length === 0) {
    lines.push(`Nothing to change for ${recipes.length} ${recipes.length === 1 ? 'recipe' : 'recipes'}.`, '');
    return lines.join('\n');
  }
  lines.push('| recipe | change | result |', '| --- | --- | --- |');
  for (const [recipe, report] of recipes) {
    if (report.problem) lines.push(`| \`${recipe}\` | (observation) | failed: ${cell(report.problem)} |`);
    for (const r of report.actions) lines.push(`| \`${recipe}\` | ${cell(actionWhat(r))} | ${r.outcome}: ${cell(r.message)} |`);
    for (const s of report.superseded)
      lines.push(
        `| \`${recipe}\` | deprecate superseded ${s.image} (${s.ami}, ${s.region}) at ${s.deprecateAt} | ${s.outcome}${s.message ? `: ${cell(s.message)}` : ''} |`,
      );
    if (report.actions.length === 0 && report.superseded.length === 0 && !report.problem)
      lines.push(`| \`${recipe}\` | nothing to change | unchanged |`);
    for (const f of report.eventFailures) lines.push(`| \`${recipe}\` | event | not published: ${cell(f)} |`);
    for (const n of report.notes) lines.push(`| \`${recipe}\` | note | ${cell(n)} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function reportKeys(execution: string): { json: string; markdown: string } {
  return { json: `reports/${execution}/report.json`, markdown: `reports/${execution}/report.md` };
}

/** Outcomes of every recipe that needed work, from the tasks and the blocked plan items. */
function outcomesOf(state: DeploymentState): Map<string, RecipeOutcome> {
  const outcomes = new Map<string, RecipeOutcome>();
  for (const item of state.plan.items) {
    if (item.blocked) outcomes.set(item.recipe, { status: 'failed', message: item.detail });
  }
  for (const task of state.tasks) {
    const extra = {
      ...(task.imageBuildArn ? { imageBuildArn: task.imageBuildArn } : {}),
      ...(task.changeSetId ? { changeSetId: task.changeSetId } : {}),
    };
    if (task.step === 'done')
      outcomes.set(task.recipe, { status: 'succeeded', ...(task.noChanges ? { message: 'no changes to deploy' } : {}), ...extra });
    else if (task.step === 'failed') outcomes.set(task.recipe, { status: 'failed', message: task.message ?? 'failed', ...extra });
    else outcomes.set(task.recipe, { status: 'pending', message: `at step ${task.step}` });
  }
  return outcomes;
}

function stateDocument(state: DeploymentState, config: DeployerConfig): PlanDocument {
  const resources = new Map<string, { changes: readonly ResourceChange[]; from: 'change-set' }>();
  for (const [recipe, changes] of Object.entries(state.resources)) resources.set(recipe, { changes, from: 'change-set' });
  return planDocument({
    kind: 'deployment',
    plan: state.plan,
    subject: { execution: state.execution, ...(state.sourceCommit ? { commit: state.sourceCommit.slice(0, 12) } : {}) },
    stackPrefix: config.stackPrefix,
    prune: config.prune,
    partial: state.partial,
    resources,
    outcomes: outcomesOf(state),
  });
}

function formatReportMarkdown(report: DeploymentReport): string {
  const lines = [`## AMI Bakery deployment ${report.execution}: ${report.status}`, '', report.message, ''];
  if (report.problems.length > 0) {
    lines.push('### Bundle refused', '', 'Nothing was deployed. Every problem:', '');
    for (const p of report.problems)
      lines.push(
        `- **${p.id}**${p.path ? ` \`${p.path}\`` : ''}${p.recipe && !p.path ? ` (${p.recipe})` : ''}: ${p.message.replace(/\n/g, ' ')}`,
      );
    lines.push('');
  }
  if (report.refusals.length > 0) {
    lines.push('### Plan refused', '', 'Nothing was deployed:', '');
    for (const r of report.refusals) lines.push(`- **${r.id}**: ${r.message} (${r.recipes.map((n) => `\`${n}\``).join(', ')})`);
    lines.push('');
  }
  if (report.findings.length > 0) {
    lines.push('### Template checks', '', 'These recipes were not deployed:', '');
    for (const f of report.findings)
      lines.push(`- **${f.id}** \`${f.recipe}\`${f.path ? ` \`${f.path}\`` : ''}: ${f.message.replace(/\n/g, ' ')}`);
    lines.push('');
  }
  const body = lines.join('\n');
  const catalog = report.catalog ? `\n${formatCatalogMarkdown(report.catalog)}` : '';
  return report.plan ? `${body}\n${formatPlanMarkdown(report.plan)}${catalog}` : `${body}\n${catalog}`;
}

async function writeReport(clients: Clients, config: DeployerConfig, report: DeploymentReport): Promise<string> {
  const keys = reportKeys(report.execution);
  await putText(clients, config, keys.json, stableJson(report), 'application/json');
  await putText(clients, config, keys.markdown, formatReportMarkdown(report), 'text/markdown; charset=utf-8');
  return `s3://${config.artifactBucket}/${keys.markdown}`;
}

export {
  type CatalogReport,
  catalogReportOf,
  type DeploymentReport,
  formatCatalogMarkdown,
  formatReportMarkdown,
  outcomesOf,
  type ReportStatus,
  reportKeys,
  stateDocument,
  writeReport,
};
