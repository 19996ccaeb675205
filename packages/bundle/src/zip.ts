/**
 * Reads a zip archive (the pipeline's source artifact) into path -> bytes, within the bundle's
 * limits: entry count, each entry's and the total uncompressed size are checked before anything is
 * inflated, and inflation itself is capped, so a zip bomb costs nothing. Never throws.
 */
import * as zlib from 'node:zlib';
import { LIMITS, type Limits } from './limits.js';
import { quote, unsafePathReason } from './names.js';
import { type BundleProblem, problem } from './problems.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of the zip format: Node's native one where it has it (20.15+), else this table. */
function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface UnzipResult {
  readonly files: Map<string, Uint8Array>;
  /** BUNDLE026 (archive), BUNDLE020 (too large), BUNDLE012 (unsafe names); empty when every entry was read. */
  readonly problems: BundleProblem[];
}

/** Path -> bytes of every file entry (folders skipped). With any problem, `files` is empty. */
function unzipBundle(archive: Uint8Array, limits: Partial<Limits> = {}): UnzipResult {
  try {
    return read(archive, { ...LIMITS, ...limits });
  } catch (error) {
    return {
      files: new Map(),
      problems: [problem('BUNDLE026', `the archive cannot be read: ${(error as Error)?.message ?? String(error)}`)],
    };
  }
}

function read(archive: Uint8Array, limits: Limits): UnzipResult {
  const fail = (message: string): UnzipResult => ({ files: new Map(), problems: [problem('BUNDLE026', message)] });
  const buffer = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const end = findEndOfCentralDirectory(buffer);
  if (end < 0) return fail('no end-of-central-directory record: this is not a zip archive');
  const count = buffer.readUInt16LE(end + 10);
  const centralSize = buffer.readUInt32LE(end + 12);
  const centralOffset = buffer.readUInt32LE(end + 16);
  if (count === 0xffff || centralOffset === 0xffffffff || centralSize === 0xffffffff)
    return fail('zip64 archives are not read (a bundle never needs one)');
  if (count > limits.maxFiles)
    return {
      files: new Map(),
      problems: [problem('BUNDLE020', `the archive holds ${count} entries; at most ${limits.maxFiles} are read`)],
    };
  if (centralOffset + centralSize > buffer.byteLength) return fail('the central directory lies outside the archive');

  // First pass: names and sizes only, so limits are checked before a single byte is inflated.
  interface Entry {
    name: string;
    method: number;
    crc: number;
    compressedSize: number;
    size: number;
    localOffset: number;
  }
  const entries: Entry[] = [];
  const problems: BundleProblem[] = [];
  const names = new Set<string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  let at = centralOffset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > buffer.byteLength || buffer.readUInt32LE(at) !== CENTRAL_HEADER)
      return fail(`central directory entry ${i + 1} is damaged`);
    const flags = buffer.readUInt16LE(at + 8);
    const method = buffer.readUInt16LE(at + 10);
    const crc = buffer.readUInt32LE(at + 16);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const localOffset = buffer.readUInt32LE(at + 42);
    if (at + 46 + nameLength > buffer.byteLength) return fail(`central directory entry ${i + 1} is truncated`);
    let name: string;
    try {
      name = decoder.decode(buffer.subarray(at + 46, at + 46 + nameLength));
    } catch {
      return fail(`the name of entry ${i + 1} is not UTF-8`);
    }
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 1) problems.push(problem('BUNDLE026', `${quote(name)} is encrypted`));
    if (method !== METHOD_STORE && method !== METHOD_DEFLATE)
      problems.push(problem('BUNDLE026', `${quote(name)} uses compression method ${method}; only store and deflate are read`));
    const unsafe = unsafePathReason(name);
    if (unsafe) problems.push(problem('BUNDLE012', `${quote(name)}: ${unsafe}`));
    if (names.has(name)) problems.push(problem('BUNDLE026', `${quote(name)} appears twice in the archive`));
    names.add(name);
    total += size;
    entries.push({ name, method, crc, compressedSize, size, localOffset });
  }
  if (total > limits.maxBundleBytes)
    problems.push(problem('BUNDLE020', `the archive unpacks to ${total} bytes; at most ${limits.maxBundleBytes} are read`));
  if (problems.length > 0) return { files: new Map(), problems };

  const files = new Map<string, Uint8Array>();
  for (const entry of entries) {
    const { name } = entry;
    if (entry.localOffset + 30 > buffer.byteLength || buffer.readUInt32LE(entry.localOffset) !== LOCAL_HEADER)
      return fail(`the local header of ${quote(name)} is damaged`);
    const dataStart = entry.localOffset + 30 + buffer.readUInt16LE(entry.localOffset + 26) + buffer.readUInt16LE(entry.localOffset + 28);
    const raw = buffer.subarray(dataStart, dataStart + entry.compressedSize);
    if (raw.byteLength !== entry.compressedSize) return fail(`${quote(name)} is truncated`);
    let data: Uint8Array;
    if (entry.method === METHOD_STORE) data = new Uint8Array(raw);
    else {
      try {
        // The declared size bounds the output: a stream that inflates beyond it is refused, not followed.
        data = new Uint8Array(zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) }));
      } catch (error) {
        return fail(`${quote(name)} does not inflate to its declared ${entry.size} bytes: ${(error as Error).message}`);
      }
    }
    if (data.byteLength !== entry.size || crc32(data) !== entry.crc) return fail(`${quote(name)} fails its size or CRC check`);
    files.set(name, data);
  }
  return { files, problems: [] };
}

function findEndOfCentralDirectory(buffer: Buffer): number {
  if (buffer.byteLength < 22) return -1;
  const lowest = Math.max(0, buffer.byteLength - 22 - 0xffff);
  for (let at = buffer.byteLength - 22; at >= lowest; at -= 1) {
    if (buffer.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return -1;
}

export { crc32, type UnzipResult, unzipBundle };
