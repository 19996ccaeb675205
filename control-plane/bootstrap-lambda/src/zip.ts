import { writeZip } from '@ami-bakery/publisher';

interface ZipEntry {
  path: string;
  content: Buffer;
}

/**
 * The seed as the S3 source object, written by the publisher's zip writer so a seeded object and
 * a published one are the same bytes for the same files. Seed paths are unique by construction.
 */
function deterministicZip(entries: readonly ZipEntry[]): Buffer {
  const archive = writeZip(new Map(entries.map((entry) => [entry.path, entry.content])));
  return Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
}

export { deterministicZip, type ZipEntry };
