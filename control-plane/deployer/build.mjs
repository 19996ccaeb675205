// Builds the deployer Lambda into dist/index.mjs (handler export `handler`): one ESM file with the
// AWS SDK bundled, for the Node.js 24 runtime, and dist/cloudformation-validate/ next to it. The
// bootstrap Lambda's package carries the whole dist/ (deployer/). `--out DIR` builds into DIR.
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from '../../tools/scripts/lambda-bundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outAt = process.argv.indexOf('--out');
const dist = outAt > 0 && process.argv[outAt + 1] ? path.resolve(process.argv[outAt + 1]) : path.join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  ...LAMBDA_BUNDLE_OPTIONS,
  entryPoints: [path.join(here, 'src/handler.ts')],
  outfile: path.join(dist, 'index.mjs'),
});

// The security invariants run in the WebAssembly Guard evaluator of @aws/cloudformation-validate
// (the one aws-cdk-lib bundles, which packages/invariants tests against): the handler loads it
// from dist/cloudformation-validate, so that folder ships with index.mjs.
const fromInvariants = createRequire(path.join(here, '../../packages/invariants/package.json'));
const fromCdk = createRequire(fromInvariants.resolve('aws-cdk-lib/package.json'));
const wasmSrc = path.dirname(fromCdk.resolve('@aws/cloudformation-validate/package.json'));
cpSync(wasmSrc, path.join(dist, 'cloudformation-validate'), { recursive: true, dereference: true });

const size = statSync(path.join(dist, 'index.mjs')).size;
const wasm = readdirSync(path.join(dist, 'cloudformation-validate')).reduce(
  (n, f) => n + statSync(path.join(dist, 'cloudformation-validate', f)).size,
  0,
);
console.log(
  `deployer: dist/index.mjs ${(size / 1024).toFixed(1)} KiB, dist/cloudformation-validate ${(wasm / 1024 / 1024).toFixed(1)} MiB`,
);
