import type { RecipeRule } from '../../rule.js';
import { valueAt } from './recipe-fields.js';

const PATH = ['build', 'instanceMetadata', 'httpTokens'];

export const imdsv2Required: RecipeRule = {
  id: 'RB3003',
  slug: 'imdsv2-required',
  severity: 'error',
  description: 'Build and test instances accept only IMDSv2 (session tokens).',
  appliesTo: 'recipe',
  check({ data }) {
    const tokens = valueAt(data, PATH);
    if (typeof tokens !== 'string' || tokens.trim().toLowerCase() !== 'optional') return [];
    return [
      {
        path: PATH,
        message:
          'httpTokens: optional lets anything on the build instance read its role credentials through IMDSv1; set httpTokens: required, or remove it (required is the default).',
      },
    ];
  },
};
