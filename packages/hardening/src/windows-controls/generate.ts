/**
 * Windows controls table -> AWSTOE documents. Pure: the same table and options give the same
 * documents byte for byte.
 *
 * CloudFormation caps a component's inline `Data` at 16,000 characters, far less than a full
 * benchmark needs, so the rows are split over as many documents ("parts") as it takes, in table
 * order. Each part applies its rows in its build phase and checks them in its validate phase.
 * A failing check does not stop at the first part: every part appends the controls that do not
 * hold to one file, and the last part fails the build listing all of them.
 */
import { stringify } from 'yaml';
import type { JsonPath } from '../types.js';
import { AUDIT_BITS, type AuditPolicyControl, type Control, type ControlsTable, type RegistryControl, type SecurityPolicyControl, type ServiceControl } from './table.js';

/** CloudFormation's limit on `AWS::ImageBuilder::Component` `Data`. */
export const COMPONENT_DATA_LIMIT = 16_000;
/** Room left under the limit so a longer description or name never tips a part over. */
const PART_BUDGET = COMPONENT_DATA_LIMIT - 500;

export interface GenerateOptions {
  /** Image Builder component name of the parts without the part number, e.g. `<recipe>-cis-level1`. */
  baseName: string;
  /** The table as the recipe names it, for descriptions and messages, e.g. `controls/cis-level1.yaml`. */
  tableFile: string;
  /** Largest document text; default just under CloudFormation's limit. Tests lower it. */
  budget?: number;
}

/** Where a value of a generated document came from in the table. */
export interface Origin {
  documentPath: JsonPath;
  tablePath: JsonPath;
}

export interface GeneratedDocument {
  /** 1-based part number. */
  part: number;
  parts: number;
  /** Name inside the document: `<baseName>-part-<part>`. */
  name: string;
  data: Record<string, unknown>;
  /** The document as YAML; it becomes the component's `Data`. */
  text: string;
  /** Indexes into `controls` of the rows this part applies and checks. */
  rows: number[];
  origins: Origin[];
}

export class ControlTooLargeError extends Error {
  constructor(id: string, { cause }: { cause?: unknown } = {}) {
    super(`Control ${id} alone does not fit in one component document.`, { cause });
    this.name = 'ControlTooLargeError';
  }
}

export function generateWindowsControls(table: ControlsTable, options: GenerateOptions): GeneratedDocument[] {
  const budget = options.budget ?? PART_BUDGET;
  const groups: number[][] = [];
  let current: number[] = [];
  table.controls.forEach((_, index) => {
    const candidate = [...current, index];
    // Rendering as the last of many parts is the longest variant, so a group that fits here fits anywhere.
    if (render(table, options, candidate, 2, 2).text.length <= budget) {
      current = candidate;
      return;
    }
    if (current.length === 0) throw new ControlTooLargeError(table.controls[index]?.id ?? String(index));
    groups.push(current);
    current = [index];
    if (render(table, options, current, 2, 2).text.length > budget) throw new ControlTooLargeError(table.controls[index]?.id ?? String(index));
  });
  if (current.length > 0) groups.push(current);
  return groups.map((rows, i) => render(table, options, rows, i + 1, groups.length));
}

function render(table: ControlsTable, options: GenerateOptions, rows: number[], part: number, parts: number): GeneratedDocument {
  const name = `${options.baseName}-part-${part}`;
  const picked = rows.map((index) => ({ index, control: table.controls[index] as Control }));
  const of = <K extends Control['kind']>(kind: K) => picked.filter((p): p is { index: number; control: Extract<Control, { kind: K }> } => p.control.kind === kind);
  const registry = of('registry');
  const policy = of('securityPolicy');
  const audit = of('auditPolicy');
  const services = of('service');
  const work = `AmiBakery\\${options.baseName}`;
  const origins: Origin[] = [];

  const build: Record<string, unknown>[] = [];
  if (policy.length > 0) {
    build.push(powershell('ApplySecurityPolicy', [STOP, ...workFolder(work), dataBlock('policy', policy.map((p) => policyRow(p.control))), ...applyPolicy(part)]));
  }
  if (registry.length > 0) {
    const stepIndex = build.length;
    for (const [i, p] of registry.entries()) origins.push({ documentPath: ['phases', 0, 'steps', stepIndex, 'inputs', i], tablePath: ['controls', p.index] });
    build.push({ name: 'ApplyRegistry', action: 'SetRegistry', inputs: registry.map((p) => setRegistry(p.control)) });
  }
  if (audit.length > 0) build.push(powershell('ApplyAuditPolicy', [STOP, dataBlock('audit', audit.map((p) => auditRow(p.control))), ...APPLY_AUDIT]));
  if (services.length > 0) build.push(powershell('ApplyServices', [STOP, dataBlock('services', services.map((p) => serviceRow(p.control))), ...APPLY_SERVICES]));

  const check = [
    STOP,
    ...workFolder(work),
    "$failedFile = Join-Path $work 'failed-controls.txt'",
    ...(part === 1 ? ['if (Test-Path -LiteralPath $failedFile) { Remove-Item -LiteralPath $failedFile -Force }'] : []),
    '$failed = New-Object System.Collections.Generic.List[string]',
    ...(registry.length > 0 ? [dataBlock('registry', registry.map((p) => registryRow(p.control))), ...CHECK_REGISTRY] : []),
    ...(policy.length > 0 ? [dataBlock('policy', policy.map((p) => policyRow(p.control))), ...CHECK_POLICY] : []),
    ...(audit.length > 0 ? [dataBlock('audit', audit.map((p) => auditRow(p.control))), ...CHECK_AUDIT] : []),
    ...(services.length > 0 ? [dataBlock('services', services.map((p) => serviceRow(p.control))), ...CHECK_SERVICES] : []),
    'if ($failed.Count -gt 0) { Add-Content -LiteralPath $failedFile -Value $failed }',
    ...(part === parts ? report(options.tableFile) : [`Write-Output "Part ${part} of ${parts}: $($failed.Count) control(s) do not hold; part ${parts} fails the build if any part found one."`]),
  ];

  const first = picked[0]?.control.id ?? '';
  const last = picked[picked.length - 1]?.control.id ?? '';
  const data: Record<string, unknown> = {
    name,
    description: truncate(
      `${table.benchmark} v${table.version}, ${table.profile}: controls ${first} to ${last} (part ${part} of ${parts}). Generated from ${options.tableFile}; edit the table, not this document.`,
      1024,
    ),
    schemaVersion: '1.0',
    phases: [
      { name: 'build', steps: build },
      { name: 'validate', steps: [powershell('CheckControls', check)] },
    ],
  };
  return { part, parts, name, data, text: stringify(data, { lineWidth: 0, blockQuote: 'literal' }), rows, origins };
}

const STOP = "$ErrorActionPreference = 'Stop'";

function powershell(name: string, lines: string[]): Record<string, unknown> {
  return { name, action: 'ExecutePowerShell', inputs: { commands: [lines.join('\n')] } };
}

function workFolder(work: string): string[] {
  return [`$work = Join-Path $env:ProgramData ${quote(work)}`, 'New-Item -ItemType Directory -Force -Path $work | Out-Null'];
}

/** `$name = @(` one `,@(...)` per row `)`: the leading comma keeps a one-row table a list of rows. */
function dataBlock(variable: string, rows: string[]): string {
  return [`$${variable} = @(`, ...rows.map((row) => `,@(${row})`), ')'].join('\n');
}

function setRegistry(control: RegistryControl): Record<string, unknown> {
  return { path: control.path, name: control.name, value: control.value, type: control.type };
}

function registryRow(control: RegistryControl): string {
  const value = Array.isArray(control.value) ? `@(${control.value.map(quote).join(',')})` : quote(String(control.value));
  return [quote(control.id), quote(control.path), quote(control.name), value].join(',');
}

function policyRow(control: SecurityPolicyControl): string {
  const value = Array.isArray(control.value) ? control.value.join(',') : String(control.value);
  return [quote(control.id), quote(control.section), quote(control.key), quote(value)].join(',');
}

function auditRow(control: AuditPolicyControl): string {
  return [quote(control.id), quote(control.guid.toUpperCase()), String(AUDIT_BITS[control.setting]), quote(control.subcategory)].join(',');
}

function serviceRow(control: ServiceControl): string {
  return [quote(control.id), quote(control.service), quote(control.startupType)].join(',');
}

/** A PowerShell single-quoted string: nothing inside is expanded. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// secedit applies only what the template lists; the validate phase, not secedit's exit code, decides.
function applyPolicy(part: number): string[] {
  return [
    `$lines = @('[Unicode]', 'Unicode=yes', '[Version]', 'signature="$CHICAGO$"', 'Revision=1')`,
    "foreach ($section in 'System Access', 'Privilege Rights') {",
    '  $lines += "[$section]"',
    "  $lines += @($policy | Where-Object { $_[1] -eq $section } | ForEach-Object { '{0} = {1}' -f $_[2], $_[3] })",
    '}',
    `$inf = Join-Path $work 'part-${part}.inf'`,
    'Set-Content -LiteralPath $inf -Value $lines -Encoding Unicode',
    `secedit /configure /db (Join-Path $work 'part-${part}.sdb') /cfg $inf /areas SECURITYPOLICY USER_RIGHTS /quiet`,
    'Write-Output "secedit exited $LASTEXITCODE; the validate phase checks every setting."',
  ];
}

// By GUID, so the result does not depend on the display language of the image.
const APPLY_AUDIT = [
  'foreach ($r in $audit) {',
  '  $set = @(\'/set\', "/subcategory:$($r[1])")',
  "  if ($r[2] -band 1) { $set += '/success:enable' }",
  "  if ($r[2] -band 2) { $set += '/failure:enable' }",
  '  auditpol @set | Out-Null',
  '  if ($LASTEXITCODE -ne 0) { Write-Output "auditpol exited $LASTEXITCODE for $($r[0]) $($r[3])" }',
  '}',
];

const APPLY_SERVICES = [
  'foreach ($r in $services) {',
  '  if (Get-Service -Name $r[1] -ErrorAction SilentlyContinue) {',
  "    if ($r[2] -eq 'Disabled') { Stop-Service -Name $r[1] -Force -ErrorAction SilentlyContinue }",
  '    Set-Service -Name $r[1] -StartupType $r[2]',
  '  }',
  '}',
];

const CHECK_REGISTRY = [
  'foreach ($r in $registry) {',
  '  $v = (Get-ItemProperty -LiteralPath $r[1] -Name $r[2] -ErrorAction SilentlyContinue).($r[2])',
  '  $actual = @($v | ForEach-Object { [string]$_ }) -join [char]10',
  '  if ($null -eq $v) { $failed.Add("$($r[0]): $($r[1])\\$($r[2]) is not set") }',
  '  elseif ($actual -ne (@($r[3]) -join [char]10)) { $failed.Add("$($r[0]): $($r[1])\\$($r[2]) is \'$(@($v) -join \',\')\', expected \'$(@($r[3]) -join \',\')\'") }',
  '}',
];

// secedit leaves a right nobody holds out of its export, which compares equal to an empty list.
const CHECK_POLICY = [
  "$export = Join-Path $work 'export.inf'",
  'secedit /export /cfg $export /areas SECURITYPOLICY USER_RIGHTS /quiet | Out-Null',
  "$exported = @{}; $section = ''",
  'foreach ($line in Get-Content -LiteralPath $export) {',
  "  if ($line -match '^\\[(.+)\\]$') { $section = $Matches[1] }",
  "  elseif ($line -match '^\\s*(\\S+)\\s*=\\s*(.*?)\\s*$') { $exported[\"$section|$($Matches[1])\"] = $Matches[2] }",
  '}',
  "function Sorted($s) { (@(\"$s\" -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } | Sort-Object) -join ',') }",
  'foreach ($r in $policy) {',
  '  $v = $exported["$($r[1])|$($r[2])"]',
  "  $ok = if ($r[1] -eq 'Privilege Rights') { (Sorted $v) -eq (Sorted $r[3]) } else { [string]$v -eq $r[3] }",
  '  if (-not $ok) { $failed.Add("$($r[0]): [$($r[1])] $($r[2]) is \'$v\', expected \'$($r[3])\'") }',
  '}',
];

// `auditpol /backup` writes the numeric setting (1 success, 2 failure, 3 both) whatever the language.
const CHECK_AUDIT = [
  "$csv = Join-Path $work 'audit.csv'",
  'if (Test-Path -LiteralPath $csv) { Remove-Item -LiteralPath $csv -Force }',
  'auditpol /backup /file:$csv | Out-Null',
  '$settings = @{}',
  "foreach ($e in Import-Csv -LiteralPath $csv) { if ($e.'Subcategory GUID') { $settings[$e.'Subcategory GUID'.ToUpper()] = [int]$e.'Setting Value' } }",
  'foreach ($r in $audit) {',
  '  $v = $settings[$r[1]]',
  '  if ($null -eq $v -or ($v -band $r[2]) -ne $r[2]) { $failed.Add("$($r[0]): audit $($r[3]) is $v, expected at least $($r[2]) (1 success, 2 failure, 3 both)") }',
  '}',
];

const CHECK_SERVICES = [
  'foreach ($r in $services) {',
  '  $s = Get-Service -Name $r[1] -ErrorAction SilentlyContinue',
  "  $actual = if ($s) { [string]$s.StartType } else { 'Disabled' }",
  '  if ($actual -ne $r[2]) { $failed.Add("$($r[0]): service $($r[1]) starts $actual, expected $($r[2])") }',
  '}',
];

function report(tableFile: string): string[] {
  return [
    '$all = @(if (Test-Path -LiteralPath $failedFile) { Get-Content -LiteralPath $failedFile })',
    'if ($all.Count -gt 0) {',
    `  Write-Output "$($all.Count) control(s) of ${tableFile.replaceAll('"', '')} do not hold:"`,
    '  $all | ForEach-Object { Write-Output "  $_" }',
    '  exit 1',
    '}',
    `Write-Output "Every control of ${tableFile.replaceAll('"', '')} holds."`,
  ];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
