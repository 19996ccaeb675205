import { inflateRawSync } from 'node:zlib';
import { ZipFormatError } from './errors.js';
import { comparePaths } from './paths.js';

/*
 * A small zip writer and reader for the S3 source object. The writer stores entries uncompressed:
 * deflate output depends on the zlib build (Node's zlib picks CPU-specific code paths), and the
 * bundle must give byte-identical archives everywhere. Bundles are a few hundred kilobytes of
 * text, so the size cost is small. The reader also inflates, because a zip put there by hand is
 * usually deflated.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;
const FLAG_UTF8 = 0x0800;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
// 1980-01-01 00:00:00, the earliest DOS date: any fixed stamp works, this one says "no date".
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
// Regular file, rw-r--r--: fixed so the archive does not depend on the umask of the machine.
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
const MAX_ENTRIES = 0xffff;
const MAX_SIZE = 0xffffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

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

/** Reads every file entry (folders skipped) as path → bytes, checking each CRC. */
function readZip(archive: Uint8Array): Map<string, Uint8Array> {
  const buffer = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const endOffset = findEndOfCentralDirectory(buffer);
  const count = buffer.readUInt16LE(endOffset + 10);
  const centralOffset = buffer.readUInt32LE(endOffset + 16);
  if (count === 0xffff || centralOffset === 0xffffffff) throw new ZipFormatError('zip64 archives are not supported');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, Uint8Array>();
  let at = centralOffset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > buffer.byteLength || buffer.readUInt32LE(at) !== CENTRAL_HEADER)
      throw new ZipFormatError('the central directory is damaged');
    const flags = buffer.readUInt16LE(at + 8);
    const method = buffer.readUInt16LE(at + 10);
    const crc = buffer.readUInt32LE(at + 16);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const localOffset = buffer.readUInt32LE(at + 42);
    const name = decoder.decode(buffer.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw new ZipFormatError(`${name} is encrypted`);
    if (localOffset + 30 > buffer.byteLength || buffer.readUInt32LE(localOffset) !== LOCAL_HEADER) {
      throw new ZipFormatError(`the local header of ${name} is damaged`);
    }
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    const raw = buffer.subarray(dataStart, dataStart + compressedSize);
    if (raw.byteLength !== compressedSize) throw new ZipFormatError(`${name} is truncated`);
    let data: Uint8Array;
    if (method === METHOD_STORE) data = new Uint8Array(raw);
    else if (method === METHOD_DEFLATE) data = new Uint8Array(inflateRawSync(raw));
    else throw new ZipFormatError(`${name} uses compression method ${method}; only store and deflate are read`);
    if (data.byteLength !== size || crc32(data) !== crc) throw new ZipFormatError(`${name} fails its CRC check`);
    entries.set(name, data);
  }
  return entries;
}

function findEndOfCentralDirectory(buffer: Buffer): number {
  const lowest = Math.max(0, buffer.byteLength - 22 - 0xffff);
  for (let at = buffer.byteLength - 22; at >= lowest; at -= 1) {
    if (buffer.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new ZipFormatError('no end of central directory record (not a zip file)');
}

export { crc32, readZip, writeZip };
