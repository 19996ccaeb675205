import type { RecipeRule } from '../../rule.js';
import { asArray, asString } from '../util.js';
import { valueAt } from './recipe-fields.js';

const PATH = ['distribution', 'launchPermissions', 'userGroups'];

export const noPublicLaunchPermission: RecipeRule = {
  id: 'RB3006',
  slug: 'no-public-launch-permission',
  severity: 'error',
  description: 'The AMI is never shared with every AWS account.',
  appliesTo: 'recipe',
  check({ data }) {
    return asArray(valueAt(data, PATH)).flatMap((group, index) =>
      asString(group)?.trim().toLowerCase() === 'all'
        ? [
            {
              path: [...PATH, index],
              message:
                'userGroups: all makes the hardened AMI public to every AWS account; remove it and share with organization: true, organizationalUnits or accounts instead.',
            },
          ]
        : [],
    );
  },
};
