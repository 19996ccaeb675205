/** The tags every recipe stack carries (docs/contracts.md): the deployed state the planner reads. */
import type { BundleRecipeEntry } from './manifest.js';

const TAGS = {
  recipe: 'ami-bakery:recipe',
  version: 'ami-bakery:version',
  contentHash: 'ami-bakery:content-hash',
  deployHash: 'ami-bakery:deploy-hash',
  managedBy: 'ami-bakery:managed-by',
} as const;

/** Value of `ami-bakery:managed-by` on stacks the deployer owns. */
const MANAGED_BY = 'ami-bakery-deployer';

interface StackTag {
  Key: string;
  Value: string;
}

/** The stack tags of a recipe deployed from `entry` with deploy hash `deployHash`, sorted by key. */
function recipeStackTags(entry: Pick<BundleRecipeEntry, 'name' | 'version' | 'contentHash'>, deployHash: string): StackTag[] {
  return [
    { Key: TAGS.contentHash, Value: entry.contentHash },
    { Key: TAGS.deployHash, Value: deployHash },
    { Key: TAGS.managedBy, Value: MANAGED_BY },
    { Key: TAGS.recipe, Value: entry.name },
    { Key: TAGS.version, Value: entry.version },
  ];
}

function tagMap(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of tags ?? []) if (typeof tag.Key === 'string' && typeof tag.Value === 'string') map[tag.Key] = tag.Value;
  return map;
}

export { MANAGED_BY, recipeStackTags, type StackTag, TAGS, tagMap };
