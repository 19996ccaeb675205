/** The plan as GitHub-flavoured Markdown: a pull request's job summary, the deployment report. */
import { catalogMarkdownLines } from '../catalog-format.js';
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

/** Table cells: no pipes, no line breaks, no HTML. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function code(text: string): string {
  return text === '' ? '' : `\`${text.replace(/`/g, "'")}\``;
}

function formatPlanMarkdown(doc: PlanDocument): string {
  const lines: string[] = [];
  lines.push(`### ${doc.kind === 'plan' ? 'Recipe plan' : 'Recipe deployment'}`);
  lines.push('');
  const subject = Object.entries(doc.subject);
  if (subject.length > 0) {
    lines.push(subject.map(([k, v]) => `**${cell(k)}** ${cell(v)}`).join(' · '));
    lines.push('');
  }
  for (const refusal of doc.refusals) {
    lines.push(`> **${refusal.id} refused:** ${cell(refusal.message)} (${refusal.recipes.map(code).join(', ')})`);
    lines.push('');
  }
  lines.push(summaryLine(doc));
  lines.push('');
  const recipes = shownRecipes(doc);
  if (recipes.length > 0) {
    const deployment = doc.kind === 'deployment';
    lines.push(`| recipe | action | version | image build | why |${deployment ? ' result |' : ''}`);
    lines.push(`|---|---|---|---|---|${deployment ? '---|' : ''}`);
    for (const r of recipes) {
      const result = r.outcome ? `${r.outcome.status}${r.outcome.message ? `: ${r.outcome.message}` : ''}` : '';
      const count =
        !listsResources(r) && r.resources && r.resources.length > 0
          ? ` (${resourceCountText(r.resources.length, r.action === 'create' ? 'to add' : 'to remove')})`
          : '';
      lines.push(
        `| ${code(r.recipe)} | ${r.action} | ${cell(versionText(r))} | ${r.build ? 'yes' : ''} | ${cell(r.detail + count)} |${deployment ? ` ${cell(result)} |` : ''}`,
      );
    }
    lines.push('');
  }
  for (const r of recipes) {
    const resources = r.resources ?? [];
    if (resources.length === 0 || !listsResources(r)) continue;
    const replaced = resources.filter((c) => c.action === 'replace').length;
    lines.push(
      `<details><summary>${cell(r.recipe)}: ${resources.length} resource ${resources.length === 1 ? 'change' : 'changes'}${replaced > 0 ? `, ${replaced} replaced` : ''}</summary>`,
    );
    lines.push('');
    lines.push('| resource | type | action | properties |');
    lines.push('|---|---|---|---|');
    for (const c of resources) {
      const action = c.action === 'replace' ? `**${resourceActionText(c)}**` : resourceActionText(c);
      lines.push(`| ${code(c.logicalId)} | ${cell(c.type)} | ${action} | ${cell(propertiesText(c))} |`);
    }
    lines.push('');
    lines.push('</details>');
    lines.push('');
  }
  if (doc.recipes.some((r) => r.resources?.some((c) => c.properties.some((p) => p.createOnly)))) {
    lines.push('\\* create-only property: changing it replaces the resource.');
    lines.push('');
  }
  if (doc.catalog) lines.push(...catalogMarkdownLines(doc.catalog));
  return `${lines.join('\n').trimEnd()}\n`;
}

export { formatPlanMarkdown };
