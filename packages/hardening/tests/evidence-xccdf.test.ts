import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSummary, parseXccdfResults, ruleMatches, summarizeXccdf, XccdfFormatError } from '../src/index.js';

const sample = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/evidence/${name}`, import.meta.url)), 'utf8');
const SCC = 'ip-10-0-1-23_SCC-5.10.1_2026-11-29_041502_XCCDF-Results_Amazon_Linux_2023_STIG-001.002.xml';
const SCC_FAILING = 'failing_SCC-5.10.1_2026-11-29_041502_XCCDF-Results_Amazon_Linux_2023_STIG-001.002.xml';
const USG = 'usg-results-ubuntu2204-arf.xml';
const IMAGE = { imageId: 'ami-0123456789abcdef0', imageBuildVersion: '3', time: '2026-11-29T04:20:00Z' };
const ACCEPTED = [
  { rule: 'V-274065', title: 'DOD Notice and Consent Banner', reason: 'SetDoDConsentBanner is No: not a DoD system.' },
  { rule: 'AZLX-23-000100', reason: 'EBS encryption protects the volume; the OS sees no LUKS device.' },
];

describe('Function: parseXccdfResults', () => {
  it('reads SCC results: benchmark, profile, scanner, rule results with STIG id, V- group and title', () => {
    // Act
    const results = parseXccdfResults(sample(SCC));

    // Assess
    expect(results.benchmark).toEqual({ id: 'xccdf_mil.disa.stig_benchmark_Amazon_Linux_2023_STIG', title: 'Amazon Linux 2023 Security Technical Implementation Guide', version: '001.002' });
    expect(results.profile).toBe('xccdf_mil.disa.stig_profile_MAC-1_Classified');
    expect(results.testSystem).toBe('cpe:/a:spawar:scc:5.10.1');
    expect(results.rules.find((r) => r.version === 'AZLX-23-001390')).toEqual({
      idref: 'xccdf_mil.disa.stig_rule_SV-274065r1120228_rule',
      result: 'fail',
      severity: 'medium',
      version: 'AZLX-23-001390',
      group: 'V-274065',
      title: 'Amazon Linux 2023 must display the Standard Mandatory DOD Notice and Consent Banner before granting local or remote access to the system.',
    });
    expect(results.scores.map((s) => s.system)).toEqual(['urn:xccdf:scoring:spawar-original', 'urn:xccdf:scoring:default']);
  });

  it('reads an ARF report collection from usg/OpenSCAP, taking the benchmark from the data stream', () => {
    // Act
    const results = parseXccdfResults(sample(USG));

    // Assess
    expect(results.benchmark).toEqual({ id: 'xccdf_org.ssgproject.content_benchmark_UBUNTU_22-04', title: 'CIS Ubuntu 22.04 LTS Benchmark', version: '2.0.0' });
    expect(results.profile).toBe('xccdf_org.ssgproject.content_profile_cis_level1_server_ami_bakery');
    expect(results.rules.map((r) => `${r.idref.replace('xccdf_org.ssgproject.content_rule_', '')} ${r.result}`)).toEqual([
      'grub2_password notselected',
      'partition_for_tmp notselected',
      'accounts_password_pam_minlen pass',
      'sshd_disable_root_login pass',
      'package_telnet_removed pass',
      'service_auditd_enabled notapplicable',
      'file_permissions_etc_shadow pass',
      'sysctl_kernel_randomize_va_space pass',
    ]);
  });

  it.each([
    ['not XML at all', '{"a": 1}'],
    ['XML without a TestResult', '<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="x"/>'],
  ])('refuses %s', (_, text) => {
    expect(() => parseXccdfResults(text)).toThrow(XccdfFormatError);
  });
});

describe('Function: ruleMatches', () => {
  const rule = { idref: 'xccdf_mil.disa.stig_rule_SV-274065r1120228_rule', result: 'fail', version: 'AZLX-23-001390', group: 'V-274065' };
  it.each([
    ['the STIG id', 'AZLX-23-001390', true],
    ['the V- id', 'V-274065', true],
    ['the SV- id without revision', 'SV-274065', true],
    ['the SV- id with another revision', 'SV-274065r999', true],
    ['the XCCDF id', 'xccdf_mil.disa.stig_rule_SV-274065r1120228_rule', true],
    ['another STIG id', 'AZLX-23-001391', false],
    ['a V- id prefix', 'V-27406', false],
  ])('matches %s: %s -> %s', (_, accepted, expected) => {
    expect(ruleMatches(accepted, rule)).toBe(expected);
  });

  it('matches the short rule name of OpenSCAP content', () => {
    expect(ruleMatches('grub2_password', { idref: 'xccdf_org.ssgproject.content_rule_grub2_password', result: 'fail' })).toBe(true);
    expect(ruleMatches('password', { idref: 'xccdf_org.ssgproject.content_rule_grub2_password', result: 'fail' })).toBe(false);
  });
});

describe('Function: summarizeXccdf', () => {
  const options = { scanner: 'scc' as const, report: SCC, threshold: 70, accepted: ACCEPTED, ...IMAGE };

  it('passes when every failing rule is accepted and the score reaches the threshold', () => {
    // Act
    const summary = summarizeXccdf(parseXccdfResults(sample(SCC)), options);

    // Assess
    expect(summary.counts).toEqual({ pass: 6, fail: 2, notApplicable: 1, notChecked: 1, error: 0 });
    expect(summary.score).toBe(75);
    expect(summary.failing).toEqual([]);
    expect(summary.accepted.map((a) => `${a.id} ${a.result}`)).toEqual(['V-274065 fail', 'AZLX-23-000100 fail']);
    expect(summary.passed).toBe(true);
  });

  it('fails on a failing rule that is not accepted, naming it by STIG id', () => {
    // Act
    const summary = summarizeXccdf(parseXccdfResults(sample(SCC_FAILING)), options);

    // Assess
    expect(summary.failing).toEqual([
      { id: 'AZLX-23-000300', title: 'Amazon Linux 2023 must not have the vsftpd package installed.', severity: 'medium', detail: 'fail (xccdf_mil.disa.stig_rule_SV-274005r1120003_rule)' },
    ]);
    expect(summary.passed).toBe(false);
  });

  it('fails below the threshold even when every failure is accepted', () => {
    expect(summarizeXccdf(parseXccdfResults(sample(SCC)), { ...options, threshold: 90 }).passed).toBe(false);
  });

  it('needs 100 % of a tailored usg profile: deselected rules do not count, one failure fails', () => {
    const usg = { ...options, scanner: 'usg' as const, report: USG, threshold: 100, accepted: [] };
    expect(summarizeXccdf(parseXccdfResults(sample(USG)), usg)).toMatchObject({ score: 100, passed: true, counts: { pass: 5, fail: 0, notApplicable: 1, notChecked: 2 } });
    expect(summarizeXccdf(parseXccdfResults(sample('usg-results-ubuntu2204-arf-failing.xml')), usg)).toMatchObject({ score: 80, passed: false, failing: [{ id: 'xccdf_org.ssgproject.content_rule_sshd_disable_root_login' }] });
  });

  it('round-trips through summary.json', () => {
    const summary = summarizeXccdf(parseXccdfResults(sample(SCC)), options);
    expect(parseSummary(JSON.stringify(summary))).toEqual(summary);
  });
});
