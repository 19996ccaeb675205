/**
 * Observing a recipe's catalog in AWS: the channel parameters and AMIs in every region the
 * recipe's images went to (the regions the desired catalog names, those Image Builder reports,
 * and the bakery's own), and the Image Builder image of every build the catalog names or that
 * carries a revocation.
 */
import { readRecipeParameters } from './channels.js';
import type { CatalogClients } from './clients.js';
import { type AmiRecord, describeRecipeAmis, getImage, type ImageRecord } from './images.js';
import type { CatalogState, ObservedCatalog, ObservedImage } from './model.js';
import { CATALOG_TAGS, DISTRIBUTION_PARAMETER, imageArn, isImageBuildVersion, isRegion } from './names.js';

interface ObserveScope {
  readonly partition: string;
  readonly account: string;
  /** `RecipeStackPrefix`: the image of recipe `x` is named after stack `<prefix>x`. */
  readonly stackPrefix: string;
}

/** Images the desired state names. */
function namedImages(desired: CatalogState): Set<string> {
  const images = new Set<string>();
  for (const entry of Object.values(desired.channels)) images.add(entry.image);
  for (const entry of desired.revoked) images.add(entry.image);
  return images;
}

async function observeCatalog(
  clients: CatalogClients,
  scope: ObserveScope,
  recipe: string,
  desired: CatalogState,
): Promise<ObservedCatalog> {
  const stackName = `${scope.stackPrefix}${recipe}`;
  const wanted = namedImages(desired);
  const records = new Map<string, ImageRecord>();
  const lookUp = async (image: string) => {
    if (records.has(image) || !isImageBuildVersion(image)) return;
    records.set(image, await getImage(clients, scope.account, imageArn(scope.partition, clients.home, scope.account, stackName, image)));
  };
  for (const image of [...wanted].sort()) await lookUp(image);

  const regions = new Set<string>([clients.home]);
  for (const entry of [...Object.values(desired.channels), ...desired.revoked])
    for (const region of Object.keys(entry.amis)) regions.add(region);
  for (const record of records.values()) for (const region of Object.keys(record.amis)) regions.add(region);
  const sorted = [...regions].filter(isRegion).sort();

  const channels: Record<string, Record<string, string>> = {};
  const amis: Record<string, AmiRecord[]> = {};
  for (const region of sorted) {
    const values = await readRecipeParameters(clients, region, recipe);
    for (const [channel, value] of Object.entries(values)) {
      if (channel === DISTRIBUTION_PARAMETER) continue;
      channels[channel] = { ...(channels[channel] ?? {}), [region]: value };
    }
    amis[region] = await describeRecipeAmis(clients, region, recipe);
  }
  // Revoked AMIs whose revocation left the catalog: their images are observed too (unrevoke).
  for (const list of Object.values(amis))
    for (const record of list) if (record.image && record.tags[CATALOG_TAGS.revokedReason] !== undefined) await lookUp(record.image);

  const images: Record<string, ObservedImage> = {};
  for (const [image, record] of [...records].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ec2: Record<string, AmiRecord> = {};
    for (const [region, list] of Object.entries(amis)) {
      const ami = record.amis[region];
      const hit = (ami !== undefined ? list.find((r) => r.ami === ami) : undefined) ?? list.find((r) => r.image === image);
      if (hit) ec2[region] = hit;
    }
    images[image] = { ...record, ec2 };
  }
  return { recipe, regions: sorted, channels, images, amis };
}

export { namedImages, type ObserveScope, observeCatalog };
