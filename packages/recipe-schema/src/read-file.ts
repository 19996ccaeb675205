/**
 * The one way the toolchain reads an input file (a recipe, a component document, a generator
 * table, a template named on the command line, a source shown in an excerpt). Only what belongs
 * to the workspace is read:
 *
 * - the file, after every symbolic link in its path is resolved, lies inside `root` (the recipe
 *   folder, or the workspace for a file named on the command line);
 * - it is a regular file: a folder, a device (`/dev/zero`), a FIFO or a socket is never read,
 *   and nothing blocks on opening it (`O_NONBLOCK`, then `fstat` on what was opened);
 * - it holds at most `maxBytes` (default {@link MAX_INPUT_BYTES}); a larger one is not read;
 * - its text is UTF-8: an invalid byte is reported at its line and column, never replaced.
 *
 * Anything else is a {@link ReadProblem}, which {@link readProblemFinding} turns into a finding
 * that names the path the author gave, never the link's target or any of its content.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { ENGINE_RULES } from './rules/meta.js';
import type { Finding, Position, RuleMeta } from './types.js';

/** Largest input file read: 1 MiB. Recipes and component documents are a few kilobytes. */
export const MAX_INPUT_BYTES = 1_048_576;

export type ReadProblem =
  /** Nothing at the path (or a link to nothing). */
  | { kind: 'missing' }
  /** A symbolic link in the path leads outside `root`. */
  | { kind: 'outside' }
  /** Something other than a regular file. */
  | { kind: 'not-regular'; type: 'folder' | 'device' | 'fifo' | 'socket' | 'other' }
  | { kind: 'too-large'; size: number; limit: number }
  /** Permissions and the like; `code` is the errno name. */
  | { kind: 'unreadable'; code: string }
  /** Not UTF-8: the first invalid byte, 1-based line and column (in characters of the valid text before it). */
  | { kind: 'encoding'; offset: number; position: Position };

export type ReadOutcome = { ok: true; bytes: Buffer; text: string } | { ok: false; problem: ReadProblem };

export interface ReadOptions {
  /** The folder the file must lie in once links are resolved. */
  root: string;
  /** Default {@link MAX_INPUT_BYTES}. */
  maxBytes?: number;
}

/** Reads `absolute` as UTF-8 text if it belongs to `root` (see the module comment). Never throws for the file. */
export function readInputFile(absolute: string, options: ReadOptions): ReadOutcome {
  const opened = openInside(absolute, options);
  if (!opened.ok) return opened;
  const decoded = decodeUtf8(opened.bytes);
  if (typeof decoded !== 'string') return { ok: false, problem: decoded };
  return { ok: true, bytes: opened.bytes, text: decoded };
}

/** The bytes of `absolute`, under the same rules but without decoding (for files hashed as bytes). */
export function readInputBytes(absolute: string, options: ReadOptions): { ok: true; bytes: Buffer } | { ok: false; problem: ReadProblem } {
  return openInside(absolute, options);
}

function openInside(absolute: string, options: ReadOptions): { ok: true; bytes: Buffer } | { ok: false; problem: ReadProblem } {
  const limit = options.maxBytes ?? MAX_INPUT_BYTES;
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (error) {
    return { ok: false, problem: errnoProblem(error) };
  }
  if (!isInside(real, realRoot(options.root))) return { ok: false, problem: { kind: 'outside' } };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once; fstat below then refuses it.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Opening a socket file fails with ENXIO; a link swapped in after realpath with ELOOP.
    if (code === 'ENXIO') return { ok: false, problem: { kind: 'not-regular', type: 'socket' } };
    if (code === 'ELOOP') return { ok: false, problem: { kind: 'outside' } };
    return { ok: false, problem: errnoProblem(error) };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, problem: { kind: 'not-regular', type: typeOf(stat) } };
    if (stat.size > limit) return { ok: false, problem: { kind: 'too-large', size: stat.size, limit } };
    // The file may grow while it is read: read at most one byte past the limit to notice.
    const buffer = Buffer.allocUnsafe(Math.min(limit + 1, stat.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) break;
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) return { ok: false, problem: { kind: 'too-large', size: length, limit } };
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, problem: errnoProblem(error) };
  } finally {
    closeSync(fd);
  }
}

const roots = new Map<string, string>();

function realRoot(root: string): string {
  const resolved = path.resolve(root);
  let real = roots.get(resolved);
  if (real === undefined) {
    try {
      real = realpathSync(resolved);
    } catch {
      real = resolved;
    }
    if (roots.size > 256) roots.clear();
    roots.set(resolved, real);
  }
  return real;
}

export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}

function typeOf(stat: Stats): 'folder' | 'device' | 'fifo' | 'socket' | 'other' {
  if (stat.isDirectory()) return 'folder';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  return 'other';
}

function errnoProblem(error: unknown): ReadProblem {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'EISDIR') return { kind: 'not-regular', type: 'folder' };
  return { kind: 'unreadable', code };
}

const DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text, or where the first byte that is not UTF-8 sits. */
export function decodeUtf8(bytes: Uint8Array): string | ReadProblem {
  try {
    return DECODER.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const before = DECODER.decode(bytes.subarray(lineStart, offset));
    return { kind: 'encoding', offset, position: { line, column: before.length + 1 } };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

const WHAT: Record<Extract<ReadProblem, { kind: 'not-regular' }>['type'], string> = {
  folder: 'a folder',
  device: 'a device',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  other: 'not a regular file',
};

/** The rule a problem is reported under; undefined for a missing file (callers report that their own way). */
export function readProblemRule(problem: ReadProblem): RuleMeta | undefined {
  switch (problem.kind) {
    case 'missing':
      return undefined;
    case 'outside':
    case 'not-regular':
      return ENGINE_RULES.notRegularFile;
    case 'too-large':
      return ENGINE_RULES.fileTooLarge;
    case 'encoding':
      return ENGINE_RULES.invalidEncoding;
    case 'unreadable':
      return ENGINE_RULES.unreadable;
  }
}

/**
 * What is wrong, in one sentence about `display` (the path the author gave). `scope` names the
 * folder the file had to stay in ("the recipe folder", "the workspace").
 */
export function describeReadProblem(problem: ReadProblem, display: string, scope = 'the recipe folder'): string {
  switch (problem.kind) {
    case 'missing':
      return `There is no file ${display}; check the path.`;
    case 'outside':
      return `${display} is a symbolic link that leads outside ${scope}; it was not read. Replace it with a regular file inside ${scope}.`;
    case 'not-regular':
      return `${display} is ${WHAT[problem.type]}, not a regular file; it was not read. Replace it with a regular file.`;
    case 'too-large':
      return `${display} holds more than ${problem.limit.toLocaleString('en-US')} bytes, the most bakery reads from one input file; it was not read. Make it smaller (recipes and component documents are a few kilobytes).`;
    case 'unreadable':
      return `Cannot read ${display} (${problem.code}); check its permissions.`;
    case 'encoding':
      return `${display} is not UTF-8: the byte at offset ${problem.offset} (line ${problem.position.line}) is not part of a valid UTF-8 character. Save the file as UTF-8; bakery never replaces such bytes silently.`;
  }
}

/** A finding on `display` for a problem; the encoding problem points at its line and column. */
export function readProblemFinding(problem: ReadProblem, display: string, scope?: string): Finding {
  const rule = readProblemRule(problem) ?? ENGINE_RULES.unreadable;
  const start = problem.kind === 'encoding' ? problem.position : { line: 1, column: 1 };
  return {
    ruleId: rule.id,
    slug: rule.slug,
    severity: rule.severity,
    message: describeReadProblem(problem, display, scope),
    file: display,
    range: { start, end: { line: start.line, column: start.column + 1 } },
    path: [],
    source: 'bakery',
  };
}
