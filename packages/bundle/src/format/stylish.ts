/** The plan for a terminal: one block per recipe that changes, its resources beneath, a summary line. */
import { catalogStylishLines } from '../catalog-format.js';
import {
  listsResources,
  type PlanDocument,
  propertiesText,
  resourceActionText,
  resourceCountText,
  shownRecipes,
  summaryLine,
  versionText,
} from './document.js';

const RECIPE_MARK = { create: '+', update: '~', delete: '-', unchanged: ' ' } as const;
const RESOURCE_MARK = { add: '+', modify: '~', remove: '-', replace: '!' } as const;

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function formatPlanStylish(doc: PlanDocument): string {
  const lines: string[] = [];
  const subject = Object.entries(doc.subject)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  lines.push(`${doc.kind === 'plan' ? 'Plan' : 'Deployment'} of ${doc.stackPrefix}* stacks${subject ? ` (${subject})` : ''}`);
  lines.push('');
  for (const refusal of doc.refusals) lines.push(`${refusal.id} refused: ${refusal.message} [${refusal.recipes.join(', ')}]`);
  if (doc.refusals.length > 0) lines.push('');
  const recipes = shownRecipes(doc);
  const nameWidth = Math.max(12, ...recipes.map((r) => r.recipe.length + 2));
  const listed = recipes.filter(listsResources).flatMap((r) => r.resources ?? []);
  const idWidth = Math.max(20, ...listed.map((c) => c.logicalId.length + 2));
  const typeWidth = Math.max(20, ...listed.map((c) => c.type.length + 2));
  for (const r of recipes) {
    const build = r.build ? 'image build' : '';
    const outcome = r.outcome ? ` [${r.outcome.status}${r.outcome.message ? `: ${r.outcome.message}` : ''}]` : '';
    lines.push(
      `${RECIPE_MARK[r.action]} ${pad(r.recipe, nameWidth)}${pad(r.action, 10)}${pad(versionText(r), 18)}${pad(build, 12)}${r.detail}${outcome}`.trimEnd(),
    );
    const resources = r.resources ?? [];
    if (!listsResources(r)) {
      if (resources.length > 0)
        lines.push(`    ${RECIPE_MARK[r.action]} ${resourceCountText(resources.length, r.action === 'create' ? 'to add' : 'to remove')}`);
      continue;
    }
    for (const c of resources) {
      const props = propertiesText(c);
      lines.push(
        `    ${RESOURCE_MARK[c.action]} ${pad(c.logicalId, idWidth)}${pad(c.type, typeWidth)}${resourceActionText(c)}${props ? ` (${props})` : ''}`.trimEnd(),
      );
    }
  }
  if (recipes.length > 0) lines.push('');
  lines.push(summaryLine(doc));
  if (doc.recipes.some((r) => r.resources?.some((c) => c.properties.some((p) => p.createOnly)))) {
    lines.push('* create-only property: changing it replaces the resource');
  }
  const catalog = doc.catalog ? catalogStylishLines(doc.catalog) : [];
  if (catalog.length > 0) lines.push('', ...catalog);
  return `${lines.join('\n')}\n`;
}

export { formatPlanStylish };
