/**
 * The world the catalog command tests run in: a git workspace with one recipe (al2023-web,
 * minimumScore 95, two regions), its AMIs registered in moto's EC2 in both regions, evidence
 * summaries in moto's S3, and Image Builder answered by aws-sdk-client-mock.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTagsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import type { ImagebuilderClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-imagebuilder';
import { ImagebuilderClient, ListImageBuildVersionsCommand, ListImagesCommand } from '@aws-sdk/client-imagebuilder';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsStub } from 'aws-sdk-client-mock';
import { execaSync } from 'execa';
import { catalogClients } from '../../src/catalog/aws.js';
import type { CatalogCommandDeps } from '../../src/catalog/context.js';
import type { Command } from '../../src/command.js';
import type { Io } from '../../src/index.js';

const GITOPS = fileURLToPath(new URL('../fixtures/gitops/recipes/', import.meta.url));
const RECIPE = 'al2023-web';
const ACCOUNT = '123456789012';
const REGIONS = ['eu-west-1', 'us-east-1'] as const;
const BUCKET = 'bakery-evidence-123456789012';
const IMAGE_NAME = `ami-bakery-recipe-${RECIPE}`;
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const NOW = new Date('2026-12-02T10:00:00Z');

interface BuildSpec {
  image: string;
  state: 'AVAILABLE' | 'FAILED';
  /** Evidence score; undefined: no summary. */
  score?: number;
  created: string;
}

/** Builds of al2023-web: two of 1.1.0, two of 1.2.0, a failed 1.3.0. */
const BUILDS: BuildSpec[] = [
  { image: '1.1.0/1', state: 'AVAILABLE', score: 96, created: '2026-11-01T04:00:00Z' },
  { image: '1.1.0/2', state: 'AVAILABLE', score: 97, created: '2026-11-08T04:00:00Z' },
  { image: '1.2.0/2', state: 'AVAILABLE', score: 90, created: '2026-11-22T04:00:00Z' },
  { image: '1.2.0/3', state: 'AVAILABLE', score: 98.5, created: '2026-11-29T04:00:00Z' },
  { image: '1.3.0/1', state: 'FAILED', created: '2026-12-01T04:00:00Z' },
];

/** image -> region -> AMI id (moto's), filled by `registerAmis`. */
type Amis = Record<string, Record<string, string>>;

function git(cwd: string, ...args: string[]): string {
  return execaSync('git', args, { cwd, env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }).stdout;
}

/** A workspace with al2023-web at version 1.3.0, committed on main; `catalog` is committed too when given. */
function workspace(temps: string[], catalog?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bakery-catalog-'));
  temps.push(dir);
  writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), 'packages: []\n');
  const recipeDir = path.join(dir, 'recipes', RECIPE);
  cpSync(path.join(GITOPS, RECIPE), recipeDir, { recursive: true });
  const recipe = readFileSync(path.join(recipeDir, 'recipe.yaml'), 'utf8').replace('version: 1.0.0', 'version: 1.3.0');
  writeFileSync(
    path.join(recipeDir, 'recipe.yaml'),
    `${recipe}distribution:\n  regions: [eu-west-1, us-east-1]\ncatalog:\n  minimumScore: 95\n`,
  );
  if (catalog !== undefined) writeFileSync(path.join(recipeDir, 'catalog.yaml'), catalog);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'recipes');
  return dir;
}

function cleanup(temps: string[]): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Registers one AMI per AVAILABLE build and region in moto; returns their ids. */
async function registerAmis(endpoint: string): Promise<Amis> {
  const amis: Amis = {};
  for (const region of REGIONS) {
    const ec2 = new EC2Client({ region, endpoint, credentials: CREDENTIALS });
    for (const build of BUILDS.filter((b) => b.state === 'AVAILABLE')) {
      const out = await ec2.send(
        new RegisterImageCommand({
          Name: `${RECIPE}-${build.image.replace('/', '-')}`,
          RootDeviceName: '/dev/xvda',
          Architecture: 'x86_64',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
        }),
      );
      amis[build.image] = { ...(amis[build.image] ?? {}), [region]: out.ImageId as string };
    }
    ec2.destroy();
  }
  return amis;
}

/** Tags an AMI as the deployer does when it applies a revocation. */
async function tagRevoked(endpoint: string, region: string, ami: string, reason: string): Promise<void> {
  const ec2 = new EC2Client({ region, endpoint, credentials: CREDENTIALS });
  await ec2.send(new CreateTagsCommand({ Resources: [ami], Tags: [{ Key: 'ami-bakery:revoked-reason', Value: reason }] }));
  ec2.destroy();
}

function summary(build: BuildSpec, ami: string): string {
  const [version, number] = build.image.split('/');
  return JSON.stringify({
    schemaVersion: 1,
    benchmark: { id: 'DISA Amazon Linux 2023 STIG', version: 'V1R2' },
    profile: 'MAC-1_Classified',
    scanner: 'scc',
    report: 'results.xml',
    counts: { pass: 90, fail: 0, notApplicable: 3 },
    score: build.score,
    threshold: 80,
    passed: true,
    accepted: [],
    failing: [],
    imageId: ami,
    imageBuildVersion: number,
    time: `${version === '1.1.0' ? '2026-11-01' : '2026-11-22'}T05:00:00Z`,
  });
}

/** The evidence bucket with a summary for every build that has a score. */
async function putEvidence(endpoint: string, amis: Amis): Promise<void> {
  const s3 = new S3Client({ region: 'eu-west-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  for (const build of BUILDS) {
    if (build.score === undefined) continue;
    const [version, number] = build.image.split('/');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `evidence/${RECIPE}/${version}/${number}/summary.json`,
        Body: summary(build, amis[build.image]?.['eu-west-1'] ?? ''),
      }),
    );
  }
  s3.destroy();
}

/** Sets channel parameters as the deployer would have. */
async function putChannel(endpoint: string, region: string, channel: string, ami: string): Promise<void> {
  const ssm = new SSMClient({ region, endpoint, credentials: CREDENTIALS });
  await ssm.send(new PutParameterCommand({ Name: `/ami-bakery/${RECIPE}/${channel}`, Value: ami, Type: 'String', Overwrite: true }));
  ssm.destroy();
}

/** Image Builder's answers for the builds, with the AMIs moto registered. */
function answerImageBuilder(stub: AwsStub<ServiceInputTypes, ServiceOutputTypes, ImagebuilderClientResolvedConfig>, amis: Amis): void {
  const versionArn = (version: string) => `arn:aws:imagebuilder:eu-west-1:${ACCOUNT}:image/${IMAGE_NAME}/${version}`;
  const versions = [...new Set(BUILDS.map((b) => b.image.split('/')[0] as string))];
  stub.on(ListImagesCommand).resolves({ imageVersionList: versions.map((v) => ({ arn: versionArn(v), name: IMAGE_NAME, version: v })) });
  stub.on(ListImageBuildVersionsCommand).callsFake((input: { imageVersionArn?: string }) => {
    const version = input.imageVersionArn?.split('/').at(-1);
    return {
      imageSummaryList: BUILDS.filter((b) => b.image.startsWith(`${version}/`)).map((b) => ({
        arn: `${versionArn(version as string)}/${b.image.split('/')[1]}`,
        name: IMAGE_NAME,
        version: b.image,
        state: { status: b.state, ...(b.state === 'FAILED' ? { reason: 'test phase failed: the SCAP score was 71.2 %' } : {}) },
        dateCreated: b.created,
        outputResources: {
          amis: Object.entries(amis[b.image] ?? {}).map(([region, image]) => ({ region, image, accountId: ACCOUNT })),
        },
      })),
    };
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command object in-process in `cwd`, with the moto endpoint and fixed time. */
async function runCommand(
  create: (deps: CatalogCommandDeps) => Command,
  endpoint: string,
  cwd: string,
  positionals: string[],
  values: Record<string, string | boolean> = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const env = { AWS_REGION: 'eu-west-1', BAKERY_EVIDENCE_BUCKET: BUCKET, AWS_ENDPOINT_URL: endpoint };
  const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd, env };
  const command = create({ clients: (e) => catalogClients(e, undefined, CREDENTIALS), now: () => NOW });
  const code = await command.run({ values, positionals }, io);
  return { code, stdout, stderr };
}

function head(dir: string): string {
  return git(dir, 'rev-parse', 'HEAD');
}

function catalogText(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, 'recipes', RECIPE, 'catalog.yaml'), 'utf8');
  } catch {
    return undefined;
  }
}

/** A catalog.yaml as the CLI writes it, from an object. */
function catalogYaml(
  channels: Record<string, { image: string; score?: number }>,
  amis: Amis,
  revoked: { image: string; reason: string; disable?: boolean }[] = [],
): string {
  const lines = ['channels:'];
  for (const [channel, entry] of Object.entries(channels)) {
    lines.push(`  ${channel}:`, `    image: ${entry.image}`, '    amis:');
    for (const [region, ami] of Object.entries(amis[entry.image] ?? {})) lines.push(`      ${region}: ${ami}`);
    if (entry.score !== undefined) lines.push(`    score: ${entry.score}`);
    lines.push('    promotedAt: 2026-11-20T09:00:00Z');
  }
  if (Object.keys(channels).length === 0) lines[0] = 'channels: {}';
  lines.push(revoked.length > 0 ? 'revoked:' : 'revoked: []');
  for (const r of revoked) {
    lines.push(`  - image: ${r.image}`, '    amis:');
    for (const [region, ami] of Object.entries(amis[r.image] ?? {})) lines.push(`      ${region}: ${ami}`);
    lines.push(`    reason: ${r.reason}`, `    disable: ${r.disable ?? false}`, '    revokedAt: 2026-11-21T09:00:00Z');
  }
  return `${lines.join('\n')}\n`;
}

function commitCatalog(dir: string, text: string, message: string): void {
  writeFileSync(path.join(dir, 'recipes', RECIPE, 'catalog.yaml'), text);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', message);
}

export {
  ACCOUNT,
  type Amis,
  answerImageBuilder,
  BUCKET,
  BUILDS,
  CREDENTIALS,
  catalogText,
  catalogYaml,
  cleanup,
  commitCatalog,
  git,
  head,
  IMAGE_NAME,
  ImagebuilderClient,
  NOW,
  putChannel,
  putEvidence,
  RECIPE,
  REGIONS,
  registerAmis,
  runCommand,
  tagRevoked,
  workspace,
};
