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
const FIXTURE = fileURLToPath(new URL('./fixtures/windows/controls/small.yaml', import.meta.url));
const SHIPPED = `${ROOT}recipes/windows-server-2022-cis-level1/controls/cis-level1.yaml`;
const OPTIONS = { baseName: 'recipe-small', tableFile: 'controls/small.yaml' };

const small = parse(readFileSync(FIXTURE, 'utf8')) as ControlsTable;
const shipped = parse(readFileSync(SHIPPED, 'utf8')) as ControlsTable;

interface Step {
  name: string;
  action: string;
  inputs: unknown;
}

function phase(document: GeneratedDocument, name: string): Step[] {
  const phases = document.data.phases as { name: string; steps: Step[] }[];
  return phases.find((p) => p.name === name)?.steps ?? [];
}

function script(step: Step | undefined): string {
  return ((step?.inputs as { commands?: string[] } | undefined)?.commands ?? []).join('\n');
}

/** The PowerShell data line a row becomes: `,@('<id>',...)` with the row's target in it. */
function dataLine(control: Control): RegExp {
  const id = control.id.replaceAll('.', '\\.');
  const target = {
    registry: () => (control as Extract<Control, { kind: 'registry' }>).name,
    securityPolicy: () => (control as Extract<Control, { kind: 'securityPolicy' }>).key,
    auditPolicy: () => (control as Extract<Control, { kind: 'auditPolicy' }>).guid,
    service: () => (control as Extract<Control, { kind: 'service' }>).service,
  }[control.kind]();
  return new RegExp(`^,@\\('${id}',.*'${target.replace(/[{}\\]/g, (c) => `\\${c}`)}'`, 'm');
}

/** Where each row is applied (build) and read back (validate), or why not. */
function placement(control: Control, documents: GeneratedDocument[]): { build: number[]; validate: number[] } {
  const build: number[] = [];
  const validate: number[] = [];
  for (const document of documents) {
    const steps = phase(document, 'build');
    const applied =
      control.kind === 'registry'
        ? (steps.find((s) => s.action === 'SetRegistry')?.inputs as Record<string, unknown>[] | undefined)?.some(
            (entry) =>
              entry.path === control.path &&
              entry.name === control.name &&
              entry.type === control.type &&
              JSON.stringify(entry.value) === JSON.stringify(control.value),
          )
        : dataLine(control).test(
            script(
              steps.find(
                (s) =>
                  s.name ===
                  { securityPolicy: 'ApplySecurityPolicy', auditPolicy: 'ApplyAuditPolicy', service: 'ApplyServices' }[control.kind],
              ),
            ),
          );
    if (applied) build.push(document.part);
    if (dataLine(control).test(script(phase(document, 'validate').find((s) => s.name === 'CheckControls')))) validate.push(document.part);
  }
  return { build, validate };
}

describe('Generator: windows-controls', () => {
  it.each([
    ['the fixture table', small],
    ['the shipped CIS Level 1 table', shipped],
  ])('applies and checks every row of %s in exactly one part, in its build and its validate phase', (_, table) => {
    // Act
    const documents = generateWindowsControls(table, OPTIONS);

    // Assess
    const misplaced = table.controls
      .map((control, index) => ({ row: `${index} ${control.id} ${control.kind}`, ...placement(control, documents) }))
      .filter(({ build, validate }) => build.length !== 1 || validate.length !== 1 || build[0] !== validate[0]);
    expect(misplaced).toEqual([]);
  });

  it('splits the shipped table into parts under the CloudFormation Data limit, covering every row once and in order', () => {
    // Act
    const documents = generateWindowsControls(shipped, OPTIONS);

    // Assess
    expect(documents.length).toBeGreaterThan(1);
    expect(documents.filter((d) => d.text.length > COMPONENT_DATA_LIMIT).map((d) => d.name)).toEqual([]);
    expect(documents.flatMap((d) => d.rows)).toEqual(shipped.controls.map((_, i) => i));
    expect(documents.map((d) => `${d.part}/${d.parts} ${d.name}`)).toEqual(
      documents.map((_, i) => `${i + 1}/${documents.length} recipe-small-part-${i + 1}`),
    );
  });

  it('clears the failed-controls file in the first part and fails the build listing them in the last part only', () => {
    // Act
    const documents = generateWindowsControls(small, { ...OPTIONS, budget: 4000 });
    const checks = documents.map((d) => script(phase(d, 'validate')[0]));

    // Assess
    expect(documents.length).toBeGreaterThan(2);
    expect(checks.map((c) => c.includes('Remove-Item -LiteralPath $failedFile'))).toEqual(documents.map((d) => d.part === 1));
    expect(checks.map((c) => /if \(\$all\.Count -gt 0\) \{[\s\S]*exit 1/.test(c))).toEqual(documents.map((d) => d.part === d.parts));
    expect(checks.every((c) => c.includes('Add-Content -LiteralPath $failedFile -Value $failed'))).toBe(true);
    expect(checks.at(-1)).toContain('control(s) of controls/small.yaml do not hold:');
  });

  it('drives secedit from one security template, auditpol by GUID and success/failure bits, and services by name', () => {
    // Act
    const [document] = generateWindowsControls(small, OPTIONS);
    const build = phase(document as GeneratedDocument, 'build');

    // Assess
    expect(build.map((s) => `${s.name} ${s.action}`)).toEqual([
      'ApplySecurityPolicy ExecutePowerShell',
      'ApplyRegistry SetRegistry',
      'ApplyAuditPolicy ExecutePowerShell',
      'ApplyServices ExecutePowerShell',
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

  it('quotes values for PowerShell so nothing in them is expanded', () => {
    // Act
    const check = script(phase(generateWindowsControls(small, OPTIONS)[0] as GeneratedDocument, 'validate')[0]);

    // Assess
    expect(check).toContain(
      ",@('18.10.76.2.1','HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\System','ShellSmartScreenLevel','It''s Block')",
    );
    expect(check).toContain(
      ",@('2.3.10.8','HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurePipeServers\\Winreg\\AllowedExactPaths','Machine',@('System\\CurrentControlSet\\Control\\ProductOptions','Software\\Microsoft\\Windows NT\\CurrentVersion'))",
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
    expect(generateWindowsControls(shipped, OPTIONS).map((d) => d.text)).toEqual(
      generateWindowsControls(structuredClone(shipped), OPTIONS).map((d) => d.text),
    );
  });

  it('refuses a row that cannot fit in any document', () => {
    expect(() => generateWindowsControls(small, { ...OPTIONS, budget: 500 })).toThrow(ControlTooLargeError);
  });
});
