import type { RecipeRule } from '../../rule.js';
import { asString } from '../util.js';
import { valueAt } from './recipe-fields.js';

const PATH = ['distribution', 'amiName'];
const BUILD_DATE = /\{\{\s*imagebuilder:buildDate\s*\}\}/;

export const amiNameUnique: RecipeRule = {
  id: 'RB3011',
  slug: 'ami-name-unique',
  severity: 'error',
  description: 'The AMI name contains {{ imagebuilder:buildDate }} so every build gets a new name.',
  appliesTo: 'recipe',
  check({ data }) {
    const name = asString(valueAt(data, PATH));
    if (name === undefined || BUILD_DATE.test(name)) return [];
    return [
      {
        path: PATH,
        message: `AMI names are unique per region, so every build after the first fails with '${name}'; add {{ imagebuilder:buildDate }}, e.g. '${name.trim()}-{{ imagebuilder:buildDate }}'.`,
      },
    ];
  },
};
