/**
 * What an Image Builder lifecycle policy (AWS::ImageBuilder::LifecyclePolicy, AMI_IMAGE) does to
 * a set of AMIs on one day, following the service's documented rules: each policy detail's filter
 * selects candidates (AGE: older than the threshold, keeping the newest RetainAtLeast; COUNT:
 * everything but the newest Value), its exclusion rules spare AMIs (tagged with any TagMap entry,
 * launched within LastLaunched, public, or in a listed region or shared account), and its action
 * (DEPRECATE, DISABLE, DELETE) applies to what is left.
 */
import type { Json } from './resolve.js';

export interface Ami {
  id: string;
  /** Days since the image was created. */
  ageDays: number;
  /** Days since an instance was last launched from it, anywhere it is shared; undefined: never. */
  lastLaunchedDaysAgo?: number;
  tags?: Record<string, string>;
  isPublic?: boolean;
  region?: string;
  sharedWith?: string[];
}

export type LifecycleAction = 'DEPRECATE' | 'DISABLE' | 'DELETE';

const DAYS: Record<string, number> = { DAYS: 1, WEEKS: 7, MONTHS: 30, YEARS: 365 };

function days(value: unknown, unit: unknown): number {
  const factor = DAYS[String(unit ?? 'DAYS')];
  if (factor === undefined) throw new Error(`unknown lifecycle unit ${String(unit)}`);
  return Number(value) * factor;
}

function excluded(ami: Ami, rules: Json | undefined): boolean {
  const amis = (rules?.Amis ?? {}) as Json;
  const tagMap = (amis.TagMap ?? {}) as Record<string, string>;
  if (Object.entries(tagMap).some(([key, value]) => ami.tags?.[key] === value)) return true;
  const lastLaunched = amis.LastLaunched as Json | undefined;
  if (lastLaunched && ami.lastLaunchedDaysAgo !== undefined && ami.lastLaunchedDaysAgo < days(lastLaunched.Value, lastLaunched.Unit))
    return true;
  if (amis.IsPublic === true && ami.isPublic === true) return true;
  if (Array.isArray(amis.Regions) && ami.region !== undefined && amis.Regions.includes(ami.region)) return true;
  if (Array.isArray(amis.SharedAccounts) && (ami.sharedWith ?? []).some((a) => (amis.SharedAccounts as string[]).includes(a))) return true;
  return false;
}

/** The actions each AMI gets today, by AMI id (an AMI no rule touches has none). */
export function lifecycleActions(properties: Json, amis: readonly Ami[]): Map<string, LifecycleAction[]> {
  if (properties.ResourceType !== 'AMI_IMAGE')
    throw new Error(`only AMI_IMAGE lifecycle policies are modelled, not ${String(properties.ResourceType)}`);
  const newestFirst = [...amis].sort((a, b) => a.ageDays - b.ageDays);
  const out = new Map<string, LifecycleAction[]>(amis.map((ami) => [ami.id, []]));
  for (const detail of (properties.PolicyDetails ?? []) as Json[]) {
    const filter = detail.Filter as Json;
    const action = String((detail.Action as Json).Type) as LifecycleAction;
    let candidates: Ami[];
    if (filter.Type === 'AGE') {
      const keep = Number(filter.RetainAtLeast ?? 0);
      candidates = newestFirst.slice(keep).filter((ami) => ami.ageDays > days(filter.Value, filter.Unit));
    } else if (filter.Type === 'COUNT') candidates = newestFirst.slice(Number(filter.Value));
    else throw new Error(`unknown lifecycle filter ${String(filter.Type)}`);
    for (const ami of candidates) if (!excluded(ami, detail.ExclusionRules as Json | undefined)) out.get(ami.id)?.push(action);
  }
  return out;
}
