import type { ComponentRule } from '../../rule.js';
import { asRecord, asString } from '../util.js';
import { duplicates, phasesOf } from './document.js';

export const uniqueLoopNames: ComponentRule = {
  id: 'RB2003',
  slug: 'unique-loop-names',
  severity: 'error',
  description: 'Loop names are unique among the loops of a phase.',
  appliesTo: 'component',
  check({ data }) {
    return phasesOf(data).flatMap((phase) =>
      duplicates(phase.steps, (step) => asString(asRecord(step.step.loop).name)).map(({ item, first }) => {
        const name = asString(asRecord(item.step.loop).name);
        return {
          path: [...item.path, 'loop', 'name'],
          message: `Loop name '${name}' is already used by step '${first.name ?? first.stepIndex + 1}' in phase '${phase.name ?? phase.index + 1}'; give each loop in a phase its own name.`,
        };
      }),
    );
  },
};
