import type { RecipeRule } from '../../rule.js';
import { isKnownInstanceType } from './instance-types.js';
import { architectureOf, instanceTypes } from './recipe-fields.js';

const TOO_SMALL = new Set(['nano', 'micro', 'small']);

export const undersizedInstance: RecipeRule = {
  id: 'RB3015',
  slug: 'undersized-instance',
  severity: 'warning',
  description: 'Build instances have enough memory for updates and hardening (no nano, micro or small types).',
  appliesTo: 'recipe',
  check({ data }) {
    const example = architectureOf(data) === 'arm64' ? 'm7g.large' : 'm7i.large';
    return instanceTypes(data).flatMap(({ index, type }) => {
      // An instance type that does not exist is RB3018's one finding.
      if (!isKnownInstanceType(type)) return [];
      const size = type.split('.')[1] ?? '';
      if (!TOO_SMALL.has(size)) return [];
      return [
        {
          path: ['build', 'instanceTypes', index],
          message: `${type} has too little memory for OS updates and STIG/CIS hardening, and builds on it time out or fail; use a large type such as ${example}.`,
        },
      ];
    });
  },
};
