import type { CatalogRule } from '../../rule.js';
import { asRecord } from '../util.js';

export const channelDeclared: CatalogRule = {
  id: 'RB7001',
  slug: 'catalog-channel-declared',
  severity: 'error',
  description: 'Every channel of catalog.yaml is stable or declared in recipe.yaml (catalog.channels); candidate is never written there.',
  appliesTo: 'catalog',
  example: '# recipe.yaml declares no catalog.channels\nchannels:\n  beta:\n    image: 1.2.0/3',
  fix: 'Declare the channel in recipe.yaml (catalog.channels: [stable, beta]), or remove it. The candidate channel follows every successful build by itself.',
  check({ data, declaredChannels }) {
    return Object.keys(asRecord(asRecord(data).channels)).flatMap((channel) => {
      if (channel === 'candidate')
        return [
          {
            path: ['channels', channel],
            at: 'key' as const,
            message:
              'candidate is not promoted to: the deployer points it at every successful build. Remove it here; promote to stable or a declared channel instead.',
          },
        ];
      if (declaredChannels.includes(channel)) return [];
      return [
        {
          path: ['channels', channel],
          at: 'key' as const,
          message: `Channel '${channel}' is not declared; add it to catalog.channels in recipe.yaml (now: ${declaredChannels.join(', ')}) or promote to one of those.`,
        },
      ];
    });
  },
};
