import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type BundleManifestV2, type BundleProblem, LIMITS, loadBundle, MANIFEST_PATH } from '@ami-bakery/bundle';
import { BundleNotFoundError, InvalidBundleError } from './errors.js';
import { comparePaths } from './paths.js';

/** A bundle as read from disk and verified: paths are relative, `/`-separated and sorted. */
interface Bundle {
  readonly dir: string;
  readonly manifest: BundleManifestV2;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const MANIFEST = MANIFEST_PATH;
/**
 * Largest file read from a bundle: the manifest limit of the format (no file of a bundle may be
 * larger; a template may hold at most LIMITS.maxTemplateBytes, which the verifier checks).
 */
const MAX_FILE_BYTES = LIMITS.maxManifestBytes;
const MAX_MANIFEST_BYTES = MAX_FILE_BYTES;

/**
 * Reads `dist/bundle` as path -> bytes and verifies it as the deployer does (`loadBundle` of
 * `@ami-bakery/bundle`): only regular files are read, none larger than the limits, never through a
 * symbolic link; every entry of manifest.json must have its per-recipe manifest and template with
 * matching hashes, templates must be ones the deployer takes, and nothing else may be there. Every
 * problem is named at once in `InvalidBundleError`, with the format's ids (BUNDLE001-BUNDLE028).
 */
async function readBundle(bundleDir: string): Promise<Bundle> {
  const found = await listFiles(bundleDir);
  if (found === undefined || !found.some((f) => f.path === MANIFEST)) throw new BundleNotFoundError(bundleDir);
  const problems: BundleProblem[] = [];
  const files = new Map<string, Uint8Array>();
  for (const entry of found.sort((a, b) => comparePaths(a.path, b.path))) {
    if (!entry.regular) {
      problems.push({
        id: 'BUNDLE012',
        path: entry.path,
        message: 'not a regular file (a link, a device or a FIFO); it was not read',
      });
      continue;
    }
    const limit = entry.path === MANIFEST ? MAX_MANIFEST_BYTES : MAX_FILE_BYTES;
    const read = readRegular(path.join(bundleDir, entry.path), limit);
    if (typeof read === 'string')
      problems.push({
        id: read === 'too-large' ? 'BUNDLE028' : 'BUNDLE012',
        path: entry.path,
        message:
          read === 'too-large' ? `larger than ${limit} bytes; it was not read` : 'could not be read as a regular file; it was not read',
      });
    else files.set(entry.path, read);
  }
  const loaded = loadBundle(files);
  problems.push(...loaded.problems);
  if (problems.length > 0 || loaded.bundle === undefined) throw new InvalidBundleError(bundleDir, problems);
  return { dir: bundleDir, manifest: loaded.bundle.manifest, files };
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

export type { Bundle };
export { MAX_FILE_BYTES, readBundle };
