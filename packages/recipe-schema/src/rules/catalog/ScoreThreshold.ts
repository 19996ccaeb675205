import type { CatalogRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { catalogEntries } from './entries.js';

export const scoreThreshold: CatalogRule = {
  id: 'RB7003',
  slug: 'catalog-score-threshold',
  severity: 'error',
  description:
    "Every channel points at an image whose recorded compliance score reaches the recipe's promotion threshold (catalog.minimumScore, else the threshold of its compliance scan).",
  appliesTo: 'catalog',
  example: '# compliance/stig-scan.yaml: minimumScore: 90\nchannels:\n  stable:\n    image: 1.2.0/3\n    score: 88.4',
  fix: 'Promote an image whose evidence scores at least the threshold (bakery images shows the scores), or lower catalog.minimumScore in recipe.yaml with the reviewers’ agreement.',
  check({ data, threshold }) {
    if (threshold === undefined) return [];
    const hits: RuleHit[] = [];
    for (const entry of catalogEntries(data)) {
      if (entry.kind !== 'channel') continue;
      const score = entry.value.score;
      if (score === undefined) {
        hits.push({
          path: entry.path,
          at: 'key',
          message: `This entry records no score, but the recipe's images need ${threshold.score} (${threshold.from}); promote with bakery promote, which reads the image's evidence summary.`,
        });
        continue;
      }
      if (typeof score === 'number' && score < threshold.score)
        hits.push({
          path: [...entry.path, 'score'],
          message: `Score ${score} is below ${threshold.score} (${threshold.from}); channel ${entry.channel} may not point at this image. Promote an image that reaches it (bakery images shows the scores).`,
        });
    }
    return hits;
  },
};
