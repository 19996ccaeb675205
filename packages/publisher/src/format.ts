import type { DriftKind } from './errors.js';
import { comparePaths } from './paths.js';
import type { PublishPlan } from './types.js';

const DRIFT_TEXT: Record<DriftKind, string> = {
  modified: 'changed outside publish',
  deleted: 'deleted outside publish',
  untracked: 'not written by publish',
};

function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The plan as text for `bakery publish` (and `--dry-run`): one line per file (`+` add, `~`
 * change, `-` delete, `!` drift), then the recipes and a summary. Pure, so the command only prints.
 */
function formatPlan(plan: PublishPlan): string {
  const lines = [`Publish to ${plan.target}`];
  const base = plan.base === null ? 'none (first publish)' : plan.base;
  lines.push(`  base: ${base}`, `  source commit: ${plan.sourceCommit ?? 'unknown'}`);

  const blocked = plan.drift.length > 0 && !plan.force;
  const refusedPartial = plan.partial && !plan.allowDelete;
  if (plan.partial) {
    lines.push(
      refusedPartial
        ? 'Partial bundle: it lacks recipes of the workspace, and the deployer deletes the stacks of recipes a bundle lacks. Publish refuses it (bundle the whole workspace, or pass --allow-delete).'
        : 'Partial bundle, published because of --allow-delete: the deployer deletes the stacks of the recipes it lacks.',
    );
  }
  if (plan.drift.length > 0) {
    lines.push(blocked ? 'Drift (publish refuses; fix it in the monorepo or pass --force):' : 'Drift (overwritten because of --force):');
    for (const entry of plan.drift) lines.push(`  ! ${entry.path}: ${DRIFT_TEXT[entry.kind]}`);
  }
  const total = plan.add.length + plan.change.length + plan.delete.length;
  if (total === 0) {
    lines.push(`Nothing to publish: ${plan.target} already holds this bundle (${plural(plan.unchanged, 'file')}).`);
    if (refusedPartial) lines.push('Refused: partial bundle without --allow-delete.');
    return `${lines.join('\n')}\n`;
  }
  lines.push('Files:');
  const rows = [
    ...plan.add.map((f) => ({ path: f.path, text: `  + ${f.path} (${formatSize(f.size)})` })),
    ...plan.change.map((f) => ({ path: f.path, text: `  ~ ${f.path} (${formatSize(f.size)})` })),
    ...plan.delete.map((p) => ({ path: p, text: `  - ${p}` })),
  ].sort((a, b) => comparePaths(a.path, b.path));
  lines.push(...rows.map((r) => r.text));
  if (plan.obsolete.length > 0) {
    lines.push(
      `Removed: ${plan.obsolete.join(', ')}: bundle format 1 carried the bakery stack there; format 2 has no bakery/ folder (the bakery stack is changed only from the management account), and the deployer refuses a source that still holds one (BUNDLE011).`,
    );
  }
  if (plan.recipes.length > 0) {
    lines.push('Recipes:');
    for (const recipe of plan.recipes) {
      lines.push(`  ${recipe.kind === 'removed' ? recipe.name : `${recipe.name} ${recipe.version}`} (${recipe.kind})`);
    }
  }
  const writes = plan.target.startsWith('s3://') ? plural(plan.writes, 'upload') : plural(plan.writes, 'commit');
  lines.push(
    `${plan.add.length} to add, ${plan.change.length} to change, ${plan.delete.length} to delete, ${plan.unchanged} unchanged; ${writes}.`,
  );
  if (blocked) lines.push(`Refused: ${plural(plan.drift.length, 'file')} drifted.`);
  if (refusedPartial) lines.push('Refused: partial bundle without --allow-delete.');
  return `${lines.join('\n')}\n`;
}

export { formatPlan };
