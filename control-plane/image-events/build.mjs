// Builds the image-events Lambda into dist/index.mjs (handler export `handler`): one ESM file with
// the AWS SDK bundled, for the Node.js 24 runtime. The bootstrap Lambda's package carries it
// (image-events/) and uploads it to the bakery account's control bucket, like the deployer.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from '../../tools/scripts/lambda-bundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  ...LAMBDA_BUNDLE_OPTIONS,
  entryPoints: [path.join(here, 'src/handler.ts')],
  outfile: path.join(dist, 'index.mjs'),
});

console.log(`image-events: dist/index.mjs ${(statSync(path.join(dist, 'index.mjs')).size / 1024).toFixed(1)} KiB`);
