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
  return report.plan ? `${body}\n${formatPlanMarkdown(report.plan)}` : `${body}\n`;
}

async function writeReport(clients: Clients, config: DeployerConfig, report: DeploymentReport): Promise<string> {
  const keys = reportKeys(report.execution);
  await putText(clients, config, keys.json, stableJson(report), 'application/json');
  await putText(clients, config, keys.markdown, formatReportMarkdown(report), 'text/markdown; charset=utf-8');
  return `s3://${config.artifactBucket}/${keys.markdown}`;
}

export { type DeploymentReport, formatReportMarkdown, outcomesOf, type ReportStatus, reportKeys, stateDocument, writeReport };
