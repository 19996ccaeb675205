// Bootstrap Lambda benchmark: bundle size and cold import time of control-plane/bootstrap-lambda/dist/index.mjs,
// plus the same figures with the AWS SDK left to the runtime, which is the case against bundling it.
// Writes the "Bootstrap Lambda" section of docs/benchmarks.md (other sections are left alone).
//
//   node bench/lambda/bench.mjs            build with --code-only if dist/index.mjs is missing, measure, write
//   node bench/lambda/bench.mjs --rebuild  always rebuild the code first (drops template and seed from dist/)
//   node bench/lambda/bench.mjs --no-write measure and print only
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LAMBDA_BUNDLE_OPTIONS } from '../../tools/scripts/lambda-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const app = path.join(root, 'control-plane/bootstrap-lambda');
const bundle = path.join(app, 'dist/index.mjs');
const args = new Set(process.argv.slice(2));
const RUNS = 10;
const SIZE_LIMIT = 1024 * 1024;
const IMPORT_TARGET_MS = 200;

if (args.has('--rebuild') || !existsSync(bundle)) {
  execFileSync(process.execPath, ['build.mjs', '--code-only'], { cwd: app, stdio: 'inherit' });
}

// The shipped bundle's options (tools/scripts/lambda-bundle.mjs), but @aws-sdk/* external: what the Node 24 runtime's bundled SDK would allow.
// Written inside the package so the external imports resolve from its node_modules.
const { build } = await import(pathToFileURL(path.join(app, 'node_modules/esbuild/lib/main.js')).href);
const externalDir = path.join(app, 'node_modules/.cache/bootstrap-bench');
mkdirSync(externalDir, { recursive: true });
const externalBundle = path.join(externalDir, 'index.mjs');
await build({
  ...LAMBDA_BUNDLE_OPTIONS,
  entryPoints: [path.join(app, 'src/handler.ts')],
  outfile: externalBundle,
  sourcemap: false,
  external: ['@aws-sdk/*'],
  logLevel: 'error',
});

/** Import time in a fresh node process, measured inside it (node's own start-up excluded). */
function coldImport(file) {
  const times = [];
  for (let i = 0; i < RUNS; i += 1) {
    const out = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});console.log(performance.now()-t)`,
      ],
      { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' } },
    );
    if (out.status !== 0) throw new Error(`importing ${file} failed: ${out.stderr}`);
    times.push(Number(out.stdout.trim().split('\n').at(-1)));
  }
  times.sort((a, b) => a - b);
  return { median: (times[4] + times[5]) / 2, min: times[0], max: times.at(-1) };
}

function sizes(file) {
  const bytes = readFileSync(file);
  return { raw: statSync(file).size, gzip: gzipSync(bytes, { level: 9 }).length };
}

const bundled = { ...sizes(bundle), import: coldImport(bundle) };
const external = { ...sizes(externalBundle), import: coldImport(externalBundle) };
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n) => `${n.toFixed(1)} ms`;
const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const verdict = (ok) => (ok ? 'OK' : 'OVER');

const section = `## Bootstrap Lambda

\`node bench/lambda/bench.mjs\` (control-plane/bootstrap-lambda). Cold import = \`await import('dist/index.mjs')\` in a fresh
\`node\` process, timed inside it, median of ${RUNS} runs. Machine: ${os.cpus().length} cores (${cpu}), Node ${process.version},
shared with other builds, so treat the times as upper bounds.

| bundle | minified | gzip | cold import median (min–max) |
|---|---|---|---|
| \`dist/index.mjs\`, SDK bundled (shipped) | **${kib(bundled.raw)}** (limit 1 MiB: ${verdict(bundled.raw < SIZE_LIMIT)}) | ${kib(bundled.gzip)} | **${ms(bundled.import.median)}** (${ms(bundled.import.min)}–${ms(bundled.import.max)}; target ${IMPORT_TARGET_MS} ms: ${verdict(bundled.import.median < IMPORT_TARGET_MS)}) |
| same, \`@aws-sdk/*\` external (not shipped) | ${kib(external.raw)} | ${kib(external.gzip)} | ${ms(external.import.median)} (${ms(external.import.min)}–${ms(external.import.max)}) |

The SDK stays bundled: the external build is smaller on disk, but it loads the SDK from hundreds of
files at start-up (here from the workspace's node_modules, as the runtime would from its own copy),
which costs far more than parsing one minified file, and it would run whatever SDK version the
Lambda runtime ships instead of 3.1169.0, the one the tests ran against.
`;

console.log(section);

if (!args.has('--no-write')) {
  const doc = path.join(root, 'docs/benchmarks.md');
  // Re-read right before writing: other sections belong to other people and may have just changed.
  const current = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const start = current.search(/^## Bootstrap Lambda\s*$/m);
  let next;
  if (start === -1) {
    next = `${current.replace(/\s*$/, '')}\n\n${section}`;
  } else {
    const rest = current.slice(start + 1);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + section + (end === -1 ? '' : `\n${rest.slice(end)}`);
  }
  writeFileSync(doc, next);
  console.log(`Wrote the "Bootstrap Lambda" section of ${path.relative(root, doc)}`);
}
