import type { RecipeRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord, asString, isRecord } from '../util.js';

/** Phase names of a parsed AWSTOE document; undefined when it has no readable phases. */
function phaseNames(document: unknown): string[] | undefined {
  if (!isRecord(document)) return undefined;
  const names = asArray(document.phases).flatMap((phase) => {
    const name = asString(asRecord(phase).name)?.trim();
    return name ? [name] : [];
  });
  return names.length > 0 ? names : undefined;
}

export const componentStage: RecipeRule = {
  id: 'RB3014',
  slug: 'component-stage',
  severity: 'warning',
  description: 'Local test components have a test phase, and build components are not test-only.',
  appliesTo: 'recipe',
  check({ components }) {
    const hits: RuleHit[] = [];
    for (const component of components) {
      const phases = phaseNames(component.data);
      if (!phases) continue;
      const path = [component.list, component.index, 'file'];
      if (component.list === 'tests' && !phases.includes('test')) {
        hits.push({
          path,
          message: `'${component.file}' has no test phase (phases: ${phases.join(', ')}), so it does nothing in the test stage; add a test phase or move it to components.`,
        });
      } else if (component.list === 'components' && phases.every((p) => p === 'test')) {
        hits.push({
          path,
          message: `'${component.file}' has only a test phase, which runs on a new instance from the finished image, not during the build; move it to tests, or add a build phase.`,
        });
      }
    }
    return hits;
  },
};
