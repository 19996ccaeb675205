// The README's test command: typecheck and test every project through Nx (cached in .nx/cache
// inside the workspace, keyed by the Node version among the other inputs), then print the plain
// "N passed, N failed" line CI reads, since neither Nx nor vitest prints one it knows.
//
// `--counts-file <file>` (used by tools/scripts/ci-run.mjs, which runs this once per Node) writes
// the counts as JSON there and words the last line so that it is not a closing line: the caller
// prints the one closing line for all its runs. Other arguments go to `nx run-many`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const projectDirs = ['control-plane', 'packages', 'tools']
  .flatMap((group) => (existsSync(path.join(root, group)) ? readdirSync(path.join(root, group)).map((d) => path.join(root, group, d)) : []))
  .filter((dir) => existsSync(path.join(dir, 'package.json')));

// Stale reports from an earlier run must not be counted; Nx restores them on a cache hit.
for (const dir of projectDirs) rmSync(path.join(dir, 'test-results'), { recursive: true, force: true });

const extra = process.argv.slice(2);
const countsAt = extra.indexOf('--counts-file');
const countsFile = countsAt >= 0 ? extra.splice(countsAt, 2)[1] : undefined;
if (countsAt >= 0 && !countsFile) {
  console.error('test-all: --counts-file needs a file name');
  process.exit(2);
}
// The tasks run on the `node` first on PATH (pnpm, nx and vitest start through it), which may not
// be the one running this script.
const probe = spawnSync('node', ['-p', 'JSON.stringify([process.version, process.execPath])'], { encoding: 'utf8' });
const [nodeVersion, nodePath] = probe.status === 0 ? JSON.parse(probe.stdout) : ['unknown', 'no node on PATH'];
console.log(
  `Testing on Node.js ${nodeVersion} (${nodePath})${process.env.NX_SKIP_NX_CACHE === 'true' ? ', every task run (no Nx cache)' : ''}`,
);
const nx = spawnSync('pnpm', ['exec', 'nx', 'run-many', '-t', 'typecheck', 'test', '--outputStyle=stream', ...extra], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of projectDirs) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const report = path.join(dir, 'test-results', 'vitest.json');
  if (!existsSync(report)) {
    missing.push(path.relative(root, dir));
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
}
if (missing.length > 0) console.error(`No test report from: ${missing.join(', ')} (its typecheck or test run failed before reporting).`);
const ok = nx.status === 0 && failed === 0 && missing.length === 0 && passed > 0;
if (countsFile) {
  writeFileSync(countsFile, `${JSON.stringify({ node: nodeVersion, passed, failed, skipped, missing, nxStatus: nx.status, ok })}\n`);
  console.log(`Node.js ${nodeVersion}: ${passed} tests passed, ${failed} failed, ${skipped} skipped${ok ? '' : ' (this run failed)'}`);
} else {
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
}
process.exit(ok ? 0 : 1);
