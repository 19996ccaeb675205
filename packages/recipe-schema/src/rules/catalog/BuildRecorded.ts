import type { CatalogRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { isRecord } from '../util.js';
import { catalogEntries } from './entries.js';

export const buildRecorded: CatalogRule = {
  id: 'RB7002',
  slug: 'catalog-build-recorded',
  severity: 'error',
  description:
    'Every catalog entry names an image build that became AVAILABLE: its image build version and the AMI of each region it was distributed to.',
  appliesTo: 'catalog',
  example: 'channels:\n  stable:\n    image: 1.3.0/1   # no amis: this build was never recorded as available',
  fix: 'Promote with bakery promote, which reads Image Builder and records the image and its AMIs, and refuses a build that failed or is not AVAILABLE.',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const entry of catalogEntries(data)) {
      const command =
        entry.kind === 'channel'
          ? `bakery promote <recipe> <image> --channel ${entry.channel}`
          : 'bakery revoke <recipe> <image> --reason ...';
      const missing = [
        entry.value.image === undefined ? 'image' : undefined,
        !isRecord(entry.value.amis) || Object.keys(entry.value.amis).length === 0 ? 'amis' : undefined,
      ].filter((x): x is string => x !== undefined);
      if (missing.length === 0) continue;
      hits.push({
        path: entry.path,
        at: 'key',
        message: `This entry has no ${missing.join(' and no ')}: it names no image build that became AVAILABLE. Write it with ${command}, which records the build's AMIs from Image Builder.`,
      });
    }
    return hits;
  },
};
