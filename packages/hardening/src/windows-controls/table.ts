/**
 * The shape of a schema-valid Windows controls table (`table.schema.json` is the authority; this
 * mirrors it for the generator). One row sets and checks one value.
 */
export type RegistryType = 'DWORD' | 'QWORD' | 'SZ' | 'EXPAND_SZ' | 'MULTI_SZ';
export type AuditSetting = 'Success' | 'Failure' | 'Success and Failure';
export type StartupType = 'Disabled' | 'Manual' | 'Automatic';

interface ControlBase {
  id: string;
  title: string;
  /** Default 1. */
  level?: 1 | 2;
}

export interface RegistryControl extends ControlBase {
  kind: 'registry';
  path: string;
  name: string;
  type: RegistryType;
  value: number | string | string[];
}

export interface SecurityPolicyControl extends ControlBase {
  kind: 'securityPolicy';
  section: 'System Access' | 'Privilege Rights';
  key: string;
  /** A number for `System Access`, a list of `*S-...` SIDs for `Privilege Rights` (empty: no one). */
  value: number | string[];
}

export interface AuditPolicyControl extends ControlBase {
  kind: 'auditPolicy';
  subcategory: string;
  guid: string;
  setting: AuditSetting;
}

export interface ServiceControl extends ControlBase {
  kind: 'service';
  service: string;
  startupType: StartupType;
}

/** A per-user value (benchmark section 19): written to the default user profile, so accounts created later get it, and to the profiles on the image. */
export interface UserRegistryControl extends ControlBase {
  kind: 'userRegistry';
  /** Key relative to the user hive, e.g. `Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop`. */
  path: string;
  name: string;
  type: RegistryType;
  value: number | string | string[];
}

export type Control = RegistryControl | UserRegistryControl | SecurityPolicyControl | AuditPolicyControl | ServiceControl;

export interface ControlException {
  id: string;
  title: string;
  reason: string;
}

export interface ControlsTable {
  benchmark: string;
  /** Where the ids, titles and values were taken from and checked against. */
  source?: string;
  version: string;
  profile: string;
  controls: Control[];
  exceptions?: ControlException[];
}

/** What auditpol records for a subcategory: bit 1 success, bit 2 failure. */
export const AUDIT_BITS: Record<AuditSetting, number> = { Success: 1, Failure: 2, 'Success and Failure': 3 };

/**
 * Advanced audit policy subcategories by GUID. The generator drives auditpol by GUID (locale
 * independent), so a GUID that does not belong to the named subcategory would silently audit
 * something else; the table check compares both.
 */
export const AUDIT_SUBCATEGORIES: Readonly<Record<string, string>> = {
  '{0CCE9210-69AE-11D9-BED3-505054503030}': 'Security State Change',
  '{0CCE9211-69AE-11D9-BED3-505054503030}': 'Security System Extension',
  '{0CCE9212-69AE-11D9-BED3-505054503030}': 'System Integrity',
  '{0CCE9213-69AE-11D9-BED3-505054503030}': 'IPsec Driver',
  '{0CCE9214-69AE-11D9-BED3-505054503030}': 'Other System Events',
  '{0CCE9215-69AE-11D9-BED3-505054503030}': 'Logon',
  '{0CCE9216-69AE-11D9-BED3-505054503030}': 'Logoff',
  '{0CCE9217-69AE-11D9-BED3-505054503030}': 'Account Lockout',
  '{0CCE9218-69AE-11D9-BED3-505054503030}': 'IPsec Main Mode',
  '{0CCE9219-69AE-11D9-BED3-505054503030}': 'IPsec Quick Mode',
  '{0CCE921A-69AE-11D9-BED3-505054503030}': 'IPsec Extended Mode',
  '{0CCE921B-69AE-11D9-BED3-505054503030}': 'Special Logon',
  '{0CCE921C-69AE-11D9-BED3-505054503030}': 'Other Logon/Logoff Events',
  '{0CCE921D-69AE-11D9-BED3-505054503030}': 'File System',
  '{0CCE921E-69AE-11D9-BED3-505054503030}': 'Registry',
  '{0CCE921F-69AE-11D9-BED3-505054503030}': 'Kernel Object',
  '{0CCE9220-69AE-11D9-BED3-505054503030}': 'SAM',
  '{0CCE9221-69AE-11D9-BED3-505054503030}': 'Certification Services',
  '{0CCE9222-69AE-11D9-BED3-505054503030}': 'Application Generated',
  '{0CCE9223-69AE-11D9-BED3-505054503030}': 'Handle Manipulation',
  '{0CCE9224-69AE-11D9-BED3-505054503030}': 'File Share',
  '{0CCE9225-69AE-11D9-BED3-505054503030}': 'Filtering Platform Packet Drop',
  '{0CCE9226-69AE-11D9-BED3-505054503030}': 'Filtering Platform Connection',
  '{0CCE9227-69AE-11D9-BED3-505054503030}': 'Other Object Access Events',
  '{0CCE9228-69AE-11D9-BED3-505054503030}': 'Sensitive Privilege Use',
  '{0CCE9229-69AE-11D9-BED3-505054503030}': 'Non Sensitive Privilege Use',
  '{0CCE922A-69AE-11D9-BED3-505054503030}': 'Other Privilege Use Events',
  '{0CCE922B-69AE-11D9-BED3-505054503030}': 'Process Creation',
  '{0CCE922C-69AE-11D9-BED3-505054503030}': 'Process Termination',
  '{0CCE922D-69AE-11D9-BED3-505054503030}': 'DPAPI Activity',
  '{0CCE922E-69AE-11D9-BED3-505054503030}': 'RPC Events',
  '{0CCE922F-69AE-11D9-BED3-505054503030}': 'Audit Policy Change',
  '{0CCE9230-69AE-11D9-BED3-505054503030}': 'Authentication Policy Change',
  '{0CCE9231-69AE-11D9-BED3-505054503030}': 'Authorization Policy Change',
  '{0CCE9232-69AE-11D9-BED3-505054503030}': 'MPSSVC Rule-Level Policy Change',
  '{0CCE9233-69AE-11D9-BED3-505054503030}': 'Filtering Platform Policy Change',
  '{0CCE9234-69AE-11D9-BED3-505054503030}': 'Other Policy Change Events',
  '{0CCE9235-69AE-11D9-BED3-505054503030}': 'User Account Management',
  '{0CCE9236-69AE-11D9-BED3-505054503030}': 'Computer Account Management',
  '{0CCE9237-69AE-11D9-BED3-505054503030}': 'Security Group Management',
  '{0CCE9238-69AE-11D9-BED3-505054503030}': 'Distribution Group Management',
  '{0CCE9239-69AE-11D9-BED3-505054503030}': 'Application Group Management',
  '{0CCE923A-69AE-11D9-BED3-505054503030}': 'Other Account Management Events',
  '{0CCE923B-69AE-11D9-BED3-505054503030}': 'Directory Service Access',
  '{0CCE923C-69AE-11D9-BED3-505054503030}': 'Directory Service Changes',
  '{0CCE923D-69AE-11D9-BED3-505054503030}': 'Directory Service Replication',
  '{0CCE923E-69AE-11D9-BED3-505054503030}': 'Detailed Directory Service Replication',
  '{0CCE923F-69AE-11D9-BED3-505054503030}': 'Credential Validation',
  '{0CCE9240-69AE-11D9-BED3-505054503030}': 'Kerberos Service Ticket Operations',
  '{0CCE9241-69AE-11D9-BED3-505054503030}': 'Other Account Logon Events',
  '{0CCE9242-69AE-11D9-BED3-505054503030}': 'Kerberos Authentication Service',
  '{0CCE9243-69AE-11D9-BED3-505054503030}': 'Network Policy Server',
  '{0CCE9244-69AE-11D9-BED3-505054503030}': 'Detailed File Share',
  '{0CCE9245-69AE-11D9-BED3-505054503030}': 'Removable Storage',
  '{0CCE9246-69AE-11D9-BED3-505054503030}': 'Central Policy Staging',
  '{0CCE9247-69AE-11D9-BED3-505054503030}': 'User / Device Claims',
  '{0CCE9248-69AE-11D9-BED3-505054503030}': 'Plug and Play Events',
  '{0CCE9249-69AE-11D9-BED3-505054503030}': 'Group Membership',
  '{0CCE924A-69AE-11D9-BED3-505054503030}': 'Token Right Adjusted Events',
};

/** The setting a row changes; two rows with the same target contradict or repeat each other. */
export function targetOf(control: Control): string {
  switch (control.kind) {
    case 'registry':
      return `registry ${control.path.toLowerCase()}\\${control.name.toLowerCase()}`;
    case 'userRegistry':
      return `user registry ${control.path.toLowerCase()}\\${control.name.toLowerCase()}`;
    case 'securityPolicy':
      return `security policy [${control.section}] ${control.key.toLowerCase()}`;
    case 'auditPolicy':
      return `audit policy ${control.guid.toUpperCase()}`;
    case 'service':
      return `service ${control.service.toLowerCase()}`;
  }
}
