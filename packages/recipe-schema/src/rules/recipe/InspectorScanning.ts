import type { RecipeRule } from '../../rule.js';
import { forbidFalse } from './recipe-fields.js';

const PATH = ['scanning', 'inspector'];

export const inspectorScanning: RecipeRule = {
  id: 'RB3010',
  slug: 'inspector-scanning',
  severity: 'warning',
  description: 'Output images are scanned for vulnerabilities with Amazon Inspector.',
  appliesTo: 'recipe',
  check: forbidFalse(
    PATH,
    'inspector: false ships images nobody scanned for known vulnerabilities; remove it (scanning is on by default), or suppress RB3010 with the reason scanning happens elsewhere.',
  ),
};
