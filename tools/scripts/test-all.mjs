// The README's test command: typecheck and test every project through Nx (cached), then print
// the plain "N passed, N failed" line CI reads, since neither Nx nor vitest prints one it knows.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const projectDirs = ['control-plane', 'packages', 'tools']
  .flatMap((group) => (existsSync(path.join(root, group)) ? readdirSync(path.join(root, group)).map((d) => path.join(root, group, d)) : []))
  .filter((dir) => existsSync(path.join(dir, 'package.json')));

// Stale reports from an earlier run must not be counted; Nx restores them on a cache hit.
for (const dir of projectDirs) rmSync(path.join(dir, 'test-results'), { recursive: true, force: true });

const extra = process.argv.slice(2);
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
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const ok = nx.status === 0 && failed === 0 && missing.length === 0 && passed > 0;
process.exit(ok ? 0 : 1);
