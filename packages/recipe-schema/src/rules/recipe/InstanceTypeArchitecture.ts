import type { RecipeRule } from '../../rule.js';
import { isKnownInstanceType } from './instance-types.js';
import { architectureOf, instanceTypes } from './recipe-fields.js';

/**
 * Architecture of an instance type from its family: Graviton families carry a `g` in the suffix
 * after the generation digit (t4g, m7g, c8g, r7gd, im4gn, g5g), plus the first-generation `a1`.
 * Unknown shapes and Mac families give undefined, so the rule stays silent rather than guess.
 */
export function instanceArchitecture(instanceType: string): 'x86_64' | 'arm64' | undefined {
  const family = instanceType.split('.')[0] ?? '';
  if (family === 'a1') return 'arm64';
  const match = /^([a-z]+)(\d+)([a-z0-9-]*)$/.exec(family);
  if (!match || match[1] === 'mac') return undefined;
  const suffix = (match[3] ?? '').split('-')[0] ?? '';
  return suffix.includes('g') ? 'arm64' : 'x86_64';
}

export const instanceTypeArchitecture: RecipeRule = {
  id: 'RB3002',
  slug: 'instance-type-architecture',
  severity: 'error',
  description: 'Build instance types match the recipe architecture (Graviton for arm64, Intel/AMD for x86_64).',
  appliesTo: 'recipe',
  check({ data }) {
    const architecture = architectureOf(data);
    if (!architecture) return [];
    return instanceTypes(data).flatMap(({ index, type }) => {
      // An instance type that does not exist is RB3018's one finding.
      if (!isKnownInstanceType(type)) return [];
      const actual = instanceArchitecture(type);
      if (!actual || actual === architecture) return [];
      const message =
        actual === 'arm64'
          ? `${type} is a Graviton (arm64) instance type but architecture is x86_64; use an Intel/AMD type such as m7i.large, or set architecture: arm64 with an arm64 parent image.`
          : `${type} is an Intel/AMD (x86_64) instance type but architecture is arm64; use a Graviton type such as m7g.large, or set architecture: x86_64 with an x86_64 parent image.`;
      return [{ path: ['build', 'instanceTypes', index], message }];
    });
  },
};
