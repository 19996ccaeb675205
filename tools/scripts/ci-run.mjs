#!/usr/bin/env node
// The test part of .ci/run: the whole suite (tools/scripts/test-all.mjs: typecheck and test of every
// project) once on this machine's Node.js and once on the Node.js the Lambdas run on (24, taken
// from the npm registry into .node/ by tools/scripts/local-node.mjs), every task run rather than
// replayed from the Nx cache. Prints each run's counts and time, then the one closing line CI
// reads, "N passed, N failed, N skipped", over both runs. Exit 0 only when both runs pass.
//
// Plain JavaScript: it starts before anything can compile TypeScript.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CI_NODE_VERSION, ensureLocalNode, nodeVersionOf, WORKSPACE_ROOT } from './local-node.mjs';

/** `6m 02s`, or `45s` under a minute. */
export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/**
 * The runs to make: this machine's Node, then `CI_NODE_VERSION` unless this machine already runs
 * exactly that version (one run then covers both).
 */
export function planRuns(machineVersion, ciVersion = CI_NODE_VERSION) {
  const runs = [{ label: 'this machine', binDir: undefined }];
  if (machineVersion !== `v${ciVersion}`) runs.push({ label: `Node.js ${ciVersion} from the npm registry`, binDir: 'local' });
  return runs;
}

/**
 * The closing line over every run's counts. A run whose counts are missing (it crashed before
 * writing them) counts as one failure, so the line never reads as a pass.
 */
export function closingLine(results) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const { counts } of results) {
    if (!counts) {
      failed += 1;
      continue;
    }
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
  }
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/** One line per run for the summary block. */
export function runLine(index, { label, counts, ms }) {
  const what = counts
    ? `${counts.passed} tests passed, ${counts.failed} failed, ${counts.skipped} skipped${counts.ok ? '' : ` (run failed${counts.missing.length > 0 ? `; no report from ${counts.missing.join(', ')}` : ''})`}`
    : 'no counts (the run stopped before the end)';
  return `Run ${index + 1}: Node.js ${counts?.node ?? '?'} (${label}): ${what}, ${formatDuration(ms)}`;
}

/**
 * Runs the suite once per planned Node and prints the summary; returns the exit code. The options
 * exist for the tests of this script (a stand-in suite, another version, another root).
 */
export function main({
  testScript = path.join(WORKSPACE_ROOT, 'tools/scripts/test-all.mjs'),
  ciVersion = CI_NODE_VERSION,
  root = WORKSPACE_ROOT,
  log = (line) => console.log(line),
} = {}) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bakery-ci-run-'));
  const started = Date.now();
  const results = [];
  try {
    const machineNode = nodeVersionOf('node') ?? 'unknown';
    for (const [index, run] of planRuns(machineNode, ciVersion).entries()) {
      let binDir;
      if (run.binDir === 'local') {
        try {
          binDir = ensureLocalNode(ciVersion, { root });
        } catch (error) {
          console.error(`ci-run: ${error instanceof Error ? error.message : String(error)}`);
          results.push({ ...run, counts: undefined, ms: 0 });
          continue;
        }
      }
      // Every task runs: a result replayed from the Nx cache is not a test run.
      const env = { ...process.env, NX_SKIP_NX_CACHE: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
      if (binDir) env.PATH = `${binDir}${path.delimiter}${process.env.PATH ?? ''}`;
      const countsFile = path.join(scratch, `run-${index + 1}.json`);
      log(
        `\n=== Run ${index + 1}: the test suite on ${binDir ? `Node.js ${ciVersion} (${path.relative(root, binDir)})` : `this machine's Node.js ${machineNode}`} ===\n`,
      );
      const runStarted = Date.now();
      // Started by the run's own node, so that this script's node never shows through.
      spawnSync(binDir ? path.join(binDir, 'node') : 'node', [testScript, '--counts-file', countsFile], {
        cwd: root,
        env,
        stdio: 'inherit',
      });
      let counts;
      try {
        counts = JSON.parse(readFileSync(countsFile, 'utf8'));
      } catch {
        counts = undefined;
      }
      results.push({ ...run, counts, ms: Date.now() - runStarted });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log('\n=== Summary ===');
  for (const [index, result] of results.entries()) log(runLine(index, result));
  log(`Total ${formatDuration(Date.now() - started)}.`);
  log(closingLine(results));
  return results.every(({ counts }) => counts?.ok === true) ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // BAKERY_CI_* stand in for the options in this script's own tests.
  process.exit(
    main({
      testScript: process.env.BAKERY_CI_TEST_SCRIPT || undefined,
      ciVersion: process.env.BAKERY_CI_NODE_VERSION || undefined,
      root: process.env.BAKERY_CI_ROOT || undefined,
    }),
  );
}
