import type { CatalogRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { catalogEntries } from './entries.js';

export const revokedOnce: CatalogRule = {
  id: 'RB7007',
  slug: 'catalog-revoked-once',
  severity: 'error',
  description: 'An image is revoked at most once: one reason, one disable setting.',
  appliesTo: 'catalog',
  example: 'revoked:\n  - image: 1.2.0/3\n    reason: CVE-2026-1234\n  - image: 1.2.0/3\n    reason: broken sshd',
  fix: 'Keep one entry; run bakery revoke again to change its reason or --disable.',
  check({ data }) {
    const seen = new Map<string, number>();
    const hits: RuleHit[] = [];
    for (const entry of catalogEntries(data)) {
      if (entry.kind !== 'revoked' || typeof entry.value.image !== 'string') continue;
      const first = seen.get(entry.value.image);
      if (first === undefined) {
        seen.set(entry.value.image, entry.path[1] as number);
        continue;
      }
      hits.push({
        path: [...entry.path, 'image'],
        message: `${entry.value.image} is revoked already (revoked[${first}]); keep one entry.`,
      });
    }
    return hits;
  },
};
