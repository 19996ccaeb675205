/**
 * `bakery evidence` against moto S3 holding sample evidence (two recipes, four builds, one
 * unreadable summary), and the compliance page it writes read back in a real headless Chromium.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ComplianceSummary, parseXccdfResults, summarizeXccdf } from '@ami-bakery/hardening';
import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceCommand } from '../src/commands/evidence.js';
import type { Io } from '../src/index.js';
import { bakery } from './helpers.js';

const BUCKET = 'bakery-evidence-111122223333';
const SAMPLES = fileURLToPath(new URL('../../hardening/tests/fixtures/evidence/', import.meta.url));
const SCC = 'ip-10-0-1-23_SCC-5.10.1_2026-11-29_041502_XCCDF-Results_Amazon_Linux_2023_STIG-001.002.xml';
const SCC_FAILING = 'failing_SCC-5.10.1_2026-11-29_041502_XCCDF-Results_Amazon_Linux_2023_STIG-001.002.xml';
const ACCEPTED = [
  { rule: 'V-274065', title: 'DOD Notice and Consent Banner', reason: 'SetDoDConsentBanner is No: the image is not for a DoD system.' },
  { rule: 'AZLX-23-000100', reason: 'EBS encryption protects the volume; the OS sees no LUKS device.' },
];
const moto = findOnPath('moto_server');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (process.env.CI === 'true' && (!moto || !CHROMIUM))
  throw new Error('moto_server and chromium are needed for the evidence tests (.ci/run installs chromium)');

function scc(sample: string, build: string, time: string): ComplianceSummary {
  return summarizeXccdf(parseXccdfResults(readFileSync(path.join(SAMPLES, sample), 'utf8')), {
    scanner: 'scc',
    report: sample,
    threshold: 70,
    accepted: ACCEPTED,
    imageId: `ami-0${build.replace(/\D/g, '')}abcdef`,
    imageBuildVersion: build.split('/')[1] as string,
    time,
  });
}

const windowsFailing: ComplianceSummary = {
  schemaVersion: 1,
  benchmark: { id: 'CIS Microsoft Windows Server 2022 Benchmark', version: '2.0.0' },
  profile: 'Level 1 - Member Server',
  scanner: 'windows-controls',
  report: 'control-results.csv',
  counts: { pass: 300, fail: 1, notApplicable: 12 },
  score: 99.67,
  threshold: 100,
  passed: false,
  accepted: [
    {
      id: '2.3.1.4',
      title: "Configure 'Accounts: Rename administrator account'",
      reason: 'EC2Launch hands out the password of the account named Administrator.',
    },
  ],
  failing: [
    { id: '18.9.19.5', detail: 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\DisableBkGndGroupPolicy not set' },
  ],
  imageId: 'ami-0feedfacecafe0001',
  imageBuildVersion: '3',
  time: '2026-11-30T02:40:00Z',
};

describe.skipIf(!moto)('Command: bakery evidence', () => {
  let server: MotoServer;
  let client: () => S3Client;
  let dir = '';

  beforeAll(async () => {
    server = await startMoto(moto as string);
    client = () =>
      new S3Client({
        region: 'us-east-1',
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    const builds: [string, string, ComplianceSummary][] = [
      ['rhel-9-stig-high', '1.0.0/1', scc(SCC_FAILING, '1.0.0/1', '2026-11-15T04:20:00Z')],
      ['rhel-9-stig-high', '1.0.0/2', scc(SCC, '1.0.0/2', '2026-11-22T04:20:00Z')],
      ['rhel-9-stig-high', '1.1.0/1', scc(SCC, '1.1.0/1', '2026-11-29T04:20:00Z')],
      ['windows-server-2022-cis-level1', '1.1.0/3', windowsFailing],
    ];
    for (const [recipe, build, summary] of builds) {
      await put(`evidence/${recipe}/${build}/summary.json`, JSON.stringify(summary, null, 2));
      await put(`evidence/${recipe}/${build}/${summary.report}`, '<report/>');
    }
    await put('evidence/ubuntu-pro-22-04-cis-level1/1.1.0/1/summary.json', '{"schemaVersion": 2}');
    s3.destroy();
    dir = mkdtempSync(path.join(tmpdir(), 'bakery-evidence-'));
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(positionals: string[], values: Record<string, string | boolean> = {}) {
    let stdout = '';
    let stderr = '';
    const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: dir, env: {} };
    const command = createEvidenceCommand({ s3: client, now: () => new Date('2026-12-01T09:00:00Z') });
    const code = await command.run({ values: { bucket: BUCKET, region: 'us-east-1', ...values }, positionals }, io);
    return { code, stdout, stderr };
  }

  it('lists every build of a recipe newest first with score, result, counts and evidence location', async () => {
    // Act
    const result = await run(['rhel-9-stig-high']);

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'rhel-9-stig-high: Amazon Linux 2023 Security Technical Implementation Guide 001.002 (xccdf_mil.disa.stig_profile_MAC-1_Classified)',
    );
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '))).toEqual([
      '1.1.0/1 ami-01101abcdef 75 %',
      '1.0.0/2 ami-01002abcdef 75 %',
      '1.0.0/1 ami-01001abcdef 62.5 %',
      'failing AZLX-23-000300: Amazon Linux',
    ]);
    expect(lines[3]).toContain('FAILED');
    expect(lines[1]).toContain(`s3://${BUCKET}/evidence/rhel-9-stig-high/1.1.0/1/`);
  });

  it('fails (exit 1) when the latest build of a recipe failed or a summary cannot be read, naming it', async () => {
    // Act
    const result = await run([]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `s3://${BUCKET}/evidence/ubuntu-pro-22-04-cis-level1/1.1.0/1/summary.json: schemaVersion is 2, expected 1; left out`,
    );
    expect(result.stdout).toContain(
      'windows-server-2022-cis-level1: CIS Microsoft Windows Server 2022 Benchmark 2.0.0 (Level 1 - Member Server)',
    );
    expect(result.stdout).toContain('failing 18.9.19.5');
  });

  it('names the endpoint when S3 cannot be reached', async () => {
    // Act
    const command = createEvidenceCommand({
      s3: () =>
        new S3Client({
          region: 'us-east-1',
          endpoint: 'http://127.0.0.1:9',
          forcePathStyle: true,
          maxAttempts: 1,
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
    });
    let stderr = '';
    const code = await command.run(
      { values: { bucket: BUCKET, region: 'us-east-1', 'endpoint-url': 'http://127.0.0.1:9' }, positionals: [] },
      { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: dir, env: {} },
    );

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(`s3:ListObjectsV2 on s3://${BUCKET}/evidence/ (http://127.0.0.1:9) failed after retries`);
  });

  it.each([
    [['evidence'], 'name the evidence bucket: --bucket BUCKET'],
    [['evidence', '--bucket', 'Not_A_Bucket', '--region', 'us-east-1'], "--bucket must be an S3 bucket name, got 'Not_A_Bucket'"],
    [['evidence', '--bucket', BUCKET], 'name the region: --region REGION or AWS_REGION'],
  ])('refuses %j as a usage error', async (argv, message) => {
    const result = await bakery(argv as string[], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  describe.skipIf(!CHROMIUM)('the compliance page in headless Chromium', () => {
    it('shows per recipe the benchmark, the score of every build, failing rules and exceptions with reasons', async () => {
      // Prepare
      await run([], { html: 'page/index.html' });
      const { chromium } = await import('playwright-core');
      const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
      // A fresh profile folder: playwright passes it as --user-data-dir.
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM as string,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage();
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));

        // Act
        await page.goto(pathToFileURL(path.join(dir, 'page/index.html')).href);
        // Runs in the page (a string, so this file needs no DOM types).
        const read = await page.evaluate(`[...document.querySelectorAll('section.recipe')].map((s) => ({
          recipe: s.getAttribute('data-recipe'),
          benchmark: s.querySelector('.benchmark')?.textContent,
          version: s.querySelector('.benchmark-version')?.textContent,
          latest: s.querySelector('.latest-score')?.textContent,
          trend: [...s.querySelectorAll('svg.trend circle')].map((c) => c.getAttribute('data-build') + '=' + c.getAttribute('data-score')),
          failing: [...s.querySelectorAll('tr.failing-rule')].map((r) => r.getAttribute('data-rule')),
          exceptions: [...s.querySelectorAll('tr.exception')].map((r) => r.getAttribute('data-rule') + ': ' + r.querySelector('.reason')?.textContent),
          builds: [...s.querySelectorAll('tr.build td.score')].map((c) => c.textContent),
        }))`);
        const visible = await page.isVisible('svg.trend');

        // Assess
        expect(read).toEqual([
          {
            recipe: 'rhel-9-stig-high',
            benchmark: 'Amazon Linux 2023 Security Technical Implementation Guide',
            version: '001.002',
            latest: '75 %',
            trend: ['1.0.0/1=62.5', '1.0.0/2=75', '1.1.0/1=75'],
            failing: [],
            exceptions: [`V-274065: ${ACCEPTED[0]?.reason}`, `AZLX-23-000100: ${ACCEPTED[1]?.reason}`],
            builds: ['75 %', '75 %', '62.5 %'],
          },
          {
            recipe: 'windows-server-2022-cis-level1',
            benchmark: 'CIS Microsoft Windows Server 2022 Benchmark',
            version: '2.0.0',
            latest: '99.67 %',
            trend: ['1.1.0/3=99.67'],
            failing: ['18.9.19.5'],
            exceptions: ['2.3.1.4: EC2Launch hands out the password of the account named Administrator.'],
            builds: ['99.67 %'],
          },
        ]);
        expect(visible).toBe(true);
        // Self-contained: the page loads nothing but itself.
        expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    });
  });
});

describe('Command: bakery evidence (registration)', () => {
  it('is listed by bakery help', async () => {
    const result = await bakery(['help']);
    expect(result.stdout).toMatch(/^\s+evidence\s+List the compliance evidence of every image build/m);
  });
});
