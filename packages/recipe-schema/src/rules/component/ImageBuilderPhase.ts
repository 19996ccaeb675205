import type { ComponentRule } from '../../rule.js';
import { phasesOf } from './document.js';

const IMAGE_BUILDER_PHASES = ['build', 'validate', 'test'];

export const imageBuilderPhase: ComponentRule = {
  id: 'RB2010',
  slug: 'image-builder-phase',
  severity: 'error',
  description: 'A component has at least one phase Image Builder runs: build, validate or test.',
  appliesTo: 'component',
  check({ data }) {
    const phases = phasesOf(data);
    if (phases.length === 0) return [];
    if (phases.some((phase) => phase.name !== undefined && IMAGE_BUILDER_PHASES.includes(phase.name))) return [];
    const names = phases.map((phase) => phase.name).filter((name) => name !== undefined);
    const found = names.length > 0 ? `it has only ${names.map((n) => `'${n}'`).join(', ')}` : 'it has no named phase';
    return [
      {
        path: ['phases'],
        at: 'key',
        message: `Image Builder runs only the build, validate and test phases, and ${found}, so nothing would run. Rename a phase to build (or validate/test).`,
      },
    ];
  },
};
