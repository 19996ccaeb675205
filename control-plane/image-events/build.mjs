// Builds the image-events Lambda into dist/index.mjs (handler export `handler`): one ESM file with
// the AWS SDK bundled, for the Node.js 24 runtime. The bootstrap Lambda's package carries it
// (image-events/) and uploads it to the bakery account's control bucket, like the deployer.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [path.join(here, 'src/handler.ts')],
  outfile: path.join(dist, 'index.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  // Some SDK dependencies still call require() on Node built-ins; ESM output needs a real one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});

console.log(`image-events: dist/index.mjs ${(statSync(path.join(dist, 'index.mjs')).size / 1024).toFixed(1)} KiB`);
