/**
 * CloudFormation's change-set changes (DescribeChangeSet `Changes`) as the plan's resource
 * changes, so a real change set and an offline prediction print the same way. Structural types:
 * no SDK dependency.
 */

import type { PropertyChange, ResourceChange } from './diff.js';
import { compareCodeUnits } from './hash.js';

interface ChangeSetChange {
  readonly ResourceChange?: {
    readonly Action?: string;
    readonly LogicalResourceId?: string;
    readonly ResourceType?: string;
    readonly Replacement?: string;
    readonly Details?: readonly {
      readonly Target?: { readonly Attribute?: string; readonly Name?: string; readonly RequiresRecreation?: string };
      readonly ChangeSource?: string;
      readonly CausingEntity?: string;
    }[];
  };
}

const ACTIONS: Record<string, ResourceChange['action']> = {
  Add: 'add',
  Modify: 'modify',
  Remove: 'remove',
  Import: 'add',
  Dynamic: 'modify',
  SyncWithActual: 'modify',
};

/** Replacement `True` is a replacement, `Conditional` a possible one; details become property changes. */
function changeSetResourceChanges(changes: readonly ChangeSetChange[]): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const change of changes) {
    const rc = change.ResourceChange;
    if (!rc?.LogicalResourceId) continue;
    const properties: PropertyChange[] = [];
    for (const detail of rc.Details ?? []) {
      const target = detail.Target;
      if (!target) continue;
      const path = target.Name ?? target.Attribute ?? 'unknown';
      if (properties.some((p) => p.path === path)) continue;
      const reference = detail.ChangeSource === 'ResourceReference' || detail.ChangeSource === 'ResourceAttribute';
      properties.push({
        path,
        createOnly: target.RequiresRecreation === 'Always' || target.RequiresRecreation === 'Conditionally',
        cause: reference ? 'reference' : 'value',
        ...(reference && detail.CausingEntity ? { via: [detail.CausingEntity.split('.')[0] as string] } : {}),
      });
    }
    const replace = rc.Action === 'Modify' && (rc.Replacement === 'True' || rc.Replacement === 'Conditional');
    out.push({
      logicalId: rc.LogicalResourceId,
      type: rc.ResourceType ?? 'unknown',
      action: replace ? 'replace' : (ACTIONS[rc.Action ?? ''] ?? 'modify'),
      ...(replace ? { replacement: rc.Replacement === 'True' ? ('always' as const) : ('conditional' as const) } : {}),
      properties: properties.sort((a, b) => compareCodeUnits(a.path, b.path)),
      attributes: [],
    });
  }
  return out.sort((a, b) => compareCodeUnits(a.logicalId, b.logicalId));
}

export { type ChangeSetChange, changeSetResourceChanges };
