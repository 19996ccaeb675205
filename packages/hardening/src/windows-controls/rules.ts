/**
 * What the table schema cannot say: rows that fight over one setting, audit GUIDs that belong to
 * another subcategory, and settings that would cut the image off from Systems Manager (how Image
 * Builder drives the build and how operators reach the instance) or lock out the local
 * administrator whose password EC2Launch hands out.
 */
import type { TableHit as RuleHit } from '../types.js';
import { AUDIT_SUBCATEGORIES, type Control, type ControlsTable, targetOf } from './table.js';

/** Services that carry the Systems Manager path; a row may not change how they start. */
const PROTECTED_SERVICES = new Set(['amazonssmagent']);
/** `System Access` keys that rename or disable the administrator account EC2Launch sets the password of. */
const ADMIN_ACCOUNT_KEYS = new Set(['newadministratorname', 'enableadminaccount']);
/** Deny rights that, given to these SIDs, keep the local administrator out (no domain account to fall back on). */
const DENY_RIGHTS = new Set(['sedenynetworklogonright', 'sedenyinteractivelogonright', 'sedenyremoteinteractivelogonright']);
const LOCAL_ADMIN_SIDS = new Map([
  ['*S-1-5-113', 'Local account'],
  ['*S-1-5-114', 'Local account and member of Administrators group'],
  ['*S-1-5-32-544', 'Administrators'],
]);

export function checkControlsTable(table: ControlsTable): RuleHit[] {
  const hits: RuleHit[] = [];
  const firstByTarget = new Map<string, number>();
  table.controls.forEach((control, index) => {
    const path = ['controls', index];
    const target = targetOf(control);
    const first = firstByTarget.get(target);
    if (first === undefined) firstByTarget.set(target, index);
    else {
      hits.push({
        path: [...path, 'id'],
        message: `Control ${control.id} sets ${target}, which row ${first + 1} (${table.controls[first]?.id}) already sets; keep one row per setting, or the later one silently wins.`,
      });
    }
    hits.push(...lockouts(control, path));
  });
  return hits;
}

function lockouts(control: Control, path: (string | number)[]): RuleHit[] {
  switch (control.kind) {
    case 'auditPolicy': {
      const known = AUDIT_SUBCATEGORIES[control.guid.toUpperCase()];
      if (known === undefined) return [{ path: [...path, 'guid'], message: `${control.guid} is not an advanced audit policy subcategory; copy the GUID from \`auditpol /list /subcategory:* /v\`.` }];
      if (known.toLowerCase() !== control.subcategory.toLowerCase()) {
        return [{ path: [...path, 'guid'], message: `${control.guid} is the '${known}' subcategory, not '${control.subcategory}'; auditpol is driven by the GUID, so fix the GUID or the name.` }];
      }
      return [];
    }
    case 'service':
      return PROTECTED_SERVICES.has(control.service.toLowerCase())
        ? [{ path: [...path, 'service'], message: `${control.service} is the Systems Manager agent: Image Builder drives the build through it and operators reach the instance through it; remove this row.` }]
        : [];
    case 'securityPolicy': {
      const key = control.key.toLowerCase();
      if (ADMIN_ACCOUNT_KEYS.has(key)) {
        return [{ path: [...path, 'key'], message: `${control.key} renames or disables the Administrator account whose password EC2Launch hands out; list the control under exceptions instead.` }];
      }
      if (DENY_RIGHTS.has(key) && Array.isArray(control.value)) {
        const locked = control.value.filter((sid) => LOCAL_ADMIN_SIDS.has(sid.toUpperCase()));
        if (locked.length > 0) {
          return [
            {
              path: [...path, 'value'],
              message: `${control.key} with ${locked.map((sid) => LOCAL_ADMIN_SIDS.get(sid.toUpperCase())).join(', ')} keeps the local administrator out of an instance that has no domain account to use instead; deny Guests only and list the rest under exceptions.`,
            },
          ];
        }
      }
      return [];
    }
    case 'userRegistry':
      return [];
    case 'registry': {
      const where = control.path.toLowerCase();
      if (where.endsWith('\\services\\amazonssmagent') && control.name.toLowerCase() === 'start' && control.value !== 2) {
        return [{ path: [...path, 'value'], message: 'The Systems Manager agent must start automatically (Start = 2); Image Builder and operators reach the instance through it.' }];
      }
      if (/\\windowsfirewall\\(domain|private|public|standard)profile$/.test(where) && control.name.toLowerCase() === 'defaultoutboundaction' && control.value === 1) {
        return [{ path: [...path, 'value'], message: 'Blocking outbound traffic by default cuts the Systems Manager agent off from its endpoints; keep DefaultOutboundAction at 0 (allow).' }];
      }
      return [];
    }
  }
}
