import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

const BUCKET = 'ami-bakery-source-111122223333';
const KEY = 'source/bundle.zip';

interface StoredObject {
  readonly body: Uint8Array;
  readonly etag: string;
  readonly metadata: Record<string, string>;
  readonly checksumSha256?: string;
}

function preconditionFailed(): S3ServiceException {
  return new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: 'At least one of the pre-conditions you specified did not hold',
  });
}

/** One S3 object served through aws-sdk-client-mock, with S3's conditional-write rules. */
class FakeBucket {
  object: StoredObject | null = null;
  #hook: ((call: number) => void) | undefined;
  #puts = 0;
  #versions = 0;

  /** Runs before each PutObject is applied, with the call number counted from when the hook was set. */
  set beforePut(hook: ((call: number) => void) | undefined) {
    this.#hook = hook;
    this.#puts = 0;
  }

  /** An upload by someone else (console, CLI): no publish metadata, no stored checksum. */
  uploadAs(body: Uint8Array): void {
    this.object = { body, etag: `"${createHash('md5').update(body).digest('hex')}"`, metadata: {} };
  }

  install(mock: AwsClientStub<S3Client>): void {
    mock.on(HeadObjectCommand).callsFake((input) => {
      const object = this.#find(input.Bucket, input.Key);
      return {
        ETag: object.etag,
        ContentLength: object.body.byteLength,
        Metadata: object.metadata,
        ...(input.ChecksumMode === 'ENABLED' && object.checksumSha256 ? { ChecksumSHA256: object.checksumSha256 } : {}),
      };
    });
    mock.on(GetObjectCommand).callsFake((input) => {
      const object = this.#find(input.Bucket, input.Key);
      if (input.IfMatch !== undefined && input.IfMatch !== object.etag) throw preconditionFailed();
      const body = object.body;
      return { ETag: object.etag, Metadata: object.metadata, Body: { transformToByteArray: async () => body } };
    });
    mock.on(PutObjectCommand).callsFake((input) => {
      this.#puts += 1;
      this.#hook?.(this.#puts);
      if (input.IfNoneMatch === '*' && this.object !== null) throw preconditionFailed();
      if (input.IfMatch !== undefined && input.IfMatch !== this.object?.etag) throw preconditionFailed();
      const body = input.Body as Uint8Array;
      if (input.ChecksumSHA256 !== createHash('sha256').update(body).digest('base64')) {
        throw new S3ServiceException({
          name: 'BadDigest',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'checksum mismatch',
        });
      }
      this.#versions += 1;
      this.object = {
        body,
        etag: `"${createHash('md5').update(body).digest('hex')}"`,
        metadata: { ...input.Metadata },
        checksumSha256: input.ChecksumSHA256,
      };
      return { ETag: this.object.etag, VersionId: `v${this.#versions}` };
    });
  }

  #find(bucket: string | undefined, key: string | undefined): StoredObject {
    if (bucket !== BUCKET || key !== KEY || this.object === null)
      throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    return this.object;
  }
}

export { BUCKET, FakeBucket, KEY, preconditionFailed };
