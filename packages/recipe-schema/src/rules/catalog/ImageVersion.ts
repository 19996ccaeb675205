import type { CatalogRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asRecord } from '../util.js';
import { catalogEntries } from './entries.js';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const IMAGE = /^(\d+)\.(\d+)\.(\d+)\/\d+$/;

function newer(a: RegExpExecArray, b: RegExpExecArray): boolean {
  for (let i = 1; i <= 3; i += 1) {
    const d = Number(a[i]) - Number(b[i]);
    if (d !== 0) return d > 0;
  }
  return false;
}

export const imageVersion: CatalogRule = {
  id: 'RB7005',
  slug: 'catalog-image-version',
  severity: 'error',
  description:
    "No catalog entry names an image of a recipe version above recipe.yaml's version: such an image cannot have been built from this recipe.",
  appliesTo: 'catalog',
  example: '# recipe.yaml: version: 1.2.0\nchannels:\n  stable:\n    image: 1.3.0/1',
  fix: 'Check the image build version (bakery images lists them); merge the branch that raised the recipe version first.',
  check({ data, recipe }) {
    const version = SEMVER.exec(String(asRecord(recipe).version ?? ''));
    if (!version) return [];
    const hits: RuleHit[] = [];
    for (const entry of catalogEntries(data)) {
      const image = IMAGE.exec(String(entry.value.image ?? ''));
      if (!image || !newer(image, version)) continue;
      hits.push({
        path: [...entry.path, 'image'],
        message: `Image ${String(entry.value.image)} is of version ${image.slice(1, 4).join('.')}, above the recipe's ${version[0]}: no such image was built from this recipe. Check the version (bakery images lists them).`,
      });
    }
    return hits;
  },
};
