import { crc32, formatProblems, unzipBundle } from '@ami-bakery/bundle';
import { ZipFormatError } from './errors.js';
import { comparePaths } from './paths.js';

/*
 * A small zip writer and reader for the S3 source object. The writer stores entries uncompressed:
 * deflate output depends on the zlib build (Node's zlib picks CPU-specific code paths), and the
 * bundle must give byte-identical archives everywhere. Bundles are a few hundred kilobytes of
 * text, so the size cost is small. The reader is the deployer's (`unzipBundle` of
 * `@ami-bakery/bundle`): it also inflates, because a zip put there by hand is usually deflated,
 * and checks sizes before inflating anything.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;
const FLAG_UTF8 = 0x0800;
const METHOD_STORE = 0;
// 1980-01-01 00:00:00, the earliest DOS date: any fixed stamp works, this one says "no date".
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
// Regular file, rw-r--r--: fixed so the archive does not depend on the umask of the machine.
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
const MAX_ENTRIES = 0xffff;
const MAX_SIZE = 0xffffffff;

/** Writes `entries` sorted by path, with fixed timestamps and modes: same input, same bytes. */
function writeZip(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const names = [...entries.keys()].sort(comparePaths);
  if (names.length > MAX_ENTRIES) throw new ZipFormatError(`${names.length} entries need zip64, which is not written`);
  const encoder = new TextEncoder();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const data = entries.get(name) as Uint8Array;
    if (data.byteLength > MAX_SIZE) throw new ZipFormatError(`${name} needs zip64, which is not written`);
    const nameBytes = encoder.encode(name);
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(METHOD_STORE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.byteLength, 18);
    local.writeUInt32LE(data.byteLength, 22);
    local.writeUInt16LE(nameBytes.byteLength, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, Buffer.from(nameBytes), Buffer.from(data));

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(METHOD_STORE, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.byteLength, 20);
    central.writeUInt32LE(data.byteLength, 24);
    central.writeUInt16LE(nameBytes.byteLength, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, Buffer.from(nameBytes));

    offset += 30 + nameBytes.byteLength + data.byteLength;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.byteLength, 0);
  if (offset > MAX_SIZE) throw new ZipFormatError('the archive needs zip64, which is not written');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}

/** Reads every file entry (folders skipped) as path → bytes, within the bundle limits, checking each CRC. */
function readZip(archive: Uint8Array): Map<string, Uint8Array> {
  const { files, problems } = unzipBundle(archive);
  if (problems.length > 0) throw new ZipFormatError(formatProblems(problems));
  return files;
}

export { crc32, readZip, writeZip };
