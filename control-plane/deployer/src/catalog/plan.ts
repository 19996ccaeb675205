/**
 * What the planner sees: `planCatalog` of `@ami-bakery/bundle` takes the channel values and, per
 * image build, Image Builder's state and each AMI's deprecation, disabled state and revocation tag.
 * An AMI counts as deprecated once its deprecation time is within two minutes: EC2 takes no time in
 * the past, so a revocation deprecates at the next whole minute plus one.
 */
import type { ObservedAmi, ObservedCatalog, ObservedImage } from '@ami-bakery/bundle';
import type { CatalogSnapshot } from './model.js';
import { CATALOG_TAGS, compareImageVersions } from './names.js';

const SOON_MS = 120_000;

function plannerView(snapshot: CatalogSnapshot, now: Date): ObservedCatalog {
  const images: ObservedImage[] = Object.values(snapshot.images)
    .map((record) => {
      const amis: Record<string, ObservedAmi> = {};
      for (const [region, ec2] of Object.entries(record.ec2)) {
        amis[region] = {
          ami: ec2.ami,
          deprecated: ec2.deprecationTime !== undefined && Date.parse(ec2.deprecationTime) <= now.getTime() + SOON_MS,
          disabled: ec2.state === 'disabled',
          revokedReason: ec2.tags[CATALOG_TAGS.revokedReason] ?? null,
        };
      }
      return { image: record.image, state: record.status, amis };
    })
    .sort((a, b) => compareImageVersions(a.image, b.image));
  return { channels: snapshot.channels, images };
}

export { plannerView, SOON_MS };
