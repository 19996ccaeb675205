/**
 * The scap-evidence and usg-tailoring generators: the documents they write, and the tailoring
 * helper they carry run with python3 on a usg-shaped tailoring file.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkScapEvidenceTable, checkUsgTailoringTable, GeneratorInputError, generateScapEvidence, generateUsgTailoring, type ScapEvidenceTable, type UsgTailoringTable } from '../src/index.js';
import { findOnPath } from '@ami-bakery/test-support/moto-server';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = <T>(file: string) => parse(readFileSync(`${ROOT}${file}`, 'utf8')) as T;
const script = (document: { data: Record<string, unknown> } | undefined, phase: string, step = 0) =>
  ((((document?.data.phases ?? []) as { name: string; steps: { inputs: { commands: string[] } }[] }[]).find((p) => p.name === phase)?.steps[step]?.inputs.commands ?? []) as string[]).join('\n');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Generator: scap-evidence', () => {
  const linux = read<ScapEvidenceTable>('recipes/amazon-linux-2023-stig-high/compliance/stig-scan.yaml');
  const rhel = read<ScapEvidenceTable>('recipes/rhel-9-stig-high/compliance/stig-scan.yaml');
  const windows = read<ScapEvidenceTable>('recipes/windows-server-2022-stig-high/compliance/stig-scan.yaml');
  const arm = read<ScapEvidenceTable>('recipes/amazon-linux-2023-arm64-stig-high/compliance/stig-scan.yaml');
  const options = { baseName: 'r-stig-scan', tableFile: 'compliance/stig-scan.yaml' };

  it.each([
    ['linux (SCC)', linux, 'linux' as const, 'ExecuteBash'],
    ['linux (OpenSCAP)', arm, 'linux' as const, 'ExecuteBash'],
    ['linux (OpenSCAP, five accepted findings)', rhel, 'linux' as const, 'ExecuteBash'],
    ['windows (SCC)', windows, 'windows' as const, 'ExecutePowerShell'],
  ])('writes one test-phase document for %s, taking the evidence bucket and prefix as parameters', (_, table, platform, action) => {
    // Act
    const [document, ...rest] = generateScapEvidence(table, { ...options, platform });

    // Assess
    expect(rest).toEqual([]);
    expect(document).toMatchObject({ stage: 'test', suffix: 'scan', name: 'r-stig-scan-scan', parameters: { EvidenceBucket: '{{ bakery:evidenceBucket }}', EvidencePrefix: '{{ bakery:evidencePath }}' } });
    expect(((document?.data.phases ?? []) as { name: string; steps: { action: string }[] }[]).map((p) => `${p.name}: ${p.steps.map((s) => s.action).join()}`)).toEqual([`test: ${action}`]);
    expect(document?.text.length).toBeLessThan(16_000);
  });

  it('passes the threshold, the accepted list and the result patterns to the Windows script as one quoted JSON', () => {
    const text = script(generateScapEvidence(windows, { ...options, platform: 'windows' })[0], 'test');
    const json = JSON.parse((/^\$config = ConvertFrom-Json '(.*)'$/m.exec(text)?.[1] ?? '{}').replaceAll("''", "'")) as Record<string, unknown>;
    expect(json).toMatchObject({ scanner: 'scc', threshold: 90, accepted: [], results: windows.results, bucket: '{{ EvidenceBucket }}', prefix: '{{ EvidencePrefix }}' });
    expect(text).toContain("[xml]$xml = Get-Content -LiteralPath $report -Raw");
    expect(text).toContain('Write-S3Object');
    expect(text).toMatch(/if \(-not \$summary\.passed\) \{ exit 1 \}$/);
  });

  it('installs and runs OpenSCAP for scanner openscap, tolerating its exit code 2 (rules failed) only', () => {
    const text = script(generateScapEvidence(arm, { ...options, platform: 'linux' })[0], 'test');
    expect(text).toContain("dnf install -y 'openscap-scanner' 'scap-security-guide'");
    expect(text).toContain(`oscap xccdf eval --profile 'xccdf_org.ssgproject.content_profile_stig' --results-arf "$work/openscap-results-arf.xml" --report "$work/openscap-report.html" '/usr/share/xml/scap/ssg/content/ssg-al2023-ds.xml' || test $? -eq 2`);
  });

  it('refuses OpenSCAP on Windows, at the scanner', () => {
    expect(() => generateScapEvidence(arm, { ...options, platform: 'windows' })).toThrow(GeneratorInputError);
  });

  it('flags a rule accepted twice, at its second entry', () => {
    const table = { ...rhel, accepted: [...rhel.accepted, { rule: 'grub2_password', reason: 'Twice, with another reason.' }] };
    expect(checkScapEvidenceTable(table)).toEqual([{ path: ['accepted', 5, 'rule'], message: 'grub2_password is accepted twice (entry 3 too); keep one entry with one reason.' }]);
  });

  it('carries evidence.py gzipped and base64-encoded with its sha256, and refuses a document over the CloudFormation limit', () => {
    // Act
    const text = script(generateScapEvidence(rhel, { ...options, platform: 'linux' })[0], 'test');
    const packed = /^printf '%s' '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > "\$work\/evidence\.py"$/m.exec(text)?.[1] ?? '';
    const python = gunzipSync(Buffer.from(packed, 'base64')).toString('utf8');
    const long = { ...rhel, accepted: rhel.accepted.map((a) => ({ ...a, reason: a.reason.repeat(20) })) };

    // Assess
    expect(python).toMatch(/^import datetime, glob, /);
    expect(text).toContain(`sha256 ${createHash('sha256').update(python).digest('hex')}, gzip, base64:`);
    expect(() => generateScapEvidence(long, { ...options, platform: 'linux' })).toThrow(GeneratorInputError);
  });
});

describe('Generator: usg-tailoring', () => {
  const table = read<UsgTailoringTable>('recipes/ubuntu-pro-22-04-cis-level1/tailoring/cis-level1-server.yaml');
  const options = { baseName: 'u-cis-level1-server', tableFile: 'tailoring/cis-level1-server.yaml' };

  it('writes a build document (harden, audit before the snapshot) and a test document (audit with evidence)', () => {
    const documents = generateUsgTailoring(table, options);
    expect(documents.map((d) => `${d.stage} ${d.suffix} ${(d.data.phases as { name: string }[]).map((p) => p.name).join(',')}`)).toEqual(['build harden build,validate', 'test audit test']);
    expect(documents.map((d) => d.parameters)).toEqual([undefined, { EvidenceBucket: '{{ bakery:evidenceBucket }}', EvidencePrefix: '{{ bakery:evidencePath }}' }]);
    expect(script(documents[0], 'validate')).toContain('usg audit --tailoring-file /etc/ami-bakery/usg/tailoring.xml');
  });

  it('flags a rule left out twice', () => {
    const twice = { ...table, disabled: [...table.disabled, { rule: 'grub2_password', reason: 'Again, with another reason.' }] };
    expect(checkUsgTailoringTable(twice)).toEqual([{ path: ['disabled', 2, 'rule'], message: 'grub2_password is left out twice (entry 1 too); keep one entry with one reason.' }]);
  });

  const python = findOnPath('python3');
  describe.skipIf(!python)('the tailoring helper, run on a usg-shaped tailoring file', () => {
    function tailor(disabled: { rule: string; reason: string }[]) {
      const dir = mkdtempSync(path.join(tmpdir(), 'tailor-'));
      dirs.push(dir);
      const build = script(generateUsgTailoring({ ...table, disabled }, options)[0], 'build', 1);
      writeFileSync(path.join(dir, 'tailor.py'), /<<'AMI_BAKERY_PY'\n([\s\S]*?)\nAMI_BAKERY_PY/.exec(build)?.[1] ?? '');
      copyFileSync(fileURLToPath(new URL('./fixtures/evidence/usg-generated-tailoring.xml', import.meta.url)), path.join(dir, 'base.xml'));
      const result = spawnSync(python as string, [path.join(dir, 'tailor.py'), path.join(dir, 'base.xml'), path.join(dir, 'out.xml'), JSON.stringify(disabled)], { encoding: 'utf8' });
      return { ...result, out: () => readFileSync(path.join(dir, 'out.xml'), 'utf8') };
    }

    it('deselects exactly the rules of the table, each with its reason next to it, and keeps the rest selected', () => {
      // Act
      const result = tailor(table.disabled);

      // Assess
      expect(result.status).toBe(0);
      const xml = result.out();
      const selects = [...xml.matchAll(/<xccdf:select idref="xccdf_org\.ssgproject\.content_rule_(\w+)" selected="(\w+)" \/>/g)].map((m) => `${m[1]}=${m[2]}`);
      expect(selects).toEqual(['grub2_password=false', 'partition_for_tmp=false', 'sshd_disable_root_login=true', 'package_telnet_removed=true']);
      expect(xml).toContain(`<!-- AMI Bakery: grub2_password left out: ${table.disabled[0]?.reason} -->`);
      expect(xml).toContain('extends="xccdf_org.ssgproject.content_profile_cis_level1_server"');
    });

    it('fails the build on a rule the profile does not have', () => {
      const result = tailor([{ rule: 'grub2_pasword', reason: 'A typo in the table.' }]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Not rules of this usg profile: grub2_pasword; fix the tailoring table.');
    });
  });
});
