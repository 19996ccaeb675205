import type { ComponentRule } from '../../rule.js';
import { duplicates, phasesOf } from './document.js';

export const uniquePhaseNames: ComponentRule = {
  id: 'RB2001',
  slug: 'unique-phase-names',
  severity: 'error',
  description: 'Phase names are unique in a component document.',
  appliesTo: 'component',
  check({ data }) {
    return duplicates(phasesOf(data), (phase) => phase.name).map(({ item, first }) => ({
      path: [...item.path, 'name'],
      message: `Phase '${item.name}' is already defined (phase ${first.index + 1}); AWSTOE runs phases by name, so merge the steps into one '${item.name}' phase or rename this one.`,
    }));
  },
};
