import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPONENT_DATA_LIMIT,
  type Control,
  type ControlsTable,
  ControlTooLargeError,
  type GeneratedDocument,
  generateWindowsControls,
} from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) =>
  parse(readFileSync(fileURLToPath(new URL(`./fixtures/windows/controls/${name}.yaml`, import.meta.url)), 'utf8')) as ControlsTable;
const SHIPPED = ['windows-server-2022-cis-level1', 'windows-server-2025-cis-level1'];
const OPTIONS = { baseName: 'recipe-small', tableFile: 'controls/small.yaml' };

const small = fixture('small');
const full = fixture('full');
const shipped = SHIPPED.map(
  (recipe) => [recipe, parse(readFileSync(`${ROOT}recipes/${recipe}/controls/cis-level1.yaml`, 'utf8')) as ControlsTable] as const,
);

interface Step {
  name: string;
  action: string;
  inputs: unknown;
}

function phase(document: GeneratedDocument | undefined, name: string): Step[] {
  const phases = (document?.data.phases ?? []) as { name: string; steps: Step[] }[];
  return phases.find((p) => p.name === name)?.steps ?? [];
}

function script(step: Step | undefined): string {
  return ((step?.inputs as { commands?: string[] } | undefined)?.commands ?? []).join('\n');
}

/** The check script a build part writes into the image: the here-string of its WriteCheckScript step. */
function checkScriptOf(document: GeneratedDocument | undefined): string {
  const write = script(phase(document, 'build').find((s) => s.name === 'WriteCheckScript'));
  return /^\$text = @'\n([\s\S]*?)\n'@$/m.exec(write)?.[1] ?? '';
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The PowerShell data line a row becomes: `,@('<id>',...)` with the row's target in it. */
function dataLine(control: Control): RegExp {
  const target = {
    registry: () => (control as Extract<Control, { kind: 'registry' }>).name,
    userRegistry: () => (control as Extract<Control, { kind: 'userRegistry' }>).name,
    securityPolicy: () => (control as Extract<Control, { kind: 'securityPolicy' }>).key,
    auditPolicy: () => (control as Extract<Control, { kind: 'auditPolicy' }>).guid,
    service: () => (control as Extract<Control, { kind: 'service' }>).service,
  }[control.kind]();
  return new RegExp(`^,@\\('${escapeRegExp(control.id)}',.*'${escapeRegExp(target.replaceAll("'", "''"))}'`, 'm');
}

const APPLY_STEP: Record<Control['kind'], string[]> = {
  registry: ['ApplyRegistry', 'ApplyRegistryValues'],
  userRegistry: ['ApplyUserValues'],
  securityPolicy: ['ApplySecurityPolicy'],
  auditPolicy: ['ApplyAuditPolicy'],
  service: ['ApplyServices'],
};

/**
 * Where each row is applied (build phase), checked (the part's check script, which the validate phase
 * runs) and verified again (the verify document runs the part's check script, pinned by its SHA-256).
 */
function placement(control: Control, documents: GeneratedDocument[]): { build: number[]; validate: number[]; test: number[] } {
  const where = { build: [] as number[], validate: [] as number[], test: [] as number[] };
  const verify = script(
    phase(
      documents.find((d) => d.stage === 'test'),
      'test',
    )[0],
  );
  for (const document of documents) {
    if (document.stage === 'test') continue;
    const steps = phase(document, 'build');
    const setRegistry = (steps.find((s) => s.action === 'SetRegistry')?.inputs as Record<string, unknown>[] | undefined) ?? [];
    const bySetRegistry =
      control.kind === 'registry' &&
      setRegistry.some(
        (e) => e.path === control.path && e.name === control.name && JSON.stringify(e.value) === JSON.stringify(control.value),
      );
    const byScript = steps.some(
      (s) => APPLY_STEP[control.kind].includes(s.name) && s.action === 'ExecutePowerShell' && dataLine(control).test(script(s)),
    );
    if (bySetRegistry || byScript) where.build.push(document.part);
    const check = checkScriptOf(document);
    const file = `check-part-${document.part}.ps1`;
    if (
      dataLine(control).test(check) &&
      script(phase(document, 'validate')[0]).includes(`& (Join-Path $work '${file}') -Work $work -Out $out`)
    )
      where.validate.push(document.part);
    if (dataLine(control).test(check) && verify.includes(`,@('${file}','${sha256(check)}')`)) where.test.push(document.part);
  }
  return where;
}

describe('Generator: windows-controls', () => {
  it.each<[string, ControlsTable]>([
    ['the fixture table', full],
    ...shipped.map(([name, table]): [string, ControlsTable] => [`the ${name} table`, table]),
  ])(
    "applies every row of %s in exactly one build part, checks it with that part's check script before the snapshot, and verifies it again with the same script (pinned by its SHA-256) on the launched instance",
    (_, table) => {
      // Act
      const documents = generateWindowsControls(table, OPTIONS);

      // Assess
      const misplaced = table.controls
        .map((control, index) => ({ row: `${index} ${control.id} ${control.kind}`, ...placement(control, documents) }))
        .filter(
          ({ build, validate, test }) =>
            build.length !== 1 || validate.length !== 1 || build[0] !== validate[0] || test.length !== 1 || test[0] !== build[0],
        );
      expect(misplaced).toEqual([]);
    },
  );

  it.each(shipped)(
    'splits the %s table into parts under the CloudFormation Data limit, covering every row once and in order, with one verify document',
    (_, table) => {
      // Act
      const documents = generateWindowsControls(table, OPTIONS);
      const build = documents.filter((d) => d.stage === 'build');
      const test = documents.filter((d) => d.stage === 'test');

      // Assess
      expect(documents.filter((d) => d.text.length > COMPONENT_DATA_LIMIT).map((d) => d.name)).toEqual([]);
      expect(build.flatMap((d) => d.rows)).toEqual(table.controls.map((_, i) => i));
      expect(test.flatMap((d) => d.rows)).toEqual(table.controls.map((_, i) => i));
      expect(documents.map((d) => `${d.stage} ${d.part}/${d.parts} ${d.name}`)).toEqual([
        ...build.map((_, i) => `build ${i + 1}/${build.length} recipe-small-part-${i + 1}`),
        'test 1/1 recipe-small-verify',
      ]);
    },
  );

  it('gives build parts only build and validate phases and the verify document only a test phase (Image Builder runs a document in the test stage only then)', () => {
    // Act
    const documents = generateWindowsControls(full, { ...OPTIONS, budget: 9000 });

    // Assess
    expect([...new Set(documents.map((d) => `${d.stage}: ${(d.data.phases as { name: string }[]).map((p) => p.name).join(',')}`))]).toEqual(
      ['build: build,validate', 'test: test'],
    );
  });

  it('clears the failed-controls file in the first part and fails the build listing them in the last build part only', () => {
    // Act
    const documents = generateWindowsControls(small, { ...OPTIONS, budget: 7500 }).filter((d) => d.stage === 'build');
    const checks = documents.map((d) => script(phase(d, 'validate')[0]));

    // Assess
    expect(documents.length).toBeGreaterThan(1);
    expect(checks.map((c) => c.includes('Remove-Item -LiteralPath $failedFile'))).toEqual(documents.map((d) => d.part === 1));
    expect(checks.map((c) => /if \(\$all\.Count -gt 0\) \{[\s\S]*exit 1/.test(c))).toEqual(documents.map((d) => d.part === d.parts));
    expect(checks.every((c) => c.includes('Add-Content -LiteralPath $failedFile -Value $failed'))).toBe(true);
    expect(checks.at(-1)).toContain('control(s) of controls/small.yaml do not hold:');
  });

  it('writes the evidence from the verify document: per-control results and summary.json, uploaded under the image build version, failing on any failure', () => {
    // Act
    const documents = generateWindowsControls(full, { ...OPTIONS, budget: 9000 });
    const build = documents.filter((d) => d.stage === 'build');
    const verify = documents.filter((d) => d.stage === 'test');
    const text = script(phase(verify[0], 'test')[0]);

    // Assess
    expect(build.length).toBeGreaterThan(1);
    expect(verify.map((d) => d.parameters)).toEqual([
      { EvidenceBucket: '{{ bakery:evidenceBucket }}', EvidencePrefix: '{{ bakery:evidencePath }}' },
    ]);
    expect(text).toContain("$bucket = '{{ EvidenceBucket }}'");
    expect(text).toContain('$evidenceUri = "s3://$bucket/$prefix/$buildVersion/"');
    expect(text).toContain("Name = 'key'; Values = 'Ec2ImageBuilderArn'");
    expect(text).toContain("$evidence = @('control-results.csv', 'summary.json')");
    expect(text).toContain('Write-S3Object');
    expect(text).toMatch(/if \(\$failing\.Count -gt 0 -or \$total -eq 0\) \{[\s\S]*exit 1/);
    expect(text).toContain(
      `$exceptions = @(ConvertFrom-Json '${JSON.stringify([{ id: '2.3.1.4', title: "Configure ''Accounts: Rename administrator account''", reason: 'EC2Launch hands out the password of the account named Administrator.' }])}')`,
    );
  });

  it("runs each part's check script on the launched instance only if its SHA-256 is the one generated with it", () => {
    // Act
    const documents = generateWindowsControls(full, { ...OPTIONS, budget: 9000 });
    const text = script(
      phase(
        documents.find((d) => d.stage === 'test'),
        'test',
      )[0],
    );
    const pinned = [...text.matchAll(/^,@\('(check-part-\d+\.ps1)','([0-9a-f]{64})'\)$/gm)].map((m) => `${m[1]} ${m[2]}`);

    // Assess
    expect(pinned).toEqual(documents.filter((d) => d.stage === 'build').map((d) => `check-part-${d.part}.ps1 ${sha256(checkScriptOf(d))}`));
    expect(documents.filter((d) => d.stage === 'build').map((d) => d.checkScript)).toEqual(
      documents.filter((d) => d.stage === 'build').map((d) => ({ file: `check-part-${d.part}.ps1`, sha256: sha256(checkScriptOf(d)) })),
    );
    expect(text).toMatch(
      /if \(\$hash -ne \$c\[1\]\) \{ throw "\$file has SHA-256 \$hash, not \$\(\$c\[1\]\): it changed after the build wrote it\." \}\n {2}\$out = [^\n]+\n {2}& \$file -Work \$verifyWork -Out \$out/,
    );
  });

  it('writes each check script byte for byte (LF line ends, UTF-8 without BOM) from a here-string nothing expands', () => {
    // Act
    const [document] = generateWindowsControls(small, OPTIONS);
    const write = script(phase(document, 'build').find((s) => s.name === 'WriteCheckScript'));

    // Assess
    expect(checkScriptOf(document)).toMatch(/^param\(\[string\]\$Work, \[string\]\$Out\)\n/);
    expect(checkScriptOf(document)).toMatch(/\nSet-Content -LiteralPath \$Out -Value \$results -Encoding UTF8$/);
    expect(write).toContain('$text = $text -replace "`r`n", "`n"');
    expect(write).toContain(
      "[System.IO.File]::WriteAllText((Join-Path $work 'check-part-1.ps1'), $text, (New-Object System.Text.UTF8Encoding $false))",
    );
  });

  it('drives secedit from one security template, auditpol by GUID and success/failure bits, and services by name', () => {
    // Act
    const [document] = generateWindowsControls(small, OPTIONS);
    const build = phase(document, 'build');

    // Assess
    expect(build.map((s) => `${s.name} ${s.action}`)).toEqual([
      'ApplySecurityPolicy ExecutePowerShell',
      'ApplyRegistry SetRegistry',
      'ApplyAuditPolicy ExecutePowerShell',
      'ApplyServices ExecutePowerShell',
      'WriteCheckScript ExecutePowerShell',
    ]);
    const policy = script(build[0]);
    expect(policy).toContain(",@('2.2.1','Privilege Rights','SeTrustedCredManAccessPrivilege','')");
    expect(policy).toContain(",@('2.2.22','Privilege Rights','SeDenyBatchLogonRight','*S-1-5-32-546')");
    expect(policy).toContain('secedit /configure /db');
    expect(policy).toContain('\'signature="$CHICAGO$"\'');
    expect(script(build[2])).toContain(",@('17.1.1','{0CCE923F-69AE-11D9-BED3-505054503030}',3,'Credential Validation')");
    expect(script(build[2])).toContain(",@('17.5.1','{0CCE9217-69AE-11D9-BED3-505054503030}',2,'Account Lockout')");
    expect(script(build[3])).toContain(",@('5.2','Spooler','Disabled')");
    expect(build[1]?.inputs).toContainEqual({
      path: 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer',
      name: 'NoDriveTypeAutoRun',
      value: 255,
      type: 'DWORD',
    });
  });

  it('writes what SetRegistry cannot (an empty list, a value name with \\ and *) with a PowerShell step through the .NET registry API', () => {
    // Act
    const [document] = generateWindowsControls(full, OPTIONS);
    const build = phase(document, 'build');
    const values = script(build.find((s) => s.name === 'ApplyRegistryValues'));

    // Assess
    expect(((build.find((s) => s.action === 'SetRegistry')?.inputs ?? []) as { name: string }[]).map((e) => e.name)).not.toContain(
      'NullSessionPipes',
    );
    expect(values).toContain(
      ",@('2.3.10.7','SYSTEM\\CurrentControlSet\\Services\\LanManServer\\Parameters','NullSessionPipes',[string[]]@(),'MultiString')",
    );
    expect(values).toContain(
      ",@('18.6.14.1','SOFTWARE\\Policies\\Microsoft\\Windows\\NetworkProvider\\HardenedPaths','\\\\*\\NETLOGON','RequireMutualAuthentication=1, RequireIntegrity=1','String')",
    );
    expect(values).toContain('[Microsoft.Win32.Registry]::LocalMachine.CreateSubKey($r[1])');
  });

  it('writes per-user rows to the default user profile and the profiles on the image, and reads them back from the default profile', () => {
    // Act
    const documents = generateWindowsControls(full, OPTIONS);
    const apply = script(phase(documents[0], 'build').find((s) => s.name === 'ApplyUserValues'));
    const verify = checkScriptOf(documents[0]);

    // Assess
    expect(apply).toContain("$ntuser = Join-Path $env:SystemDrive 'Users\\Default\\NTUSER.DAT'");
    expect(apply).toContain("$roots = @('AmiBakeryDefaultUser') + @(Get-ChildItem Registry::HKEY_USERS");
    expect(apply).toContain(
      ",@('19.1.3.1','Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop','ScreenSaveActive','1','String')",
    );
    expect(apply).toContain(",@('19.7.40.1','Software\\Policies\\Microsoft\\Windows\\Installer','AlwaysInstallElevated',0,'DWord')");
    expect(apply).toMatch(/\} finally \{\n[\s\S]*reg\.exe unload \$hive/);
    expect(verify).toContain('Test-Value ([Microsoft.Win32.Registry]::Users) "AmiBakeryDefaultUser\\$($r[1])" $r[2] $r[3]');
  });

  it('quotes values for PowerShell so nothing in them is expanded', () => {
    // Act
    const check = checkScriptOf(generateWindowsControls(small, OPTIONS)[0]);

    // Assess
    expect(check).toContain(",@('18.10.76.2.1','SOFTWARE\\Policies\\Microsoft\\Windows\\System','ShellSmartScreenLevel','It''s Block')");
    expect(check).toContain(
      ",@('2.3.10.8','SYSTEM\\CurrentControlSet\\Control\\SecurePipeServers\\Winreg\\AllowedExactPaths','Machine',[string[]]@('System\\CurrentControlSet\\Control\\ProductOptions','Software\\Microsoft\\Windows NT\\CurrentVersion'))",
    );
  });

  it('maps every SetRegistry entry back to its table row', () => {
    // Act
    const [document] = generateWindowsControls(small, OPTIONS);

    // Assess
    expect(document?.origins.map((o) => `${o.documentPath.join('.')} -> ${o.tablePath.join('.')}`)).toEqual([
      'phases.0.steps.1.inputs.0 -> controls.3',
      'phases.0.steps.1.inputs.1 -> controls.4',
      'phases.0.steps.1.inputs.2 -> controls.5',
      'phases.0.steps.1.inputs.3 -> controls.6',
    ]);
  });

  it('gives the same text for the same table', () => {
    const [, table] = shipped[0] as (typeof shipped)[number];
    expect(generateWindowsControls(table, OPTIONS).map((d) => d.text)).toEqual(
      generateWindowsControls(structuredClone(table), OPTIONS).map((d) => d.text),
    );
  });

  it('refuses a row that cannot fit in any document', () => {
    expect(() => generateWindowsControls(small, { ...OPTIONS, budget: 500 })).toThrow(ControlTooLargeError);
  });
});

describe('Generator: windows-controls document text', () => {
  it.each<[string, ControlsTable]>([
    ['the fixture table', full],
    ...shipped.map(([name, table]): [string, ControlsTable] => [`the ${name} table`, table]),
  ])('writes YAML that parses back to exactly the document data (%s)', (_, table) => {
    // Act
    const documents = generateWindowsControls(table, OPTIONS);

    // Assess
    expect(documents.filter((d) => JSON.stringify(parse(d.text)) !== JSON.stringify(d.data)).map((d) => d.name)).toEqual([]);
  });
});
