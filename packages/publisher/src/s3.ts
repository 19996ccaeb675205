import { GetObjectCommand, HeadObjectCommand, type HeadObjectOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CallContext, call, errorName } from './aws.js';
import type { Bundle } from './bundle.js';
import { ConcurrentUpdateError, DriftDetectedError, type DriftEntry, InvalidArchiveError, ZipFormatError } from './errors.js';
import { gitBlobId, sha256Base64 } from './hash.js';
import { isFormat1Leftover } from './paths.js';
import { type BundleFile, diffBundle, hasChanges, makePlan, refusePartial, type TargetState } from './plan.js';
import { contentDigest, type PublishRecord, parseRecord, RECORD_PATH, serializeRecord } from './record.js';
import type { PublishResult, S3Target } from './types.js';
import { readZip, writeZip } from './zip.js';

/** Object metadata publish sets (S3 stores user metadata keys in lower case). */
const METADATA_CONTENT = 'bakery-content-sha256';
const METADATA_ZIP = 'bakery-zip-sha256';
const METADATA_SOURCE = 'bakery-source-commit';

interface S3Publish {
  readonly client: S3Client;
  readonly target: S3Target;
  readonly bundle: Bundle;
  readonly files: ReadonlyMap<string, BundleFile>;
  readonly sourceCommit: string | null;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly maxRetries: number;
  readonly allowDelete: boolean;
  readonly context: CallContext;
  readonly backoff: (attempt: number) => Promise<void>;
}

/** Another writer replaced the object between our read and our write. */
const RACE_ERRORS = ['PreconditionFailed', 'ConditionalRequestConflict'];

function targetName(target: S3Target): string {
  return `s3://${target.bucket}/${target.key}`;
}

const MISSING_OBJECT_HINT = (bucket: string): string =>
  `S3 also answers 403 instead of 404 for an object that does not exist yet when s3:ListBucket on ${bucket} is not granted, so the first publish needs it too`;

/**
 * Publishes the bundle as one zip object. Drift is checked the way CodeCommit's is: the record
 * inside the current zip lists what publish wrote, and the zip's entries are compared with it.
 * To avoid downloading on every run, an object whose SHA-256 still equals the one publish
 * stored in its metadata is known to be untouched; only a changed bundle or a touched object is
 * downloaded. The write is conditional on the ETag read, so a concurrent upload is never lost.
 */
async function publishToS3(job: S3Publish): Promise<PublishResult> {
  const published = Object.fromEntries([...job.files.values()].map((f) => [f.path, f.blobId]));
  const digest = contentDigest(published);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { state, foreign } = await readObject(job, published);
      const diff = diffBundle(job.files, state);
      const plan = makePlan({
        target: targetName(job.target),
        bundle: job.bundle,
        state,
        diff,
        sourceCommit: job.sourceCommit,
        force: job.force,
        writes: 1,
        allowDelete: job.allowDelete,
      });
      const done = (committed: boolean, versionId?: string): PublishResult => ({
        plan,
        committed,
        dryRun: job.dryRun,
        attempts: attempt,
        commitIds: [],
        ...(versionId ? { objectVersionId: versionId } : {}),
      });
      if (job.dryRun) return done(false);
      if (plan.drift.length > 0 && !job.force) throw new DriftDetectedError(plan.target, plan.drift);
      refusePartial(plan);
      if (!hasChanges(diff)) return done(false);

      const body = zipFor(job, published, job.sourceCommit, foreign);
      const checksum = sha256Base64(body);
      const output = await call(
        job.context,
        { action: 's3:PutObject', resource: plan.target, expected: RACE_ERRORS, client: job.client },
        (options) =>
          job.client.send(
            new PutObjectCommand({
              Bucket: job.target.bucket,
              Key: job.target.key,
              Body: body,
              ContentType: 'application/zip',
              ChecksumSHA256: checksum,
              Metadata: { [METADATA_CONTENT]: digest, [METADATA_ZIP]: checksum, [METADATA_SOURCE]: job.sourceCommit ?? 'unknown' },
              ...(state.base !== null ? { IfMatch: state.base } : { IfNoneMatch: '*' }),
            }),
            options,
          ),
      );
      return done(true, output.VersionId);
    } catch (error) {
      const name = errorName(error);
      if (name === undefined || !RACE_ERRORS.includes(name)) throw error;
      if (attempt > job.maxRetries) throw new ConcurrentUpdateError(targetName(job.target), attempt, { cause: error });
      await job.backoff(attempt);
    }
  }
}

interface ObjectState {
  readonly state: TargetState;
  /** Entries publish never wrote, carried into the new zip as a commit would leave them alone. */
  readonly foreign: ReadonlyMap<string, Uint8Array>;
}

/** Largest S3 source object read back: a bundle of a thousand recipes is a few megabytes. */
const MAX_OBJECT_BYTES = 256 * 1024 * 1024;

/** The zip publish uploads: the bundle, the record of it, and the entries publish never wrote. */
function zipFor(
  job: S3Publish,
  published: Readonly<Record<string, string>>,
  sourceCommit: string | null,
  foreign: ReadonlyMap<string, Uint8Array>,
): Uint8Array {
  const record: PublishRecord = { formatVersion: 1, complete: true, sourceCommit, recipes: job.bundle.manifest.recipes, files: published };
  const entries = new Map<string, Uint8Array>(foreign);
  for (const file of job.files.values()) entries.set(file.path, file.content);
  entries.set(RECORD_PATH, serializeRecord(record));
  return writeZip(entries);
}

async function readObject(job: S3Publish, published: Readonly<Record<string, string>>): Promise<ObjectState> {
  const { bucket, key } = job.target;
  const resource = targetName(job.target);
  let head: HeadObjectOutput;
  try {
    head = await call(
      job.context,
      {
        action: 's3:GetObject',
        resource,
        expected: ['NotFound', 'NoSuchKey'],
        deniedHint: MISSING_OBJECT_HINT(bucket),
        client: job.client,
      },
      (options) => job.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), options),
    );
  } catch (error) {
    const name = errorName(error);
    if (name === 'NotFound' || name === 'NoSuchKey') return { state: { base: null, current: new Map(), record: null }, foreign: new Map() };
    throw error;
  }
  const etag = head.ETag ?? null;
  // Compared by content: the SHA-256 S3 computed and checked when the object was uploaded, against
  // the zip publish writes for this bundle. The metadata is only a hint for which source commit
  // the record inside names; a zip changed under copied metadata never matches.
  const recordedSource = head.Metadata?.[METADATA_SOURCE];
  const sourceCommit = recordedSource === undefined || recordedSource === 'unknown' ? null : recordedSource;
  if (head.ChecksumSHA256 !== undefined && head.ChecksumSHA256 === sha256Base64(zipFor(job, published, sourceCommit, new Map()))) {
    // The object is byte for byte what publish writes for this very content: nothing to read.
    const current = new Map(Object.entries(published));
    return {
      state: { base: etag, current, record: { formatVersion: 1, complete: true, sourceCommit, recipes: [], files: published } },
      foreign: new Map(),
    };
  }
  if (head.ContentLength !== undefined && head.ContentLength > MAX_OBJECT_BYTES) {
    throw new InvalidArchiveError(resource, `it is ${head.ContentLength} bytes, more than the ${MAX_OBJECT_BYTES} a bundle zip may take`);
  }

  const output = await call(job.context, { action: 's3:GetObject', resource, expected: RACE_ERRORS, client: job.client }, (options) =>
    job.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(etag !== null ? { IfMatch: etag } : {}) }), options),
  );
  const archive = output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
  let entries: Map<string, Uint8Array>;
  try {
    entries = readZip(archive);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    if (!job.force) throw new InvalidArchiveError(resource, error.message, { cause: error });
    // Forced: the whole unreadable object is replaced, and the plan says so.
    const drift: DriftEntry[] = [{ path: key, kind: 'untracked' }];
    return { state: { base: etag, current: new Map(), record: null, drift }, foreign: new Map() };
  }
  const recordBytes = entries.get(RECORD_PATH);
  const record = recordBytes ? parseRecord(`${RECORD_PATH} inside ${resource}`, recordBytes) : null;
  const current = new Map<string, string>();
  const foreign = new Map<string, Uint8Array>();
  for (const [entryPath, content] of entries) {
    if (entryPath === RECORD_PATH) continue;
    current.set(entryPath, gitBlobId(content));
    // Bundle format 1's bakery/ folder is never carried over (the plan deletes it).
    if (!job.files.has(entryPath) && !(record && Object.hasOwn(record.files, entryPath)) && !isFormat1Leftover(entryPath))
      foreign.set(entryPath, content);
  }
  return { state: { base: etag, current, record }, foreign };
}

export type { S3Publish };
export { METADATA_CONTENT, METADATA_SOURCE, METADATA_ZIP, publishToS3, targetName as s3TargetName };
