import type { CatalogRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { catalogEntries, revokedImages } from './entries.js';

export const channelNotRevoked: CatalogRule = {
  id: 'RB7004',
  slug: 'catalog-channel-not-revoked',
  severity: 'error',
  description: 'No channel points at a revoked image.',
  appliesTo: 'catalog',
  example: 'channels:\n  stable:\n    image: 1.2.0/3\nrevoked:\n  - image: 1.2.0/3\n    reason: CVE-2026-1234 in openssl',
  fix: 'Promote another image to the channel (bakery promote), or unrevoke the image (bakery unrevoke). bakery revoke moves every channel off the image itself.',
  check({ data }) {
    const revoked = revokedImages(data);
    const hits: RuleHit[] = [];
    for (const entry of catalogEntries(data)) {
      if (entry.kind !== 'channel' || typeof entry.value.image !== 'string' || !revoked.has(entry.value.image)) continue;
      hits.push({
        path: [...entry.path, 'image'],
        message: `Channel ${entry.channel} points at ${entry.value.image}, which is revoked below; promote another image (bakery promote) or unrevoke it (bakery unrevoke).`,
      });
    }
    return hits;
  },
};
