import type { RecipeRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { componentEntries, describeEntry, normalizeComponentPath } from './recipe-fields.js';

export const duplicateComponent: RecipeRule = {
  id: 'RB3008',
  slug: 'duplicate-component',
  severity: 'error',
  description: 'No component is listed twice in components or twice in tests.',
  appliesTo: 'recipe',
  check({ data }) {
    const hits: RuleHit[] = [];
    const seen = new Map<string, number>();
    for (const entry of componentEntries(data)) {
      // Image Builder lower-cases component names, so `Update-Linux` and `update-linux` are one component.
      const key = entry.managed
        ? `managed:${entry.managed.toLowerCase()}`
        : entry.file
          ? `file:${normalizeComponentPath(entry.file)}`
          : undefined;
      if (!key) continue;
      const scoped = `${entry.list}|${key}`;
      const first = seen.get(scoped);
      if (first === undefined) {
        seen.set(scoped, entry.index);
        continue;
      }
      const field = entry.managed ? 'managed' : 'file';
      const name = entry.managed ?? entry.file;
      hits.push({
        path: [entry.list, entry.index, field],
        message: `'${name}' is already listed as ${describeEntry(entry.list, first)}; remove one of the two entries (a recipe runs each component once).`,
      });
    }
    return hits;
  },
};
