/** Catalog states, AMI records and observations built by hand for the catalog tests. */
import type { AmiRecord } from '../../src/catalog/images.js';
import type { CatalogSnapshot, CatalogState, SnapshotImage } from '../../src/catalog/model.js';
import { CATALOG_TAGS } from '../../src/catalog/names.js';

const ACCOUNT = '111122223333';
const HOME = 'eu-west-1';
const OTHER = 'us-east-1';
const PREFIX = 'ami-bakery-recipe-';

/** A deterministic 17-hex AMI id from a label: `ami('al2023', '1.2.0/3', 'eu-west-1')`. */
function ami(...parts: string[]): string {
  let h = 0x811c9dc5;
  for (const c of parts.join('|')) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  let g = 0x9e3779b9;
  for (const c of parts.join('#')) g = Math.imul(g ^ c.charCodeAt(0), 0x85ebca6b) >>> 0;
  return `ami-0${h.toString(16).padStart(8, '0')}${g.toString(16).padStart(8, '0')}`;
}

function amiRecord(
  recipe: string,
  image: string,
  region: string,
  extra: { state?: string; deprecationTime?: string; creationDate?: string; tags?: Record<string, string> } = {},
): AmiRecord {
  return {
    ami: ami(recipe, image, region),
    region,
    state: extra.state ?? 'available',
    creationDate: extra.creationDate ?? '2026-11-01T00:00:00.000Z',
    ...(extra.deprecationTime ? { deprecationTime: extra.deprecationTime } : {}),
    image,
    tags: {
      [CATALOG_TAGS.recipe]: recipe,
      [CATALOG_TAGS.imageBuilderArn]: `arn:aws:imagebuilder:${HOME}:${ACCOUNT}:image/${PREFIX}${recipe}/${image}`,
      ...(extra.tags ?? {}),
    },
  };
}

function catalogState(partial: Partial<CatalogState> = {}): CatalogState {
  return { channels: {}, revoked: [], declaredChannels: ['stable'], deprecateSupersededAfterDays: null, ...partial };
}

/** The AMIs of `image` in `regions`, as a catalog entry names them. */
function amisOf(recipe: string, image: string, regions: readonly string[] = [HOME, OTHER]): Record<string, string> {
  return Object.fromEntries(regions.map((r) => [r, ami(recipe, image, r)]));
}

/** A snapshot: the given AMIs, channel values, and Image Builder records (AVAILABLE, outputs from the AMIs, unless given). */
function snapshot(
  recipe: string,
  records: readonly AmiRecord[],
  channels: Record<string, Record<string, string>> = {},
  statuses: Record<string, string> = {},
): CatalogSnapshot {
  const amis: Record<string, AmiRecord[]> = {};
  for (const r of records) amis[r.region] = [...(amis[r.region] ?? []), r];
  const images: Record<string, SnapshotImage> = {};
  for (const r of records) {
    if (!r.image) continue;
    const prev = images[r.image];
    images[r.image] = {
      image: r.image,
      arn: `arn:aws:imagebuilder:${HOME}:${ACCOUNT}:image/${PREFIX}${recipe}/${r.image}`,
      status: statuses[r.image] ?? 'AVAILABLE',
      amis: { ...(prev?.amis ?? {}), [r.region]: r.ami },
      ec2: { ...(prev?.ec2 ?? {}), [r.region]: r },
    };
  }
  const regions = [...new Set([HOME, ...records.map((r) => r.region)])].sort();
  return { recipe, regions, channels, images, amis };
}

export { ACCOUNT, ami, amiRecord, amisOf, catalogState, HOME, OTHER, PREFIX, snapshot };
