/**
 * The deployer's catalog planner: per recipe, what must change in AWS for the channels and
 * revocations of catalog.json to hold. `planCatalog` of `@ami-bakery/bundle` is the planner
 * `bakery plan` shows; the step takes any planner of the same shape and this one is the
 * deployer's own reading of the contract (docs/contracts.md, "Image catalog"):
 *
 * - each channel entry: `set-channel` in every region of its `amis` whose parameter differs, and
 *   removal where the parameter exists but the entry names no AMI;
 * - a channel parameter without an entry (not candidate): removed;
 * - candidate holding a revoked AMI: falls back to the newest available, unrevoked AMI of the
 *   recipe in that region, or is removed when there is none;
 * - each revoked entry: `revoke` while an AMI of the image lacks the reason, its deprecation or
 *   (with `disable`) is still enabled;
 * - an AMI carrying a revocation whose entry left the catalog: `unrevoke`.
 */
import type { AmiRecord } from './images.js';
import type { CatalogAction, CatalogState, ObservedCatalog, SetChannelAction } from './model.js';
import { CANDIDATE_CHANNEL, CATALOG_TAGS, compareImageVersions } from './names.js';

function isRevoked(record: AmiRecord): boolean {
  return record.tags[CATALOG_TAGS.revokedReason] !== undefined;
}

function planRecipeCatalog(recipe: string, desired: CatalogState, observed: ObservedCatalog, now: Date): CatalogAction[] {
  const actions: CatalogAction[] = [];
  const revokedImages = new Set(desired.revoked.map((r) => r.image));

  for (const entry of desired.revoked) {
    const records = Object.values(observed.amis)
      .flat()
      .filter((r) => r.image === entry.image || Object.values(entry.amis).includes(r.ami));
    const pending =
      records.length === 0 ||
      records.some(
        (r) =>
          r.tags[CATALOG_TAGS.revokedReason] !== entry.reason ||
          r.deprecationTime === undefined ||
          Date.parse(r.deprecationTime) > now.getTime() + 120_000 ||
          (entry.disable && r.state !== 'disabled'),
      );
    if (pending)
      actions.push({ action: 'revoke', recipe, image: entry.image, amis: entry.amis, disable: entry.disable, reason: entry.reason });
  }

  const unrevoke = new Map<string, Record<string, string>>();
  for (const [region, records] of Object.entries(observed.amis))
    for (const r of records)
      if (r.image && isRevoked(r) && !revokedImages.has(r.image))
        unrevoke.set(r.image, { ...(unrevoke.get(r.image) ?? {}), [region]: r.ami });
  for (const [image, amis] of [...unrevoke].sort(([a], [b]) => compareImageVersions(a, b)))
    actions.push({ action: 'unrevoke', recipe, image, amis });

  const set = (channel: string, region: string, ami: string | null, image: string | null, reason: SetChannelAction['reason']) => {
    const from = observed.channels[channel]?.[region] ?? null;
    if (from === ami) return;
    actions.push({ action: 'set-channel', recipe, channel, region, ami, from, image, reason });
  };
  for (const channel of Object.keys(desired.channels).sort()) {
    const entry = desired.channels[channel] as CatalogState['channels'][string];
    for (const region of Object.keys(entry.amis).sort()) set(channel, region, entry.amis[region] as string, entry.image, 'promote');
    for (const region of Object.keys(observed.channels[channel] ?? {}).sort())
      if (!(region in entry.amis)) set(channel, region, null, null, 'remove');
  }
  for (const channel of Object.keys(observed.channels).sort()) {
    if (channel === CANDIDATE_CHANNEL || channel in desired.channels) continue;
    for (const region of Object.keys(observed.channels[channel] ?? {}).sort()) set(channel, region, null, null, 'remove');
  }
  // candidate follows the builds; a revocation moves it back to the newest good image there.
  for (const [region, ami] of Object.entries(observed.channels[CANDIDATE_CHANNEL] ?? {}).sort()) {
    const records = observed.amis[region] ?? [];
    const current = records.find((r) => r.ami === ami);
    const revoked = current !== undefined && (isRevoked(current) || (current.image !== undefined && revokedImages.has(current.image)));
    if (!revoked) continue;
    const good = records
      .filter(
        (r): r is AmiRecord & { image: string } =>
          r.image !== undefined && r.state === 'available' && !isRevoked(r) && !revokedImages.has(r.image),
      )
      .sort((a, b) => compareImageVersions(b.image, a.image))[0];
    set(CANDIDATE_CHANNEL, region, good?.ami ?? null, good?.image ?? null, good ? 'fallback' : 'remove');
  }
  return actions;
}

/** The planner over every recipe (sorted by name), in the shape the step takes. */
function planCatalogActions(
  desired: ReadonlyMap<string, CatalogState>,
  observed: ReadonlyMap<string, ObservedCatalog>,
  now: Date = new Date(),
): CatalogAction[] {
  return [...desired.keys()].sort().flatMap((recipe) => {
    const seen = observed.get(recipe);
    return seen ? planRecipeCatalog(recipe, desired.get(recipe) as CatalogState, seen, now) : [];
  });
}

export { planCatalogActions, planRecipeCatalog };
