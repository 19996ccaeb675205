import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readZip, writeZip, ZipFormatError } from '../src/index.js';
import { crc32 } from '../src/zip.js';
import { bytes } from './helpers/bundle.js';

/** A one-entry zip compressed with deflate, as zip tools write them. */
function deflatedZip(name: string, content: Uint8Array): Uint8Array {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc32(content), 14);
  local.writeUInt32LE(data.byteLength, 18);
  local.writeUInt32LE(content.byteLength, 22);
  local.writeUInt16LE(nameBytes.byteLength, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(content), 16);
  central.writeUInt32LE(data.byteLength, 20);
  central.writeUInt32LE(content.byteLength, 24);
  central.writeUInt16LE(nameBytes.byteLength, 28);
  const centralOffset = local.byteLength + nameBytes.byteLength + data.byteLength;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.byteLength + nameBytes.byteLength, 12);
  end.writeUInt32LE(centralOffset, 16);
  return new Uint8Array(Buffer.concat([local, nameBytes, data, central, nameBytes, end]));
}

describe('Function: writeZip', () => {
  it('writes the same bytes for the same entries, whatever their insertion order', () => {
    // Prepare
    const one = new Map([
      ['b/two.txt', bytes('two')],
      ['a.txt', bytes('one')],
    ]);
    const other = new Map([...one.entries()].reverse());

    // Act
    const first = writeZip(one);
    const second = writeZip(other);

    // Assess
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect([...readZip(first).keys()]).toEqual(['a.txt', 'b/two.txt']);
  });

  it('stores fixed timestamps and file modes, so the archive does not depend on the machine', () => {
    // Act
    const archive = Buffer.from(writeZip(new Map([['a.txt', bytes('one')]])));

    // Assess: local header time/date, central header time/date and external attributes.
    expect([archive.readUInt16LE(10), archive.readUInt16LE(12)]).toEqual([0, 0x21]);
    const central = archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect([archive.readUInt16LE(central + 12), archive.readUInt16LE(central + 14)]).toEqual([0, 0x21]);
    expect(archive.readUInt32LE(central + 38)).toBe((0o100644 << 16) >>> 0);
  });

  it('round-trips binary content', () => {
    // Prepare
    const content = new Uint8Array(4096).map((_, i) => (i * 31) % 256);

    // Act
    const entries = readZip(writeZip(new Map([['bin/data', content]])));

    // Assess
    expect(entries.get('bin/data')).toEqual(content);
  });
});

describe('Function: readZip', () => {
  it('reads deflated entries written by other zip tools', () => {
    // Act
    const entries = readZip(deflatedZip('README.md', bytes('# hand-made\n'.repeat(20))));

    // Assess
    expect(new TextDecoder().decode(entries.get('README.md'))).toBe('# hand-made\n'.repeat(20));
  });

  it.each([
    {
      case: 'not a zip',
      archive: bytes('hello, this is text'),
      problem: 'Zip format: BUNDLE026: no end-of-central-directory record: this is not a zip archive',
    },
    {
      case: 'empty',
      archive: new Uint8Array(),
      problem: 'Zip format: BUNDLE026: no end-of-central-directory record: this is not a zip archive',
    },
    {
      case: 'damaged content',
      archive: (() => {
        const archive = writeZip(new Map([['a.txt', bytes('one')]]));
        archive[30 + 'a.txt'.length] = 'X'.charCodeAt(0);
        return archive;
      })(),
      problem: 'Zip format: BUNDLE026: "a.txt" fails its size or CRC check',
    },
  ])('refuses an archive that is $case', ({ archive, problem }) => {
    // Act & Assess
    expect(() => readZip(archive)).toThrow(ZipFormatError);
    expect(() => readZip(archive)).toThrow(problem);
  });
});

describe('Function: crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
  });
});
