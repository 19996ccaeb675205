import { createHash } from 'node:crypto';

/**
 * The id git gives a blob: sha1 of `blob <length>\0<bytes>`. CodeCommit lists these ids, so
 * comparing them tells which files changed without downloading any file.
 */
function gitBlobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

function sha256Hex(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The form S3 expects in `ChecksumSHA256` and returns from HeadObject. */
function sha256Base64(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('base64');
}

export { gitBlobId, sha256Base64, sha256Hex };
