import type { RecipeRule } from '../../rule.js';
import { closest } from '../../schema-validator.js';
import { isKnownInstanceType, knownInstanceTypes } from './instance-types.js';
import { instanceTypes } from './recipe-fields.js';

export const instanceTypeExists: RecipeRule = {
  id: 'RB3018',
  slug: 'instance-type-exists',
  severity: 'error',
  description:
    'Every build instance type exists in EC2 (checked against the instance types CloudFormation accepts, as cfn-lint ships them).',
  appliesTo: 'recipe',
  check({ data }) {
    return instanceTypes(data).flatMap(({ index, type }) => {
      if (isKnownInstanceType(type)) return [];
      const family = type.split('.')[0] ?? '';
      const sameFamily = knownInstanceTypes().filter((t) => t.startsWith(`${family}.`));
      const suggestion = closest(type, sameFamily.length > 0 ? sameFamily : knownInstanceTypes());
      const hint = suggestion
        ? ` Did you mean '${suggestion}'?`
        : sameFamily.length > 0
          ? ` ${family} comes in: ${sameFamily.slice(0, 8).join(', ')}${sameFamily.length > 8 ? ', ...' : ''}.`
          : ' Use a type such as m7i.large (x86_64) or m7g.large (arm64).';
      return [
        {
          path: ['build', 'instanceTypes', index],
          message: `${type} is not an EC2 instance type, so every build would fail to launch.${hint}`,
        },
      ];
    });
  },
};
