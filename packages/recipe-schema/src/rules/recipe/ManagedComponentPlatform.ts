import type { RecipeRule } from '../../rule.js';
import { componentEntries, platformOf } from './recipe-fields.js';

const FOREIGN: Record<'linux' | 'windows', { word: RegExp; name: string; own: string }> = {
  linux: { word: /(^|-)windows(-|$)/, name: 'Windows', own: 'linux' },
  windows: { word: /(^|-)linux(-|$)/, name: 'Linux', own: 'windows' },
};

export const managedComponentPlatform: RecipeRule = {
  id: 'RB3013',
  slug: 'managed-component-platform',
  severity: 'error',
  description: 'AWS-managed components are built for the recipe platform.',
  appliesTo: 'recipe',
  check({ data }) {
    const platform = platformOf(data);
    if (!platform) return [];
    const foreign = FOREIGN[platform];
    return componentEntries(data).flatMap((entry) => {
      const name = entry.managed?.toLowerCase();
      if (!name || !foreign.word.test(name)) return [];
      // AWS names platform twins by their suffix (update-windows / update-linux); a leading platform
      // word (windows-server-iis) names a product with no twin, so no counterpart is suggested.
      const fix = name.startsWith(platform === 'linux' ? 'windows' : 'linux')
        ? `use a ${platform} component instead or remove it`
        : `use the ${platform} counterpart (e.g. ${name.replace(foreign.word, `$1${foreign.own}$2`)}) or remove it`;
      return [
        {
          path: [entry.list, entry.index, 'managed'],
          message: `${entry.managed} is a ${foreign.name} component but platform is ${platform}; ${fix}.`,
        },
      ];
    });
  },
};
