/**
 * Windows controls table -> AWSTOE documents. Pure: the same table and options give the same
 * documents byte for byte.
 *
 * Two kinds of documents:
 * - build parts (`<base>-part-<n>`, as many as CloudFormation's 16,000-character limit on a
 *   component's inline `Data` needs; rows in table order): the build phase applies their rows and
 *   writes the part's check script (`check-part-<n>.ps1`, every row's expected value and how to read
 *   it back) into the image; the validate phase runs that script before the snapshot. Every part
 *   records the controls that do not hold; the last part fails the build listing all of them.
 * - one verify document (`<base>-verify`, test phase only): on the instance launched from the image,
 *   after Sysprep, runs every part's check script again, each only if its SHA-256 is the one this
 *   generator computed (the script is in the image; its hash comes with the pipeline), writes the
 *   result of every control and a `summary.json`, uploads both as evidence and fails the build if
 *   any control does not hold. Each row's check is written once, not once per phase.
 *
 * Rows SetRegistry cannot write (an empty MULTI_SZ list, value names with \ or *) and per-user
 * rows (the default user profile's hive) are written by PowerShell through the .NET registry API.
 */
import { createHash } from 'node:crypto';
import { GeneratorInputError } from '../errors.js';
import { WINDOWS_IDENTITY, WINDOWS_UPLOAD } from '../evidence/windows-upload.js';
import type { JsonPath } from '../types.js';
import { emitYaml } from '../yaml-emit.js';
import {
  AUDIT_BITS,
  type AuditPolicyControl,
  type Control,
  type ControlsTable,
  type RegistryControl,
  type RegistryType,
  type SecurityPolicyControl,
  type ServiceControl,
} from './table.js';

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
  /** 1-based part number within its stage. */
  part: number;
  parts: number;
  /** `build`: build and validate phases (before the snapshot); `test`: test phase only (on the instance launched from the image). */
  stage: 'build' | 'test';
  /** What follows `<stack name>-<table stem>-` in the component name: `part-<n>` or `verify`. */
  suffix: string;
  /** Name inside the document: `<baseName>-<suffix>`. */
  name: string;
  data: Record<string, unknown>;
  /** The document as YAML; it becomes the component's `Data`. */
  text: string;
  /** Indexes into `controls` of the rows this part applies or verifies. */
  rows: number[];
  origins: Origin[];
  /**
   * Component parameters the recipe passes to this document, with `{{ bakery:... }}` placeholders
   * the bundler resolves (e.g. the evidence bucket). Undefined when the document takes none.
   */
  parameters?: Record<string, string>;
  /** Build parts: the check script the part writes into the image and its SHA-256 (the verify document checks it). */
  checkScript?: { file: string; sha256: string };
}

export class ControlTooLargeError extends GeneratorInputError {
  constructor(id: string, { cause }: { cause?: unknown } = {}) {
    super(`Control ${id} alone does not fit in one component document. Shorten its values.`, ['controls'], { cause });
    this.name = 'ControlTooLargeError';
  }
}

/** Placeholders of the evidence parameters (resolved by the bundler from the template parameters). */
export const EVIDENCE_PARAMETERS = { EvidenceBucket: '{{ bakery:evidenceBucket }}', EvidencePrefix: '{{ bakery:evidencePath }}' } as const;

export function generateWindowsControls(table: ControlsTable, options: GenerateOptions): GeneratedDocument[] {
  const budget = options.budget ?? PART_BUDGET;
  // Each part is rendered once; only when the size estimate was short for one is the split corrected.
  let groups = partition(table, options, budget);
  let build = groups.map((rows, i) => renderBuild(table, options, rows, i + 1, groups.length));
  if (build.some((d) => d.text.length > budget)) {
    groups = correctSplit(table, options, budget, groups);
    build = groups.map((rows, i) => renderBuild(table, options, rows, i + 1, groups.length));
  }
  return [...build, renderVerify(table, options, build)];
}

/**
 * Rows split into parts that fit `budget`, by estimate. Rendering every candidate group costs
 * O(rows^2) YAML output; instead each row's share of the text is measured once (the lines it adds,
 * with the indentation they get), each kind's fixed text once, and a part is closed when their sum
 * would pass the budget. The caller renders the parts and, if one is over after all, corrects the
 * split with `correctSplit`.
 */
function partition(table: ControlsTable, options: GenerateOptions, budget: number): number[][] {
  const render = (rows: number[], part: number, parts: number) => renderBuild(table, options, rows, part, parts);
  const rowCost = table.controls.map((control) => costOf(control));
  // Skeleton plus a kind's fixed text, measured on a one-row document of that kind (rendered as
  // the last of many parts: the longest variant).
  const alone = new Map<string, { index: number; size: number }>();
  const aloneOf = (index: number) => {
    const key = groupKey(table.controls[index] as Control);
    let entry = alone.get(key);
    if (entry === undefined) {
      entry = { index, size: render([index], 2, 2).text.length - (rowCost[index] as number) + 64 };
      alone.set(key, entry);
    }
    return entry;
  };
  // The skeleton alone (name, description, phases, check preamble), from two kinds measured together.
  let skeleton: number | undefined;
  const skeletonOf = (a: number, b: number): number => {
    if (skeleton === undefined) {
      const both = render([a, b], 2, 2).text.length - (rowCost[a] as number) - (rowCost[b] as number);
      skeleton = Math.max(0, aloneOf(a).size + aloneOf(b).size - both - 64);
    }
    return skeleton;
  };
  const groups: number[][] = [];
  let current: number[] = [];
  let size = 0;
  const kinds = new Map<string, number>();
  table.controls.forEach((control, index) => {
    const key = groupKey(control);
    const own = rowCost[index] as number;
    let fixed = 0;
    if (!kinds.has(key)) {
      const first = kinds.size === 0 ? undefined : (kinds.values().next().value as number);
      fixed = first === undefined ? aloneOf(index).size : aloneOf(index).size - skeletonOf(first, index);
    }
    if (current.length > 0 && size + own + fixed > budget) {
      groups.push(current);
      current = [];
      size = 0;
      kinds.clear();
      fixed = aloneOf(index).size;
    }
    if (current.length === 0 && own + fixed > budget && render([index], 2, 2).text.length > budget)
      throw new ControlTooLargeError(control.id);
    current.push(index);
    size += own + fixed;
    if (!kinds.has(key)) kinds.set(key, index);
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The split corrected by rendering: a row of a part over the budget moves on to the next part. */
function correctSplit(table: ControlsTable, options: GenerateOptions, budget: number, groups: number[][]): number[][] {
  const render = (rows: number[], part: number, parts: number) => renderBuild(table, options, rows, part, parts);
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as number[];
    while (group.length > 1 && render(group, 2, 2).text.length > budget) {
      const moved = group.pop() as number;
      if (i + 1 === groups.length) groups.push([]);
      (groups[i + 1] as number[]).unshift(moved);
    }
  }
  return groups;
}

/** Steps that share fixed text: rows of one key add only their own lines once the first is there. */
function groupKey(control: Control): string {
  if (control.kind === 'registry') return writableBySetRegistry(control) ? 'registry' : 'registryScript';
  return control.kind;
}

/** Indentation of a line of a PowerShell script inside `commands:` of a step, as the YAML output writes it. */
const SCRIPT_INDENT = 14;
/** Indentation of an item of a SetRegistry step's `inputs:` list. */
const INPUT_INDENT = 10;

/** Characters a row adds to a build part: its data lines (apply, and check in the check script), and its SetRegistry entry. */
function costOf(control: Control): number {
  const line = (text: string) => text.length + 3 + SCRIPT_INDENT;
  const data = line(`,@(${rowData(control)})`);
  if (control.kind === 'registry' && writableBySetRegistry(control)) {
    // The SetRegistry entry as the YAML writer lays it out: four `key: value` lines, strings in JSON quotes.
    const value = Array.isArray(control.value)
      ? `[${control.value.map((v) => JSON.stringify(v)).join(', ')}]`
      : JSON.stringify(control.value);
    const entry = [
      `- path: ${JSON.stringify(control.path)}`,
      `  name: ${JSON.stringify(control.name)}`,
      `  value: ${value}`,
      `  type: ${JSON.stringify(control.type)}`,
    ];
    return data + entry.reduce((sum, l) => sum + l.length + 1 + INPUT_INDENT, 0);
  }
  // Applied from a data block and checked from another.
  return 2 * data + (control.kind === 'registry' || control.kind === 'userRegistry' ? line(`,@(${writeData(control)})`) - data : 0);
}

function renderBuild(table: ControlsTable, options: GenerateOptions, rows: number[], part: number, parts: number): GeneratedDocument {
  const suffix = `part-${part}`;
  const name = `${options.baseName}-${suffix}`;
  const picked = pick(table, rows);
  const { registry, registryScript, user, policy, audit, services } = picked;
  const work = workName(options);
  const origins: Origin[] = [];

  const build: Record<string, unknown>[] = [];
  if (policy.length > 0) {
    build.push(
      powershell('ApplySecurityPolicy', [
        STOP,
        ...workFolder(work),
        dataBlock(
          'policy',
          policy.map((p) => policyRow(p.control)),
        ),
        ...applyPolicy(part),
      ]),
    );
  }
  if (registry.length > 0) {
    const stepIndex = build.length;
    for (const [i, p] of registry.entries())
      origins.push({ documentPath: ['phases', 0, 'steps', stepIndex, 'inputs', i], tablePath: ['controls', p.index] });
    build.push({ name: 'ApplyRegistry', action: 'SetRegistry', inputs: registry.map((p) => setRegistry(p.control)) });
  }
  if (registryScript.length > 0) {
    build.push(
      powershell('ApplyRegistryValues', [
        STOP,
        dataBlock(
          'values',
          registryScript.map((p) => writeData(p.control)),
        ),
        ...APPLY_MACHINE_VALUES,
      ]),
    );
  }
  if (user.length > 0)
    build.push(
      powershell('ApplyUserValues', [
        STOP,
        dataBlock(
          'values',
          user.map((p) => writeData(p.control)),
        ),
        ...APPLY_USER_VALUES,
      ]),
    );
  if (audit.length > 0)
    build.push(
      powershell('ApplyAuditPolicy', [
        STOP,
        dataBlock(
          'audit',
          audit.map((p) => auditRow(p.control)),
        ),
        ...APPLY_AUDIT,
      ]),
    );
  if (services.length > 0)
    build.push(
      powershell('ApplyServices', [
        STOP,
        dataBlock(
          'services',
          services.map((p) => serviceRow(p.control)),
        ),
        ...APPLY_SERVICES,
      ]),
    );

  const checkScript = checkScriptText(picked);
  build.push(powershell('WriteCheckScript', [STOP, ...workFolder(work), ...writeCheckScript(checkFile(part), checkScript)]));

  const check = [
    STOP,
    ...workFolder(work),
    "$failedFile = Join-Path $work 'failed-controls.txt'",
    ...(part === 1 ? ['if (Test-Path -LiteralPath $failedFile) { Remove-Item -LiteralPath $failedFile -Force }'] : []),
    `$out = Join-Path $work 'part-${part}-results.tsv'`,
    `& (Join-Path $work '${checkFile(part)}') -Work $work -Out $out`,
    '$results = @(Get-Content -LiteralPath $out -Encoding UTF8 | Where-Object { $_ })',
    '$failed = @($results | Where-Object { $_.Split([char]9)[1] -ne \'pass\' } | ForEach-Object { $p = $_.Split([char]9); "$($p[0]): $($p[2])" })',
    'if ($failed.Count -gt 0) { Add-Content -LiteralPath $failedFile -Value $failed }',
    ...(part === parts
      ? report(options.tableFile)
      : [
          `Write-Output "Part ${part} of ${parts}: $($failed.Count) control(s) do not hold; part ${parts} fails the build if any part found one."`,
        ]),
  ];

  const data: Record<string, unknown> = {
    name,
    description: describe(table, options, picked.all, `part ${part} of ${parts}, applied and read back before the snapshot`),
    schemaVersion: '1.0',
    phases: [
      { name: 'build', steps: build },
      { name: 'validate', steps: [powershell('CheckControls', check)] },
    ],
  };
  return {
    part,
    parts,
    stage: 'build',
    suffix,
    name,
    data,
    text: emitYaml(data),
    rows,
    origins,
    checkScript: { file: checkFile(part), sha256: sha256Hex(checkScript) },
  };
}

function renderVerify(table: ControlsTable, options: GenerateOptions, build: GeneratedDocument[]): GeneratedDocument {
  const suffix = 'verify';
  const name = `${options.baseName}-${suffix}`;
  const checks = build.map((d) => d.checkScript as { file: string; sha256: string });
  const verify = [
    STOP,
    ...workFolder(workName(options)),
    '$checks = @(',
    ...checks.map((c) => `,@(${quote(c.file)},${quote(c.sha256)})`),
    ')',
    "$verifyWork = Join-Path $work 'verify'",
    'New-Item -ItemType Directory -Force -Path $verifyWork | Out-Null',
    "$resultsFile = Join-Path $verifyWork 'control-results.tsv'",
    '$all = New-Object System.Collections.Generic.List[string]',
    'foreach ($c in $checks) {',
    '  $file = Join-Path $work $c[0]',
    '  if (-not (Test-Path -LiteralPath $file)) { throw "$file is missing: the image does not carry the check script its build wrote." }',
    '  $hash = (Get-FileHash -LiteralPath $file -Algorithm SHA256).Hash.ToLowerInvariant()',
    '  if ($hash -ne $c[1]) { throw "$file has SHA-256 $hash, not $($c[1]): it changed after the build wrote it." }',
    "  $out = Join-Path $verifyWork ($c[0] -replace '\\.ps1$', '.tsv')",
    '  & $file -Work $verifyWork -Out $out',
    '  foreach ($line in @(Get-Content -LiteralPath $out -Encoding UTF8 | Where-Object { $_ })) { $all.Add($line) }',
    '}',
    'Set-Content -LiteralPath $resultsFile -Value $all -Encoding UTF8',
    '$work = $verifyWork',
    ...summarize(table, options),
  ];
  const rows = build.flatMap((d) => d.rows);
  const data: Record<string, unknown> = {
    name,
    description: describe(
      table,
      options,
      rows.map((i) => table.controls[i] as Control),
      `every row read again on the instance launched from the image by the check scripts of the ${build.length} parts, each run only with the SHA-256 generated with it; uploads the evidence`,
    ),
    schemaVersion: '1.0',
    parameters: [
      { EvidenceBucket: { type: 'string', description: 'Bucket the evidence is uploaded to (the bakery evidence bucket).' } },
      {
        EvidencePrefix: {
          type: 'string',
          description: 'Key prefix of this recipe version, evidence/<recipe>/<version>; the image build version is appended.',
        },
      },
    ],
    phases: [{ name: 'test', steps: [powershell('VerifyControls', verify)] }],
  };
  return {
    part: 1,
    parts: 1,
    stage: 'test',
    suffix,
    name,
    data,
    text: emitYaml(data),
    rows,
    origins: [],
    parameters: { ...EVIDENCE_PARAMETERS },
  };
}

/** File name of a part's check script in the work folder on the image. */
function checkFile(part: number): string {
  return `check-part-${part}.ps1`;
}

/**
 * A part's check script: reads every picked row back and writes one `id<TAB>pass|fail<TAB>detail`
 * line per row to `-Out`. Lines joined with LF, no trailing newline: the text whose SHA-256 the
 * verify document checks (the build writes it byte for byte, UTF-8 without BOM).
 */
function checkScriptText(picked: PickedRows): string {
  return [
    'param([string]$Work, [string]$Out)',
    STOP,
    '$work = $Work',
    ...checkLines(picked),
    'Set-Content -LiteralPath $Out -Value $results -Encoding UTF8',
  ].join('\n');
}

/** Build-phase lines writing a check script from a single-quoted here-string (nothing in it is expanded). */
function writeCheckScript(file: string, text: string): string[] {
  if (/^'@/m.test(text))
    throw new GeneratorInputError(`A line of the check script of ${file} starts with '@, which would end the here-string that writes it.`, [
      'controls',
    ]);
  return [
    "$text = @'",
    text,
    "'@",
    // However the line ends reach PowerShell, the file gets LF line ends: the bytes the hash was computed on.
    '$text = $text -replace "`r`n", "`n"',
    `[System.IO.File]::WriteAllText((Join-Path $work ${quote(file)}), $text, (New-Object System.Text.UTF8Encoding $false))`,
  ];
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

type Picked<K extends Control['kind']> = { index: number; control: Extract<Control, { kind: K }> }[];

interface PickedRows {
  all: Control[];
  registry: Picked<'registry'>;
  registryScript: Picked<'registry'>;
  user: Picked<'userRegistry'>;
  policy: Picked<'securityPolicy'>;
  audit: Picked<'auditPolicy'>;
  services: Picked<'service'>;
}

function pick(table: ControlsTable, rows: number[]): PickedRows {
  const picked = rows.map((index) => ({ index, control: table.controls[index] as Control }));
  const of = <K extends Control['kind']>(kind: K) =>
    picked.filter((p): p is { index: number; control: Extract<Control, { kind: K }> } => p.control.kind === kind);
  const registryAll = of('registry');
  return {
    all: picked.map((p) => p.control),
    registry: registryAll.filter((p) => writableBySetRegistry(p.control)),
    registryScript: registryAll.filter((p) => !writableBySetRegistry(p.control)),
    user: of('userRegistry'),
    policy: of('securityPolicy'),
    audit: of('auditPolicy'),
    services: of('service'),
  };
}

/**
 * SetRegistry treats `*` and `\\` in a value name as a path and refuses an empty list; such rows
 * get a PowerShell step instead (the .NET registry API takes the name literally).
 */
export function writableBySetRegistry(control: RegistryControl): boolean {
  return !/[\\*]/.test(control.name) && !(Array.isArray(control.value) && control.value.length === 0);
}

function workName(options: GenerateOptions): string {
  return `AmiBakery\\${options.baseName}`;
}

function describe(table: ControlsTable, options: GenerateOptions, controls: Control[], what: string): string {
  const first = controls[0]?.id ?? '';
  const last = controls[controls.length - 1]?.id ?? '';
  return truncate(
    `${table.benchmark} v${table.version}, ${table.profile}: controls ${first} to ${last} (${what}). Generated from ${options.tableFile}; edit the table, not this document.`,
    1024,
  );
}

/** Read back every picked row into `$results` (`id<TAB>pass|fail<TAB>detail`). */
function checkLines(picked: PickedRows): string[] {
  const { registry, registryScript, user, policy, audit, services } = picked;
  const machine = [...registry, ...registryScript];
  return [
    '$results = New-Object System.Collections.Generic.List[string]',
    "function Add-Result([string]$Id, [bool]$Ok, [string]$Detail) { $results.Add((@($Id, $(if ($Ok) { 'pass' } else { 'fail' }), $Detail) -join [char]9)) }",
    ...(machine.length > 0 || user.length > 0 ? COMPARE_VALUE : []),
    ...(machine.length > 0
      ? [
          dataBlock(
            'registry',
            machine.map((p) => rowData(p.control)),
          ),
          ...CHECK_REGISTRY,
        ]
      : []),
    ...(user.length > 0
      ? [
          dataBlock(
            'userValues',
            user.map((p) => rowData(p.control)),
          ),
          ...CHECK_USER_VALUES,
        ]
      : []),
    ...(policy.length > 0
      ? [
          dataBlock(
            'policy',
            policy.map((p) => policyRow(p.control)),
          ),
          ...CHECK_POLICY,
        ]
      : []),
    ...(audit.length > 0
      ? [
          dataBlock(
            'audit',
            audit.map((p) => auditRow(p.control)),
          ),
          ...CHECK_AUDIT,
        ]
      : []),
    ...(services.length > 0
      ? [
          dataBlock(
            'services',
            services.map((p) => serviceRow(p.control)),
          ),
          ...CHECK_SERVICES,
        ]
      : []),
  ];
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

/** The .NET value kind a registry type is written as. */
const VALUE_KIND: Record<RegistryType, string> = {
  DWORD: 'DWord',
  QWORD: 'QWord',
  SZ: 'String',
  EXPAND_SZ: 'ExpandString',
  MULTI_SZ: 'MultiString',
};

function psValue(value: number | string | string[]): string {
  if (Array.isArray(value)) return value.length === 0 ? '[string[]]@()' : `[string[]]@(${value.map(quote).join(',')})`;
  return typeof value === 'number' ? String(value) : quote(value);
}

/** The key of a machine row without its `HKLM:\` prefix (the .NET API opens it under LocalMachine). */
function machineKey(path: string): string {
  return path.replace(/^HKLM:\\/i, '');
}

/** Check data of any row: what is read back and what it must be. */
function rowData(control: Control): string {
  switch (control.kind) {
    case 'registry':
      return [quote(control.id), quote(machineKey(control.path)), quote(control.name), psValue(control.value)].join(',');
    case 'userRegistry':
      return [quote(control.id), quote(control.path), quote(control.name), psValue(control.value)].join(',');
    case 'securityPolicy':
      return policyRow(control);
    case 'auditPolicy':
      return auditRow(control);
    case 'service':
      return serviceRow(control);
  }
}

/** Apply data of a row written through the .NET registry API: id, key, name, value, value kind. */
function writeData(control: Control): string {
  if (control.kind !== 'registry' && control.kind !== 'userRegistry') return rowData(control);
  const key = control.kind === 'registry' ? machineKey(control.path) : control.path;
  return [quote(control.id), quote(key), quote(control.name), psValue(control.value), quote(VALUE_KIND[control.type])].join(',');
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

// Written through the .NET API: the value name is taken literally and an empty list is allowed.
const APPLY_MACHINE_VALUES = [
  'foreach ($r in $values) {',
  '  $key = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey($r[1])',
  '  try { $key.SetValue($r[2], $r[3], [Microsoft.Win32.RegistryValueKind]$r[4]) } finally { $key.Dispose() }',
  '}',
];

// The default user profile is what every account created later starts from; profiles already on
// the image (loaded user hives) get the value too.
const USER_HIVE = 'AmiBakeryDefaultUser';
const LOAD_DEFAULT_HIVE = [
  `$hive = 'HKU\\${USER_HIVE}'`,
  "$ntuser = Join-Path $env:SystemDrive 'Users\\Default\\NTUSER.DAT'",
  'reg.exe load $hive $ntuser | Out-Null',
  'if ($LASTEXITCODE -ne 0) { throw "reg load $ntuser exited $LASTEXITCODE" }',
];
const UNLOAD_DEFAULT_HIVE = ['[gc]::Collect()', '[gc]::WaitForPendingFinalizers()', 'reg.exe unload $hive | Out-Null'];
const APPLY_USER_VALUES = [
  ...LOAD_DEFAULT_HIVE,
  'try {',
  `  $roots = @('${USER_HIVE}') + @(Get-ChildItem Registry::HKEY_USERS | Where-Object { $_.PSChildName -match '^S-1-5-21-[0-9-]+$' } | ForEach-Object { $_.PSChildName })`,
  '  foreach ($r in $values) {',
  '    foreach ($root in $roots) {',
  '      $key = [Microsoft.Win32.Registry]::Users.CreateSubKey("$root\\$($r[1])")',
  '      try { $key.SetValue($r[2], $r[3], [Microsoft.Win32.RegistryValueKind]$r[4]) } finally { $key.Dispose() }',
  '    }',
  '  }',
  '} finally {',
  ...UNLOAD_DEFAULT_HIVE.map((l) => `  ${l}`),
  '}',
];

// Compare a value read with the .NET API (names literal, no expansion) with the expected one.
const COMPARE_VALUE = [
  'function Test-Value($Base, [string]$Key, [string]$Name, $Expected) {',
  '  $k = $Base.OpenSubKey($Key)',
  "  if ($null -eq $k) { return @($false, 'key missing') }",
  '  try {',
  "    if ($k.GetValueNames() -notcontains $Name) { return @($false, 'not set') }",
  "    $v = $k.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')",
  '    $actual = @($v | ForEach-Object { [string]$_ }) -join [char]10',
  '    $want = @($Expected | ForEach-Object { [string]$_ }) -join [char]10',
  "    return @(($actual -ceq $want), \"is '$(@($v) -join ',')', expected '$(@($Expected) -join ',')'\")",
  '  } finally { $k.Dispose() }',
  '}',
];

const CHECK_REGISTRY = [
  'foreach ($r in $registry) {',
  '  $t = Test-Value ([Microsoft.Win32.Registry]::LocalMachine) $r[1] $r[2] $r[3]',
  '  Add-Result $r[0] $t[0] "HKLM:\\$($r[1])\\$($r[2]) $($t[1])"',
  '}',
];

// What the default user profile holds is what a new account gets.
const CHECK_USER_VALUES = [
  ...LOAD_DEFAULT_HIVE,
  'try {',
  '  foreach ($r in $userValues) {',
  `    $t = Test-Value ([Microsoft.Win32.Registry]::Users) "${USER_HIVE}\\$($r[1])" $r[2] $r[3]`,
  '    Add-Result $r[0] $t[0] "default user profile $($r[1])\\$($r[2]) $($t[1])"',
  '  }',
  '} finally {',
  ...UNLOAD_DEFAULT_HIVE.map((l) => `  ${l}`),
  '}',
];

// secedit leaves a right nobody holds out of its export, which compares equal to an empty list.
const CHECK_POLICY = [
  "$export = Join-Path $work 'export.inf'",
  'secedit /export /cfg $export /areas SECURITYPOLICY USER_RIGHTS /quiet | Out-Null',
  "$exported = @{}; $section = ''",
  'foreach ($line in Get-Content -LiteralPath $export) {',
  "  if ($line -match '^\\[(.+)\\]$') { $section = $Matches[1] }",
  '  elseif ($line -match \'^\\s*(\\S+)\\s*=\\s*(.*?)\\s*$\') { $exported["$section|$($Matches[1])"] = $Matches[2] }',
  '}',
  "function Sorted($s) { (@(\"$s\" -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } | Sort-Object) -join ',') }",
  'foreach ($r in $policy) {',
  '  $v = $exported["$($r[1])|$($r[2])"]',
  "  $ok = if ($r[1] -eq 'Privilege Rights') { (Sorted $v) -eq (Sorted $r[3]) } else { [string]$v -eq $r[3] }",
  "  Add-Result $r[0] $ok \"[$($r[1])] $($r[2]) is '$v', expected '$($r[3])'\"",
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
  '  Add-Result $r[0] ($null -ne $v -and ($v -band $r[2]) -eq $r[2]) "audit $($r[3]) is $v, expected at least $($r[2]) (1 success, 2 failure, 3 both)"',
  '}',
];

const CHECK_SERVICES = [
  'foreach ($r in $services) {',
  '  $s = Get-Service -Name $r[1] -ErrorAction SilentlyContinue',
  "  $actual = if ($s) { [string]$s.StartType } else { 'Disabled' }",
  '  Add-Result $r[0] ($actual -eq $r[2]) "service $($r[1]) starts $actual, expected $($r[2])"',
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

/**
 * The end of the verify document: one result per control (a control with several rows holds when all do),
 * `summary.json` in the evidence format (docs/contracts.md), both uploaded; fails on any failure.
 */
function summarize(table: ControlsTable, options: GenerateOptions): string[] {
  const exceptions = (table.exceptions ?? []).map((e) => ({ id: e.id, title: e.title, reason: e.reason }));
  return [
    '$rows = @(Get-Content -LiteralPath $resultsFile -Encoding UTF8 | Where-Object { $_ } | ForEach-Object { $p = $_.Split([char]9); [pscustomobject]@{ id = $p[0]; status = $p[1]; detail = $p[2] } })',
    "$byId = $rows | Group-Object id | ForEach-Object { [pscustomobject]@{ id = $_.Name; status = $(if (@($_.Group | Where-Object { $_.status -ne 'pass' }).Count -gt 0) { 'fail' } else { 'pass' }); detail = (@($_.Group | Where-Object { $_.status -ne 'pass' } | ForEach-Object { $_.detail }) -join '; ') } }",
    "$failing = @($byId | Where-Object { $_.status -eq 'fail' })",
    "$passing = @($byId | Where-Object { $_.status -eq 'pass' })",
    `$exceptions = @(ConvertFrom-Json ${quote(JSON.stringify(exceptions))})`,
    '$lines = @(\'id,status,detail\') + @($byId | ForEach-Object { \'"{0}","{1}","{2}"\' -f $_.id, $_.status, ($_.detail -replace \'"\', \'""\') })',
    "Set-Content -LiteralPath (Join-Path $work 'control-results.csv') -Value $lines -Encoding UTF8",
    ...WINDOWS_IDENTITY,
    "$bucket = '{{ EvidenceBucket }}'",
    "$prefix = '{{ EvidencePrefix }}'",
    '$total = $passing.Count + $failing.Count',
    '$summary = [ordered]@{',
    '  schemaVersion = 1',
    `  benchmark = [ordered]@{ id = ${quote(table.benchmark)}; version = ${quote(table.version)} }`,
    `  profile = ${quote(table.profile)}`,
    "  scanner = 'windows-controls'",
    "  report = 'control-results.csv'",
    '  counts = [ordered]@{ pass = $passing.Count; fail = $failing.Count; notApplicable = $exceptions.Count }',
    '  score = $(if ($total -gt 0) { [math]::Round(100 * $passing.Count / $total, 2) } else { 0 })',
    '  threshold = 100',
    '  passed = ($failing.Count -eq 0 -and $total -gt 0)',
    '  accepted = $exceptions',
    '  failing = @($failing | ForEach-Object { [ordered]@{ id = $_.id; detail = $_.detail } })',
    '  imageId = $imageId',
    '  imageBuildVersion = $buildVersion',
    '  imageBuilderArn = $builderArn',
    "  time = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')",
    '}',
    "$summary | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath (Join-Path $work 'summary.json') -Encoding UTF8",
    "$evidence = @('control-results.csv', 'summary.json')",
    ...WINDOWS_UPLOAD,
    `Write-Output "${options.tableFile.replaceAll('"', '')} on the launched instance: $($passing.Count) of $total controls hold, $($exceptions.Count) exceptions."`,
    'if ($failing.Count -gt 0 -or $total -eq 0) {',
    '  $failing | ForEach-Object { Write-Output "  $($_.id): $($_.detail)" }',
    '  exit 1',
    '}',
  ];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
