/**
 * Deprecation instead of surprise deletion: once a newer image of a recipe is available in a
 * region, the older AMIs there get an EC2 deprecation time (`deprecateSupersededAfterDays` after
 * the newer image was created). They still launch by id; they leave default searches and
 * consumers see the date. Never touched: an AMI a channel points at, a revoked AMI (it has its
 * own deprecation), an AMI that already has a deprecation time, an AMI without an image build
 * version tag. The lifecycle policy deletes only after that, and never an AMI launched recently.
 */
import { messageOf } from '../util.js';
import type { CatalogClients } from './clients.js';
import { type AmiRecord, deprecateAmi, deprecationTimeFor, tagAmi } from './images.js';
import type { SupersededResult } from './model.js';
import { CATALOG_TAGS, compareImageVersions } from './names.js';

interface SupersededAmi {
  readonly ami: string;
  readonly region: string;
  readonly image: string;
  readonly supersededBy: string;
  readonly deprecateAt: Date;
}

const DAY_MS = 86_400_000;

function usable(record: AmiRecord): record is AmiRecord & { image: string } {
  return record.image !== undefined && record.state === 'available' && record.tags[CATALOG_TAGS.revokedReason] === undefined;
}

/**
 * The AMIs of one region that are superseded and have no deprecation time yet, with the time to
 * set. `channelAmis`: every AMI id a channel parameter holds in that region.
 */
function supersededAmis(amis: readonly AmiRecord[], channelAmis: ReadonlySet<string>, days: number, now: Date): SupersededAmi[] {
  const live = amis.filter(usable);
  if (live.length < 2) return [];
  const newest = live.reduce((a, b) => (compareImageVersions(a.image, b.image) >= 0 ? a : b));
  const created = Date.parse(newest.creationDate ?? '');
  const from = Number.isNaN(created) ? now.getTime() : created;
  const deprecateAt = deprecationTimeFor(new Date(from + days * DAY_MS), now);
  return live
    .filter((r) => compareImageVersions(r.image, newest.image) < 0 && !channelAmis.has(r.ami) && r.deprecationTime === undefined)
    .map((r) => ({ ami: r.ami, region: r.region, image: r.image, supersededBy: newest.image, deprecateAt }))
    .sort((a, b) => compareImageVersions(a.image, b.image));
}

/** Sets the deprecation time of each superseded AMI and tags it with what superseded it; one failure does not stop the others. */
async function deprecateSuperseded(
  clients: CatalogClients,
  recipe: string,
  superseded: readonly SupersededAmi[],
): Promise<SupersededResult[]> {
  const results: SupersededResult[] = [];
  for (const s of superseded) {
    const base = {
      recipe,
      region: s.region,
      ami: s.ami,
      image: s.image,
      supersededBy: s.supersededBy,
      deprecateAt: s.deprecateAt.toISOString(),
    };
    try {
      await deprecateAmi(clients, s.region, s.ami, s.deprecateAt);
      await tagAmi(clients, s.region, s.ami, { [CATALOG_TAGS.supersededBy]: s.supersededBy });
      results.push({ ...base, outcome: 'applied' });
    } catch (error) {
      results.push({ ...base, outcome: 'failed', message: messageOf(error) });
    }
  }
  return results;
}

export { deprecateSuperseded, type SupersededAmi, supersededAmis };
