/**
 * The Linux evidence script exactly as the generated scap-evidence document carries it, run with
 * python3 against sample SCC results: instance metadata from a local stand-in for IMDSv2, the
 * instance's Ec2ImageBuilderArn tag and the upload from moto_server (EC2 and S3) on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScapEvidence, parseSummary, parseXccdfResults, type ScapEvidenceTable, summarizeXccdf } from '../src/index.js';
import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';

const SAMPLES = fileURLToPath(new URL('./fixtures/evidence/', import.meta.url));
const SCC = 'ip-10-0-1-23_SCC-5.10.1_2026-11-29_041502_XCCDF-Results_Amazon_Linux_2023_STIG-001.002.xml';
const SCC_FAILING = 'failing_SCC-5.10.1_2026-11-29_041502_XCCDF-Results_Amazon_Linux_2023_STIG-001.002.xml';
const BUCKET = 'bakery-evidence-111122223333';
const PREFIX = 'evidence/amazon-linux-2023-stig-high/1.2.0';
const BUILDER_ARN = 'arn:aws:imagebuilder:us-east-1:111122223333:image/ami-bakery-recipe-amazon-linux-2023-stig-high/1.2.0/4';
const python = findOnPath('python3');
const moto = findOnPath('moto_server');
const runnable = python !== undefined && moto !== undefined;
if (!runnable && process.env.CI === 'true') throw new Error('python3 and moto_server are needed for this test (CI installs them)');

const table = (): ScapEvidenceTable => ({
  benchmark: 'DISA Amazon Linux 2023 STIG',
  scanner: 'scc',
  results: [],
  minimumScore: 70,
  accepted: [
    { rule: 'V-274065', reason: "The recipe sets SetDoDConsentBanner to No: it's not a DoD system." },
    { rule: 'AZLX-23-000100', reason: 'EBS encryption protects the volume; the OS sees no LUKS device.' },
  ],
});

/** The script and its argument from the document's bash step, with AWSTOE's parameter substitution done. */
function fromDocument(work: string, results: string | string[]): { script: string; config: string } {
  const [document] = generateScapEvidence({ ...table(), results: typeof results === 'string' ? [results] : results }, { baseName: 'amazon-linux-2023-stig-high-stig-scan', tableFile: 'compliance/stig-scan.yaml', platform: 'linux' });
  const phases = document?.data.phases as { steps: { inputs: { commands: string[] } }[] }[];
  const command = (phases[0]?.steps[0]?.inputs.commands[0] ?? '').replaceAll('{{ EvidenceBucket }}', BUCKET).replaceAll('{{ EvidencePrefix }}', PREFIX);
  const packed = /^printf '%s' '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > "\$work\/evidence\.py"$/m.exec(command)?.[1] ?? '';
  const script = gunzipSync(Buffer.from(packed, 'base64')).toString('utf8');
  const config = JSON.parse(/python3 "\$work\/evidence\.py" '(.*)'$/m.exec(command)?.[1]?.replaceAll("'\\''", "'") ?? '{}') as Record<string, unknown>;
  return { script, config: JSON.stringify({ ...config, work }) };
}

/** Signed-looking requests: moto routes by the service in the credential scope and checks nothing else. */
async function aws(endpoint: string, service: string, method: string, pathAndQuery: string, body?: string): Promise<string> {
  const auth = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  const response = await fetch(`${endpoint}${pathAndQuery}`, { method, body, headers: { authorization: auth, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${method} ${pathAndQuery}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

describe.skipIf(!runnable)('Evidence script (Linux): generated document run against moto', () => {
  let server: MotoServer;
  let imds: Server;
  let imdsUrl = '';
  let instanceId = '';
  const dirs: string[] = [];

  beforeAll(async () => {
    server = await startMoto(moto as string);
    await aws(server.endpoint, 's3', 'PUT', `/${BUCKET}`);
    const images = await aws(server.endpoint, 'ec2', 'POST', '/', 'Action=DescribeImages&Version=2016-11-15');
    const imageId = /<imageId>(ami-[0-9a-f]+)<\/imageId>/.exec(images)?.[1] ?? '';
    const run = await aws(server.endpoint, 'ec2', 'POST', '/', `Action=RunInstances&Version=2016-11-15&ImageId=${imageId}&MinCount=1&MaxCount=1`);
    instanceId = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(run)?.[1] ?? '';
    await aws(server.endpoint, 'ec2', 'POST', '/', `Action=CreateTags&Version=2016-11-15&ResourceId.1=${instanceId}&Tag.1.Key=Ec2ImageBuilderArn&Tag.1.Value=${encodeURIComponent(BUILDER_ARN)}`);
    // IMDSv2: a token first, then the metadata the script reads; anything without the token is refused.
    imds = createServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('token-1');
      if (req.headers['x-aws-ec2-metadata-token'] !== 'token-1') return void res.writeHead(401).end();
      const answers: Record<string, string> = {
        '/latest/meta-data/instance-id': instanceId,
        '/latest/meta-data/ami-id': 'ami-0abc1234def567890',
        '/latest/meta-data/placement/region': 'us-east-1',
        '/latest/meta-data/services/domain': 'amazonaws.com',
        '/latest/meta-data/iam/security-credentials/': 'build-role',
        '/latest/meta-data/iam/security-credentials/build-role': JSON.stringify({ AccessKeyId: 'AKIDEXAMPLE', SecretAccessKey: 'secret', Token: 'session' }),
      };
      const answer = answers[req.url ?? ''];
      if (answer === undefined) return void res.writeHead(404).end();
      res.end(answer);
    });
    await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
    const address = imds.address();
    imdsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => (imds ? imds.close(() => resolve()) : resolve()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** python3 in a child process; asynchronous, since the stand-in IMDS answers from this process. */
  function python3(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(python as string, args, { env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.once('error', reject);
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  function run(sample: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    dirs.push(dir);
    const sessions = path.join(dir, 'SCC', 'Sessions', '2026-11-29_041502', 'Results', 'SCAP', 'XML');
    mkdirSync(sessions, { recursive: true });
    copyFileSync(path.join(SAMPLES, sample), path.join(sessions, sample));
    const { script, config } = fromDocument(path.join(dir, 'work'), path.join(dir, 'SCC', 'Sessions', '**', 'Results', 'SCAP', 'XML', '*XCCDF-Results*Amazon_Linux_2023*.xml'));
    writeFileSync(path.join(dir, 'evidence.py'), script);
    return python3([path.join(dir, 'evidence.py'), config], { AMI_BAKERY_IMDS: imdsUrl, AMI_BAKERY_EC2_ENDPOINT: server.endpoint, AMI_BAKERY_S3_ENDPOINT: server.endpoint });
  }

  it('uploads the report and a summary.json equal to the TypeScript summary under the image build version, and passes', async () => {
    // Act
    const result = await run(SCC);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const listing = await aws(server.endpoint, 's3', 'GET', `/${BUCKET}?list-type=2&prefix=${encodeURIComponent(`${PREFIX}/`)}`);
    expect([...listing.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1])).toEqual([`${PREFIX}/4/${SCC}`, `${PREFIX}/4/summary.json`]);
    const summary = parseSummary(await aws(server.endpoint, 's3', 'GET', `/${BUCKET}/${PREFIX}/4/summary.json`));
    const expected = summarizeXccdf(parseXccdfResults(readFileSync(path.join(SAMPLES, SCC), 'utf8')), {
      scanner: 'scc',
      report: SCC,
      threshold: 70,
      accepted: table().accepted,
      imageId: 'ami-0abc1234def567890',
      imageBuildVersion: '4',
      imageBuilderArn: BUILDER_ARN,
      time: summary.time,
    });
    expect(summary).toEqual(expected);
    expect(result.stdout).toContain(`Evidence: s3://${BUCKET}/${PREFIX}/4/`);
  });

  it('fails the build naming the failing rule that is not accepted, after uploading the evidence', async () => {
    // Act
    const result = await run(SCC_FAILING);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAILING AZLX-23-000300: Amazon Linux 2023 must not have the vsftpd package installed.');
    const summary = parseSummary(await aws(server.endpoint, 's3', 'GET', `/${BUCKET}/${PREFIX}/4/summary.json`));
    expect(summary.passed).toBe(false);
    expect(summary.failing.map((f) => f.id)).toEqual(['AZLX-23-000300']);
  });

  it('reads the first pattern that finds a file (the documented SCC location) even when a later pattern holds a newer file', async () => {
    // Prepare: the passing report where the AWS documentation says SCC saves it, a newer failing one in a session folder.
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    dirs.push(dir);
    const documented = path.join(dir, 'opt', 'scc', 'SCCResults', '2026-11-29_041502', 'Results', 'SCAP', 'XML');
    const session = path.join(dir, 'SCC', 'Sessions', '2026-11-29_051502', 'Results', 'SCAP', 'XML');
    mkdirSync(documented, { recursive: true });
    mkdirSync(session, { recursive: true });
    copyFileSync(path.join(SAMPLES, SCC), path.join(documented, SCC));
    copyFileSync(path.join(SAMPLES, SCC_FAILING), path.join(session, SCC_FAILING));
    utimesSync(path.join(documented, SCC), new Date('2026-11-29T04:15:02Z'), new Date('2026-11-29T04:15:02Z'));
    const { script, config } = fromDocument(path.join(dir, 'work'), [
      path.join(dir, 'opt', 'scc', 'SCCResults', '**', '*XCCDF-Results*Amazon_Linux_2023*.xml'),
      path.join(dir, 'SCC', 'Sessions', '**', 'Results', 'SCAP', 'XML', '*XCCDF-Results*Amazon_Linux_2023*.xml'),
    ]);
    writeFileSync(path.join(dir, 'evidence.py'), script);

    // Act
    const result = await python3([path.join(dir, 'evidence.py'), config], { AMI_BAKERY_IMDS: imdsUrl, AMI_BAKERY_EC2_ENDPOINT: server.endpoint, AMI_BAKERY_S3_ENDPOINT: server.endpoint });

    // Assess
    expect(result.status).toBe(0);
    const summary = parseSummary(await aws(server.endpoint, 's3', 'GET', `/${BUCKET}/${PREFIX}/4/summary.json`));
    expect([summary.report, summary.passed]).toEqual([SCC, true]);
  });

  it('fails with the patterns it searched when the scan left no results', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    dirs.push(dir);
    const { script, config } = fromDocument(path.join(dir, 'work'), path.join(dir, 'nothing', '*.xml'));
    writeFileSync(path.join(dir, 'evidence.py'), script);

    // Act
    const result = await python3([path.join(dir, 'evidence.py'), config], { AMI_BAKERY_IMDS: imdsUrl });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`No XCCDF results in ${path.join(dir, 'nothing', '*.xml')}: did the scan run?`);
  });
});
