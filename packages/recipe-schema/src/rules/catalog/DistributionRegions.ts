import type { CatalogRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord, isRecord } from '../util.js';
import { catalogEntries } from './entries.js';

export const distributionRegions: CatalogRule = {
  id: 'RB7006',
  slug: 'catalog-regions',
  severity: 'warning',
  description: "A channel entry has an AMI for every region of the recipe's distribution, so the channel parameter exists in each of them.",
  appliesTo: 'catalog',
  example:
    '# recipe.yaml: distribution.regions: [eu-west-1, us-east-1]\nchannels:\n  stable:\n    amis: { eu-west-1: ami-0123456789abcdef0 }',
  fix: 'Promote an image built since the region was added (bakery promote records every region it has), or accept that the channel is missing there.',
  check({ data, recipe }) {
    const regions = asArray(asRecord(asRecord(recipe).distribution).regions).filter((r): r is string => typeof r === 'string');
    if (regions.length === 0) return [];
    const hits: RuleHit[] = [];
    for (const entry of catalogEntries(data)) {
      if (entry.kind !== 'channel' || !isRecord(entry.value.amis) || Object.keys(entry.value.amis).length === 0) continue;
      const missing = regions.filter((region) => !Object.hasOwn(entry.value.amis as object, region));
      if (missing.length === 0) continue;
      hits.push({
        path: [...entry.path, 'amis'],
        message: `No AMI for ${missing.join(', ')} (distribution.regions): channel ${entry.channel} will have no parameter there. Promote an image distributed to every region.`,
      });
    }
    return hits;
  },
};
