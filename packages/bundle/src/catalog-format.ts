/**
 * The catalog part of a plan in words: one block per channel move (its regions beneath), per
 * revocation (with the fallback of every channel on the image) and per unrevocation, and a
 * summary line. Shared by the stylish and Markdown plan formats.
 */

import { REVOKED_REASON_TAG } from './catalog.js';
import type { CatalogAction, CatalogPlan, ClearChannelAction, RevokeAction, SetChannelAction, UnrevokeAction } from './catalog-plan.js';

/** Channel moves of one recipe and channel between the same two images, for the same reason. */
interface ChannelMove {
  readonly recipe: string;
  readonly channel: string;
  readonly fromImage: string | null;
  readonly toImage: string | null;
  readonly why: SetChannelAction['why'] | ClearChannelAction['why'];
  readonly regions: readonly { region: string; from: string | null; to: string | null }[];
}

type CatalogBlock =
  | { readonly kind: 'move'; readonly move: ChannelMove }
  | { readonly kind: 'revoke'; readonly action: RevokeAction }
  | { readonly kind: 'unrevoke'; readonly action: UnrevokeAction };

const WHY_TEXT: Record<ChannelMove['why'], string> = {
  promote: 'promoted',
  fallback: 'falls back',
  'revoked-no-fallback': 'no image left that is not revoked: parameter deleted',
  'not-in-catalog': 'no longer in catalog.yaml: parameter deleted',
  'region-left': 'the image has no AMI in this region: parameter deleted',
};

/** Groups the per-region channel actions into moves; revocations and unrevocations stay one block each. */
function catalogBlocks(plan: CatalogPlan): CatalogBlock[] {
  const blocks: CatalogBlock[] = [];
  const moves = new Map<string, { move: ChannelMove; regions: { region: string; from: string | null; to: string | null }[] }>();
  for (const action of plan.actions) {
    if (action.kind === 'revoke' || action.kind === 'unrevoke') {
      blocks.push({ kind: action.kind, action } as CatalogBlock);
      continue;
    }
    const toImage = action.kind === 'set-channel' ? action.image : null;
    const key = [action.recipe, action.channel, action.fromImage ?? '', toImage ?? '', action.why].join('\u0000');
    let group = moves.get(key);
    if (!group) {
      const regions: { region: string; from: string | null; to: string | null }[] = [];
      group = {
        move: { recipe: action.recipe, channel: action.channel, fromImage: action.fromImage, toImage, why: action.why, regions },
        regions,
      };
      moves.set(key, group);
      blocks.push({ kind: 'move', move: group.move });
    }
    group.regions.push({ region: action.region, from: action.from, to: action.kind === 'set-channel' ? action.ami : null });
  }
  return blocks;
}

function imageText(image: string | null): string {
  return image ?? '(none)';
}

function moveHeadline(move: ChannelMove): string {
  const images = `${imageText(move.fromImage)} -> ${imageText(move.toImage)}`;
  const why = move.why === 'fallback' ? `falls back (${imageText(move.fromImage)} is revoked)` : WHY_TEXT[move.why];
  return `${images}  ${why}`;
}

function amiList(amis: Readonly<Record<string, string>>, regions: readonly string[]): string {
  return regions.map((region) => `${region} ${amis[region]}`).join(', ');
}

function revokeWhat(action: RevokeAction): string {
  const parts = [`deprecate now, tag ${REVOKED_REASON_TAG}`];
  if (action.disable) parts.push('disable');
  if (action.enable.length > 0) parts.push(`enable again in ${action.enable.join(', ')}`);
  return parts.join(', ');
}

function fallbackText(action: RevokeAction): string[] {
  return action.fallbacks.map((f) =>
    f.to === null ? `${f.channel}: no earlier image that is not revoked; its parameter is deleted` : `${f.channel} falls back to ${f.to}`,
  );
}

function unrevokeWhat(action: UnrevokeAction): string {
  return `remove tag ${REVOKED_REASON_TAG}, cancel its deprecation${action.enable.length > 0 ? `, enable in ${action.enable.join(', ')}` : ''}`;
}

/** `Catalog: 2 channel parameters to set, 0 to delete; 1 image to revoke, 0 to unrevoke`. */
function catalogSummaryLine(plan: CatalogPlan): string {
  const c = plan.counts;
  return `Catalog: ${c.setChannel} channel ${c.setChannel === 1 ? 'parameter' : 'parameters'} to set, ${c.clearChannel} to delete; ${c.revoke} ${c.revoke === 1 ? 'image' : 'images'} to revoke, ${c.unrevoke} to unrevoke`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

const MARK = { move: '~', clear: '-', revoke: '!', unrevoke: '+' } as const;

/** The catalog lines of the stylish plan (without a trailing blank line); empty when there is nothing to do or note. */
function catalogStylishLines(plan: CatalogPlan): string[] {
  if (plan.actions.length === 0 && plan.notes.length === 0) return [];
  const lines: string[] = ['Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)'];
  const blocks = catalogBlocks(plan);
  const nameWidth = Math.max(12, ...blocks.map((b) => (b.kind === 'move' ? b.move.recipe : b.action.recipe).length + 2));
  for (const block of blocks) {
    if (block.kind === 'move') {
      const m = block.move;
      const mark = m.toImage === null ? MARK.clear : MARK.move;
      lines.push(`${mark} ${pad(m.recipe, nameWidth)}${pad(m.channel, 10)}${moveHeadline(m)}`);
      const regionWidth = Math.max(12, ...m.regions.map((r) => r.region.length + 2));
      for (const r of m.regions) lines.push(`    ${pad(r.region, regionWidth)}${r.from ?? '(none)'} -> ${r.to ?? '(deleted)'}`);
      continue;
    }
    const a = block.action;
    if (block.kind === 'revoke') {
      const action = a as RevokeAction;
      lines.push(`${MARK.revoke} ${pad(action.recipe, nameWidth)}${pad('revoke', 10)}${action.image}  reason: ${action.reason}`);
      lines.push(`    ${revokeWhat(action)}: ${amiList(action.amis, action.regions)}`);
      for (const text of fallbackText(action)) lines.push(`    ${text}`);
      continue;
    }
    const action = a as UnrevokeAction;
    lines.push(`${MARK.unrevoke} ${pad(action.recipe, nameWidth)}${pad('unrevoke', 10)}${action.image}  was revoked: ${action.reason}`);
    lines.push(`    ${unrevokeWhat(action)}: ${amiList(action.amis, action.regions)}`);
  }
  for (const note of plan.notes) lines.push(`  note: ${note.recipe}: ${note.message}`);
  lines.push('');
  lines.push(catalogSummaryLine(plan));
  return lines;
}

/** Markdown table cells: no pipes, no line breaks, no HTML. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The catalog section of the Markdown plan; empty when there is nothing to do or note. */
function catalogMarkdownLines(plan: CatalogPlan): string[] {
  if (plan.actions.length === 0 && plan.notes.length === 0) return [];
  const lines: string[] = ['#### Image catalog', '', catalogSummaryLine(plan), ''];
  const blocks = catalogBlocks(plan);
  if (blocks.length > 0) {
    lines.push('| recipe | change | image | regions | what happens |');
    lines.push('|---|---|---|---|---|');
    for (const block of blocks) {
      if (block.kind === 'move') {
        const m = block.move;
        const regions = m.regions.map((r) => `${r.region} ${r.from ?? '(none)'} -&gt; ${r.to ?? '(deleted)'}`).join('<br>');
        lines.push(
          `| \`${m.recipe}\` | channel ${cell(m.channel)} | ${cell(`${imageText(m.fromImage)} -> ${imageText(m.toImage)}`)} | ${regions} | ${cell(m.why === 'fallback' ? `falls back (${imageText(m.fromImage)} is revoked)` : WHY_TEXT[m.why])} |`,
        );
      } else if (block.kind === 'revoke') {
        const a = block.action;
        lines.push(
          `| \`${a.recipe}\` | **revoke** | ${cell(a.image)} | ${cell(amiList(a.amis, a.regions))} | ${cell([`${revokeWhat(a)}; reason: ${a.reason}`, ...fallbackText(a)].join('; '))} |`,
        );
      } else {
        const a = block.action;
        lines.push(
          `| \`${a.recipe}\` | unrevoke | ${cell(a.image)} | ${cell(amiList(a.amis, a.regions))} | ${cell(`${unrevokeWhat(a)}; was revoked: ${a.reason}`)} |`,
        );
      }
    }
    lines.push('');
  }
  for (const note of plan.notes) lines.push(`> note: \`${note.recipe}\`: ${cell(note.message)}`);
  if (plan.notes.length > 0) lines.push('');
  return lines;
}

/** True when the plan changes nothing in the catalog. */
function catalogUnchanged(plan: CatalogPlan | undefined): boolean {
  return plan === undefined || plan.actions.length === 0;
}

export type { CatalogAction };
export { catalogBlocks, catalogMarkdownLines, catalogStylishLines, catalogSummaryLine, catalogUnchanged };
