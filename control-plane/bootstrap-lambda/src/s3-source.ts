import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { call, httpStatus, sdkErrorName } from './aws.js';
import { ArtifactBucketError } from './errors.js';
import type { Log } from './log.js';
import type { SeedBundle, SeedOutcome } from './seed.js';
import type { BakerySession } from './session.js';
import { deterministicZip } from './zip.js';

function isMissing(error: unknown): boolean {
  const name = sdkErrorName(error);
  return name === 'NotFound' || name === 'NoSuchKey' || httpStatus(error) === 404;
}

/**
 * Uploads the seed as the pipeline's S3 source object unless one is already there: an existing
 * object is a published bundle and must not be replaced by the (older) packaged seed.
 */
async function seedS3Source(
  session: BakerySession,
  bucket: string,
  key: string,
  bundle: SeedBundle,
  signal: AbortSignal,
  log: Log,
): Promise<SeedOutcome> {
  try {
    await call('s3:GetObject', `${session.where} (s3://${bucket}/${key})`, () =>
      session.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
    );
    log.info('Source object already exists; leaving it alone', { bucket, key });
    return 'kept';
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const body = deterministicZip(bundle.files);
  try {
    await call('s3:PutObject', `${session.where} (s3://${bucket}/${key})`, () =>
      session.s3.send(
        // If-None-Match closes the gap between the HEAD and the PUT: a concurrent publish wins.
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/zip', IfNoneMatch: '*' }),
        { abortSignal: signal },
      ),
    );
  } catch (error) {
    if (sdkErrorName(error) === 'PreconditionFailed' || httpStatus(error) === 412) {
      log.info('Source object appeared meanwhile; leaving it alone', { bucket, key });
      return 'kept';
    }
    throw error;
  }
  log.info('Uploaded the seed source object', { bucket, key, bytes: body.length, files: bundle.files.length });
  return 'seeded';
}

/**
 * Deletes every object version and delete marker, page by page, so CloudFormation can delete the
 * versioned bucket. A bucket that is already gone counts as empty.
 */
async function emptyBucket(session: BakerySession, bucket: string, signal: AbortSignal, log: Log): Promise<number> {
  const where = `${session.where} (s3://${bucket})`;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  let deleted = 0;
  for (;;) {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await call('s3:ListBucketVersions', where, () =>
        session.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }), {
          abortSignal: signal,
        }),
      );
    } catch (error) {
      if (sdkErrorName(error) === 'NoSuchBucket') {
        log.info('Artifact bucket already gone', { bucket });
        return deleted;
      }
      throw error;
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key !== undefined)
      .map((v) => ({ Key: v.Key as string, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
    if (objects.length > 0) {
      const out = await call('s3:DeleteObjectVersion', where, () =>
        session.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }), { abortSignal: signal }),
      );
      const errors = out.Errors ?? [];
      if (errors.length > 0) {
        const sample = errors
          .slice(0, 3)
          .map((e) => `${e.Key}@${e.VersionId ?? 'null'}: ${e.Code} ${e.Message ?? ''}`.trim())
          .join('; ');
        throw new ArtifactBucketError(
          `Could not empty artifact bucket ${bucket} in ${session.where}: ${errors.length} object version(s) were not deleted (${sample}). Grant s3:DeleteObjectVersion on the bucket, then retry.`,
        );
      }
      deleted += objects.length;
    }
    if (!page.IsTruncated) break;
    if (!page.NextKeyMarker)
      throw new ArtifactBucketError(`s3:ListObjectVersions on ${bucket} reported more pages but no marker; retry the stack operation.`);
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
  log.info('Emptied the artifact bucket', { bucket, deleted });
  return deleted;
}

export { emptyBucket, seedS3Source };
