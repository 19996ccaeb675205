import type { ComponentRule } from '../../rule.js';
import { duplicates, phasesOf } from './document.js';

export const uniqueStepNames: ComponentRule = {
  id: 'RB2002',
  slug: 'unique-step-names',
  severity: 'error',
  description: 'Step names are unique within their phase.',
  appliesTo: 'component',
  check({ data }) {
    return phasesOf(data).flatMap((phase) =>
      duplicates(phase.steps, (step) => step.name).map(({ item, first }) => ({
        path: [...item.path, 'name'],
        message: `Step '${item.name}' is already defined in phase '${phase.name ?? phase.index + 1}' (step ${first.stepIndex + 1}); rename one of them, since {{ ${phase.name ?? 'phase'}.${item.name}.outputs... }} must name exactly one step.`,
      })),
    );
  },
};
