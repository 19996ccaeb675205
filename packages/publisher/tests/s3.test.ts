import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrentUpdateError,
  DriftDetectedError,
  formatPlan,
  gitBlobId,
  InvalidArchiveError,
  type PublishOptions,
  type PublishResult,
  publish,
  RECORD_PATH,
  readZip,
  writeZip,
} from '../src/index.js';
import { AL2023, bundleFiles, bytes, removeBundles, SOURCE, UBUNTU, writeBundle } from './helpers/bundle.js';
import { BUCKET, FakeBucket, KEY } from './helpers/fake-s3.js';
import { blobIds, noSleep } from './helpers/publish.js';

const s3 = mockClient(S3Client);
let bucket: FakeBucket;

beforeEach(() => {
  s3.reset();
  bucket = new FakeBucket();
  bucket.install(s3);
});
afterAll(removeBundles);

const target = { kind: 's3', bucket: BUCKET, key: KEY } as const;

async function run(files: ReadonlyMap<string, Uint8Array>, options: Partial<PublishOptions> = {}): Promise<PublishResult> {
  const bundleDir = await writeBundle(files);
  return publish({ bundleDir, target, region: 'eu-west-1', ...options }, { sleep: noSleep });
}

async function seed(files: ReadonlyMap<string, Uint8Array>): Promise<string> {
  await run(files);
  s3.resetHistory();
  return bucket.object?.etag as string;
}

const puts = (): PutObjectCommandInput[] => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
const entriesOf = (input: PutObjectCommandInput): Map<string, Uint8Array> => readZip(input.Body as Uint8Array);
const sha256Base64 = (body: Uint8Array): string => createHash('sha256').update(body).digest('base64');
/** The documented content digest: sha256 over "<blob id> <path>\n" lines, sorted by path. */
const digestOf = (files: ReadonlyMap<string, Uint8Array>): string =>
  createHash('sha256')
    .update(
      [...files.keys()]
        .sort()
        .map((p) => `${gitBlobId(files.get(p) as Uint8Array)} ${p}\n`)
        .join(''),
    )
    .digest('hex');

const TWO_RECIPES = bundleFiles([
  { name: AL2023, version: '1.0.0' },
  { name: UBUNTU, version: '1.0.0' },
]);

/** The current object's entries, changed as someone editing the zip by hand would. */
function handEdited(change: (entries: Map<string, Uint8Array>) => void): Uint8Array {
  const entries = readZip(bucket.object?.body as Uint8Array);
  change(entries);
  return writeZip(entries);
}

describe('Function: publish (S3 source)', () => {
  it('uploads one deterministic zip of the bundle and the record, with its SHA-256, when no object exists', async () => {
    // Act
    const result = await run(TWO_RECIPES);

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(HeadObjectCommand, { Bucket: BUCKET, Key: KEY, ChecksumMode: 'ENABLED' });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    const [input] = puts() as [PutObjectCommandInput];
    const body = input.Body as Uint8Array;
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: KEY,
      ContentType: 'application/zip',
      IfNoneMatch: '*',
      ChecksumSHA256: sha256Base64(body),
      Metadata: {
        'bakery-content-sha256': digestOf(TWO_RECIPES),
        'bakery-zip-sha256': sha256Base64(body),
        'bakery-source-commit': SOURCE,
      },
    });
    const entries = entriesOf(input);
    expect([...entries.keys()]).toEqual([RECORD_PATH, ...[...TWO_RECIPES.keys()].sort()]);
    for (const [filePath, content] of TWO_RECIPES) expect(entries.get(filePath)).toEqual(content);
    expect(JSON.parse(new TextDecoder().decode(entries.get(RECORD_PATH)))).toMatchObject({ complete: true, files: blobIds(TWO_RECIPES) });
    expect(result).toMatchObject({ committed: true, objectVersionId: 'v1', plan: { base: null, writes: 1 } });
  });

  it('builds byte-identical zips from the same bundle', async () => {
    // Prepare
    await run(TWO_RECIPES);
    const first = bucket.object?.body as Uint8Array;
    bucket.object = null;
    s3.resetHistory();

    // Act
    await run(new Map([...TWO_RECIPES.entries()].reverse()));

    // Assess
    const second = (puts()[0] as PutObjectCommandInput).Body as Uint8Array;
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('uploads nothing and downloads nothing when the object is untouched and the bundle unchanged', async () => {
    // Prepare
    await seed(TWO_RECIPES);

    // Act
    const result = await run(TWO_RECIPES, { sourceCommit: 'ffffffffffffffffffffffffffffffffffffffff' });

    // Assess
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 1);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    expect(result).toMatchObject({ committed: false, plan: { add: [], change: [], delete: [], unchanged: 5, writes: 0 } });
  });

  it('compares the object by content, not by its metadata: a zip changed under copied metadata is read and its change found', async () => {
    // Prepare: someone replaces a template inside the zip and uploads it with publish's metadata,
    // the zip checksum entry set to the new body's checksum, so every claim matches the body.
    await seed(TWO_RECIPES);
    const entries = readZip(bucket.object?.body as Uint8Array);
    entries.set(`recipes/${AL2023}/template.yaml`, bytes('Resources: {Backdoor: {}}\n'));
    const body = writeZip(entries);
    const metadata = { ...(bucket.object?.metadata ?? {}), 'bakery-zip-sha256': sha256Base64(body) };
    bucket.object = { body, etag: '"tampered"', metadata, checksumSha256: sha256Base64(body) };

    // Act
    const result = await run(TWO_RECIPES, { force: true });

    // Assess: downloaded, the edit is drift, and the bundle is uploaded again over it
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(result.plan.drift).toEqual([{ path: `recipes/${AL2023}/template.yaml`, kind: 'modified' }]);
    expect(result.plan.change.map((f) => f.path)).toEqual([`recipes/${AL2023}/template.yaml`]);
    expect(entriesOf(puts()[0] as PutObjectCommandInput).get(`recipes/${AL2023}/template.yaml`)).toEqual(
      TWO_RECIPES.get(`recipes/${AL2023}/template.yaml`),
    );
  });

  it.each([
    {
      case: 'a changed recipe',
      next: bundleFiles([
        { name: AL2023, version: '1.1.0', template: '# hardened further\n' },
        { name: UBUNTU, version: '1.0.0' },
      ]),
      change: ['manifest.json', `recipes/${AL2023}/manifest.json`, `recipes/${AL2023}/template.yaml`],
      delete: [],
    },
    {
      case: 'a removed recipe',
      next: bundleFiles([{ name: AL2023, version: '1.0.0' }]),
      change: ['manifest.json'],
      delete: [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`],
    },
  ])('replaces the object for $case on the ETag it read, keeping entries publish never wrote', async (scenario) => {
    // Prepare
    await seed(TWO_RECIPES);
    bucket.uploadAs(handEdited((entries) => entries.set('README.md', bytes('# source bucket\n'))));
    const etag = bucket.object?.etag as string;

    // Act
    const result = await run(scenario.next);

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, { Bucket: BUCKET, Key: KEY, IfMatch: etag });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, { IfMatch: etag });
    const entries = entriesOf(puts()[0] as PutObjectCommandInput);
    expect([...entries.keys()]).toEqual([RECORD_PATH, 'README.md', ...[...scenario.next.keys()].sort()]);
    expect(result.plan.change.map((f) => f.path)).toEqual(scenario.change);
    expect(result.plan.delete).toEqual(scenario.delete);
  });

  it('refuses a zip changed by hand, listing the file, and replaces it with force', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    bucket.uploadAs(handEdited((entries) => entries.set(`recipes/${AL2023}/template.yaml`, bytes('# edited\n'))));
    const theirs = bucket.object?.etag as string;

    // Act
    const refused = await run(TWO_RECIPES).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(DriftDetectedError);
    expect((refused as DriftDetectedError).drift).toEqual([{ path: `recipes/${AL2023}/template.yaml`, kind: 'modified' }]);
    expect((refused as Error).message).toContain(`Refusing to publish to s3://${BUCKET}/${KEY}`);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);

    // Act
    await run(TWO_RECIPES, { force: true });

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, { IfMatch: theirs });
    expect(entriesOf(puts()[0] as PutObjectCommandInput).get(`recipes/${AL2023}/template.yaml`)).toEqual(
      TWO_RECIPES.get(`recipes/${AL2023}/template.yaml`),
    );
  });

  it('drops the bakery/ folder of bundle format 1 from the zip, keeping the README, and says why', async () => {
    // Prepare: the zip a format 1 seed left: the bakery stack template beside the recipes, unrecorded
    await seed(TWO_RECIPES);
    bucket.uploadAs(
      handEdited((entries) => {
        entries.set('bakery/bakery-stack.template.json', bytes('{"Resources":{}}\n'));
        entries.set('README.md', bytes('# AMI Bakery recipes\n'));
      }),
    );

    // Act
    const result = await run(TWO_RECIPES);

    // Assess
    expect(result.plan).toMatchObject({
      delete: ['bakery/bakery-stack.template.json'],
      obsolete: ['bakery/bakery-stack.template.json'],
      drift: [],
    });
    expect([...entriesOf(puts()[0] as PutObjectCommandInput).keys()].sort()).toEqual(
      [...TWO_RECIPES.keys(), RECORD_PATH, 'README.md'].sort(),
    );
    expect(formatPlan(result.plan)).toContain('Removed: bakery/bakery-stack.template.json: bundle format 1 carried the bakery stack there');
  });

  it('re-reads and retries when another upload lands between read and write (412 PreconditionFailed)', async () => {
    // Prepare
    const before = await seed(TWO_RECIPES);
    const next = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    let theirs = '';
    bucket.beforePut = (call) => {
      if (call === 1) {
        bucket.uploadAs(handEdited((entries) => entries.set('README.md', bytes('# uploaded meanwhile\n'))));
        theirs = bucket.object?.etag as string;
      }
    };

    // Act
    const result = await run(next);

    // Assess
    expect(puts().map((input) => input.IfMatch)).toEqual([before, theirs]);
    expect(result.attempts).toBe(2);
    expect([...readZip(bucket.object?.body as Uint8Array).keys()]).toContain('README.md');
  });

  it('gives up with ConcurrentUpdateError after maxRetries', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    bucket.beforePut = (call) => bucket.uploadAs(handEdited((entries) => entries.set(`notes/${call}.md`, bytes('busy\n'))));

    // Act
    const error = await run(bundleFiles([{ name: AL2023, version: '1.0.0' }]), { maxRetries: 1 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConcurrentUpdateError);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
  });

  it('refuses an object that is not a readable zip, and replaces it with force', async () => {
    // Prepare
    bucket.uploadAs(bytes('not a zip'));

    // Act
    const refused = await run(TWO_RECIPES).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(InvalidArchiveError);
    expect((refused as Error).message).toBe(
      `s3://${BUCKET}/${KEY} is not a readable bundle zip (Zip format: BUNDLE026: no end-of-central-directory record: this is not a zip archive), ` +
        'so changes made there cannot be checked. Restore a previous version of the object, or pass --force to replace it.',
    );

    // Act
    const forced = await run(TWO_RECIPES, { force: true });

    // Assess
    expect(forced.plan.drift).toEqual([{ path: KEY, kind: 'untracked' }]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
  });

  it('returns the plan of a dry run without uploading', async () => {
    // Prepare
    await seed(TWO_RECIPES);

    // Act
    const result = await run(bundleFiles([{ name: AL2023, version: '1.0.0' }]), { dryRun: true });

    // Assess
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    expect(result).toMatchObject({
      committed: false,
      dryRun: true,
      plan: { delete: [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`], writes: 1 },
    });
  });
});
