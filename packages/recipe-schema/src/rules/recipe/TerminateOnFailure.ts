import type { RecipeRule } from '../../rule.js';
import { forbidFalse } from './recipe-fields.js';

const PATH = ['build', 'terminateOnFailure'];

export const terminateOnFailure: RecipeRule = {
  id: 'RB3005',
  slug: 'terminate-on-failure',
  severity: 'error',
  description: 'Failed build instances are terminated rather than left running.',
  appliesTo: 'recipe',
  check: forbidFalse(
    PATH,
    'terminateOnFailure: false keeps every failed build instance running and billed; remove it (true is the default). To debug one failure, suppress RB3005 with a reason and remove the suppression afterwards.',
  ),
};
