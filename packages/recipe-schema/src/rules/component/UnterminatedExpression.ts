import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { walk } from './document.js';

/**
 * `{{` opens an expression only when `}}` closes it; otherwise AWSTOE leaves the text as it is, so
 * `{{ build.Check.outputs.stdout` stays literal and a comparison with it is silently always false.
 */
export const unterminatedExpression: ComponentRule = {
  id: 'RB2016',
  slug: 'unterminated-expression',
  severity: 'warning',
  description: 'Every {{ that opens an expression is closed with }} in the same value; AWSTOE leaves an unclosed one as literal text.',
  appliesTo: 'component',
  check({ data }) {
    const hits: RuleHit[] = [];
    walk(data, [], (value, path) => {
      if (typeof value !== 'string') return;
      for (const open of unclosed(value)) {
        const shown = open.text.trimEnd();
        hits.push({
          path,
          find: { text: open.text, occurrence: open.occurrence },
          message: `'${shown}' has no closing }}, so AWSTOE leaves it as literal text instead of the value (a comparison with it is always false). Close it: '${shown} }}'.`,
        });
      }
    });
    return hits;
  },
};

/** Each `{{` not followed by `}}` before the next `{{`, with the text from it to the end of its word run. */
function unclosed(value: string): Array<{ text: string; occurrence: number }> {
  const found: Array<{ text: string; occurrence: number }> = [];
  const counts = new Map<string, number>();
  for (let at = value.indexOf('{{'); at >= 0; at = value.indexOf('{{', at + 2)) {
    const next = value.indexOf('{{', at + 2);
    const close = value.indexOf('}}', at + 2);
    if (close >= 0 && (next < 0 || close < next)) continue;
    // `{{{` and `}}}` (container recipe templates) and `${{ }}` (CI systems) are not AWSTOE's.
    if (value[at + 2] === '{' || value[at - 1] === '{' || value[at - 1] === '$') continue;
    const text = /^\{\{[ \t]*[^\s'"}]*/.exec(value.slice(at))?.[0] ?? '{{';
    const occurrence = counts.get(text) ?? 0;
    counts.set(text, occurrence + 1);
    found.push({ text, occurrence });
  }
  return found;
}
