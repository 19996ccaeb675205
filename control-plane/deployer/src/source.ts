/**
 * The source artifact: the zip CodePipeline's Source action put in the artifact bucket. It is read
 * with the job's artifact credentials, unpacked within the bundle limits, and verified; any
 * problem means nothing is deployed.
 */

import { type BundleProblem, isSourceArtifactExtra, LIMITS, type LoadedBundle, loadBundle, unzipBundle } from '@ami-bakery/bundle';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type Clients, call, endpointOf } from './aws.js';
import type { PipelineJob } from './job.js';

/** The zip may not be larger than the bundle it holds may be. */
const MAX_ARTIFACT_BYTES = LIMITS.maxBundleBytes;

interface SourceResult {
  readonly bundle: LoadedBundle | undefined;
  readonly problems: readonly BundleProblem[];
}

async function readSourceBundle(clients: Clients, job: PipelineJob, stackPrefix: string): Promise<SourceResult> {
  const { bucket, key } = job.artifact;
  const s3 = clients.artifactS3(job.artifactCredentials);
  const object = await call('s3:GetObject', `${endpointOf(clients, 's3')} (s3://${bucket}/${key})`, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  if (object.ContentLength !== undefined && object.ContentLength > MAX_ARTIFACT_BYTES) {
    (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return {
      bundle: undefined,
      problems: [
        { id: 'BUNDLE020', message: `the source artifact has ${object.ContentLength} bytes; at most ${MAX_ARTIFACT_BYTES} are read` },
      ],
    };
  }
  const bytes = object.Body
    ? await call('s3:GetObject', `s3://${bucket}/${key} (reading the body)`, () =>
        (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      )
    : new Uint8Array();
  const unzipped = unzipBundle(bytes);
  if (unzipped.problems.length > 0) return { bundle: undefined, problems: unzipped.problems };
  return loadBundle(unzipped.files, { allowExtra: isSourceArtifactExtra, stackPrefix });
}

export { MAX_ARTIFACT_BYTES, readSourceBundle, type SourceResult };
