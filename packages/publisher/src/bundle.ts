import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { BundleNotFoundError, InvalidBundleError } from './errors.js';
import { comparePaths } from './paths.js';
import { type BundleManifest, type BundleProblem, type BundleRecipe, parseManifest, type RetiredRecipe, verifyBundle } from './verify.js';

/** A bundle as read from disk and verified: paths are relative, `/`-separated and sorted. */
interface Bundle {
  readonly dir: string;
  readonly manifest: BundleManifest;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const MANIFEST = 'manifest.json';
/**
 * Largest file read from a bundle: above CodeCommit's 6 MB per file, so the publisher can still
 * say which limit a file breaks; CloudFormation itself takes templates of up to 1 MB.
 */
const MAX_FILE_BYTES = 8 * 1_048_576;
const MAX_MANIFEST_BYTES = MAX_FILE_BYTES;

/**
 * Reads `dist/bundle` as path -> bytes and verifies it (`verifyBundle`): only regular files are
 * read, none larger than the limits, never through a symbolic link; every entry of manifest.json
 * must have its folder, per-recipe manifest and template with matching hashes, and nothing else
 * may be there. Every problem is named at once in `InvalidBundleError`.
 */
async function readBundle(bundleDir: string): Promise<Bundle> {
  const found = await listFiles(bundleDir);
  if (found === undefined || !found.some((f) => f.path === MANIFEST)) throw new BundleNotFoundError(bundleDir);
  const problems: BundleProblem[] = [];
  const files = new Map<string, Uint8Array>();
  for (const entry of found.sort((a, b) => comparePaths(a.path, b.path))) {
    if (!entry.regular) {
      problems.push({
        id: 'not-regular-file',
        path: entry.path,
        message: `${entry.path} is not a regular file (a link, a device or a FIFO); it was not read.`,
      });
      continue;
    }
    const limit = entry.path === MANIFEST ? MAX_MANIFEST_BYTES : MAX_FILE_BYTES;
    const read = readRegular(path.join(bundleDir, entry.path), limit);
    if (typeof read === 'string')
      problems.push({
        id: read === 'too-large' ? 'file-too-large' : 'not-regular-file',
        path: entry.path,
        message: `${entry.path} ${read === 'too-large' ? `is larger than ${limit} bytes` : 'could not be read as a regular file'}; it was not read.`,
      });
    else files.set(entry.path, read);
  }
  problems.push(...verifyBundle(files));
  const manifest = problems.length === 0 ? parseManifest(files.get(MANIFEST), []) : undefined;
  if (manifest === undefined) throw new InvalidBundleError(bundleDir, problems);
  return { dir: bundleDir, manifest, files };
}

/** The bytes of a regular file, without following a link or blocking on a FIFO; or why not. */
function readRegular(file: string, limit: number): Uint8Array | 'too-large' | 'not-regular' {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return 'not-regular';
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return 'not-regular';
    if (stat.size > limit) return 'too-large';
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) return 'too-large';
    return new Uint8Array(buffer.subarray(0, length));
  } finally {
    closeSync(fd);
  }
}

interface FoundFile {
  readonly path: string;
  readonly regular: boolean;
}

/** Every entry under `root` (links are listed, never followed); undefined when `root` is not a folder. */
async function listFiles(root: string, prefix = ''): Promise<FoundFile[] | undefined> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  } catch {
    if (prefix === '') return undefined;
    return [{ path: prefix, regular: false }];
  }
  const out: FoundFile[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...((await listFiles(root, relative)) ?? []));
    else out.push({ path: relative, regular: entry.isFile() });
  }
  return out;
}

export type { Bundle, BundleManifest, BundleRecipe, RetiredRecipe };
export { MAX_FILE_BYTES, readBundle };
