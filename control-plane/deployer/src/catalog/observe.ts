/**
 * Observing a recipe's catalog in AWS: the channel parameters and AMIs in every region the recipe
 * distributes to (its template's distribution regions, the regions the desired catalog names,
 * those Image Builder reports, and the bakery's own), and the Image Builder image of every build
 * the catalog names or that has an AMI (the newest 50 of those).
 */
import type { CatalogState } from '@ami-bakery/bundle';
import { readRecipeParameters } from './channels.js';
import type { CatalogClients } from './clients.js';
import { type AmiRecord, describeRecipeAmis, getImage, type ImageRecord } from './images.js';
import type { CatalogSnapshot, SnapshotImage } from './model.js';
import { compareImageVersions, DISTRIBUTION_PARAMETER, imageArn, isImageBuildVersion, isRegion } from './names.js';

interface ObserveScope {
  readonly partition: string;
  readonly account: string;
  /** `RecipeStackPrefix`: the image of recipe `x` is named after stack `<prefix>x`. */
  readonly stackPrefix: string;
}

/** Image builds looked up from the AMIs found, newest first; more would only slow every deployment down. */
const MAX_IMAGES_FROM_AMIS = 50;

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
  distributionRegions: readonly string[] = [],
): Promise<CatalogSnapshot> {
  const stackName = `${scope.stackPrefix}${recipe}`;
  const records = new Map<string, ImageRecord>();
  const lookUp = async (image: string) => {
    if (records.has(image) || !isImageBuildVersion(image)) return;
    records.set(image, await getImage(clients, scope.account, imageArn(scope.partition, clients.home, scope.account, stackName, image)));
  };
  for (const image of [...namedImages(desired)].sort(compareImageVersions)) await lookUp(image);

  const regions = new Set<string>([clients.home, ...distributionRegions]);
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
  const fromAmis = [...new Set(Object.values(amis).flatMap((list) => list.flatMap((r) => (r.image ? [r.image] : []))))]
    .sort((a, b) => compareImageVersions(b, a))
    .slice(0, MAX_IMAGES_FROM_AMIS);
  for (const image of fromAmis) await lookUp(image);

  const images: Record<string, SnapshotImage> = {};
  for (const [image, record] of [...records].sort(([a], [b]) => compareImageVersions(a, b))) images[image] = withEc2(record, amis);
  return { recipe, regions: sorted, channels, images, amis };
}

/** The image's AMI per region: Image Builder's output when EC2 has it, else an AMI tagged with the build. */
function withEc2(record: ImageRecord, amis: Readonly<Record<string, readonly AmiRecord[]>>): SnapshotImage {
  const ec2: Record<string, AmiRecord> = {};
  for (const [region, list] of Object.entries(amis)) {
    const output = record.amis[region];
    const hit = (output !== undefined ? list.find((r) => r.ami === output) : undefined) ?? list.find((r) => r.image === record.image);
    if (hit) ec2[region] = hit;
  }
  return { ...record, ec2 };
}

export { namedImages, type ObserveScope, observeCatalog, withEc2 };
