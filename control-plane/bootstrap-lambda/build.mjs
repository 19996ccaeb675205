// Builds the Lambda asset in dist/: the bundled handler, the bakery stack template it deploys, the
// seed bundle it commits, and the control-plane code it uploads to the bakery account before
// deploying: the deployer (deployer/: the whole dist/ of control-plane/deployer, index.mjs and the
// WebAssembly Guard evaluator in cloudformation-validate/), the image-events function
// (image-events/index.mjs) and the Guard rules (guard-rules/*.guard).
// `--code-only` skips the inputs (tests and the benchmark).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from '../../tools/scripts/lambda-bundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const codeOnly = process.argv.includes('--code-only');
const templateSrc = path.resolve(here, process.env.BAKERY_STACK_TEMPLATE ?? '../bakery-stack/cdk.out/BakeryStack.template.json');
const seedSrc = path.resolve(here, process.env.SEED_BUNDLE ?? '../../dist/bundle');
const deployerSrc = path.resolve(here, process.env.DEPLOYER_DIST ?? '../deployer/dist');
const imageEventsSrc = path.resolve(here, process.env.IMAGE_EVENTS_CODE ?? '../image-events/dist/index.mjs');
/** What the deployer's handler loads at run time: itself and the Guard evaluator next to it. */
const DEPLOYER_NEEDS = ['index.mjs', 'cloudformation-validate/package.json'];
/** Lambda's limits for a function's code: 250 MB unzipped; 50 MB zipped keeps every upload path open. */
const LAMBDA_UNZIPPED_BYTES = 262_144_000;
const LAMBDA_ZIPPED_BYTES = 52_428_800;
const folderBytes = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((n, entry) => n + statSync(path.join(entry.parentPath, entry.name)).size, 0);
const rulesSrc = path.resolve(here, process.env.GUARD_RULES ?? '../../packages/invariants/rules');
const guardFiles = () =>
  existsSync(rulesSrc)
    ? readdirSync(rulesSrc)
        .filter((name) => name.endsWith('.guard'))
        .sort()
    : [];

if (!codeOnly) {
  const problems = [];
  if (!existsSync(templateSrc)) {
    problems.push(
      `Missing the bakery stack template ${templateSrc}.\n  Produce it with: pnpm --filter @ami-bakery/bakery-stack synth  (or set BAKERY_STACK_TEMPLATE to the file)`,
    );
  }
  if (!existsSync(path.join(seedSrc, 'manifest.json'))) {
    problems.push(
      `Missing the seed bundle ${seedSrc} (no manifest.json).\n  Produce it with: pnpm bakery bundle  (or set SEED_BUNDLE to a bundle folder)`,
    );
  }
  const lacking = DEPLOYER_NEEDS.filter((file) => !existsSync(path.join(deployerSrc, file)));
  if (lacking.length > 0) {
    problems.push(
      `Missing the deployer build in ${deployerSrc} (no ${lacking.join(', ')}).\n  Produce it with: pnpm --filter @ami-bakery/deployer build  (or set DEPLOYER_DIST to its dist folder)`,
    );
  }
  if (!existsSync(imageEventsSrc)) {
    problems.push(
      `Missing the image-events function ${imageEventsSrc}.\n  Produce it with: pnpm --filter @ami-bakery/image-events build  (or set IMAGE_EVENTS_CODE to the file)`,
    );
  }
  if (guardFiles().length === 0) {
    problems.push(
      `Missing the Guard rules: no .guard file in ${rulesSrc}.\n  They live in packages/invariants/rules (or set GUARD_RULES to a folder of .guard files)`,
    );
  }
  if (problems.length > 0) {
    console.error(`bootstrap-lambda build: ${problems.join('\n')}\nUse "node build.mjs --code-only" to bundle the handler alone.`);
    process.exit(1);
  }
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  ...LAMBDA_BUNDLE_OPTIONS,
  entryPoints: [path.join(here, 'src/handler.ts')],
  outfile: path.join(dist, 'index.mjs'),
});

if (!codeOnly) {
  cpSync(templateSrc, path.join(dist, 'bakery-stack.template.json'));
  // The seed is data: no bakery/ folder, whatever an older bundle still carries.
  cpSync(seedSrc, path.join(dist, 'seed'), { recursive: true, filter: (src) => !path.relative(seedSrc, src).startsWith('bakery') });
  // The whole deployer build: the handler loads cloudformation-validate/ from next to itself.
  cpSync(deployerSrc, path.join(dist, 'deployer'), { recursive: true, dereference: true });
  mkdirSync(path.join(dist, 'image-events'), { recursive: true });
  cpSync(imageEventsSrc, path.join(dist, 'image-events', 'index.mjs'));
  mkdirSync(path.join(dist, 'guard-rules'), { recursive: true });
  for (const name of guardFiles()) cpSync(path.join(rulesSrc, name), path.join(dist, 'guard-rules', name));
}

const size = statSync(path.join(dist, 'index.mjs')).size;
if (!codeOnly) {
  // The deployer ships as a stored (uncompressed) zip: its size is about the files' size.
  const deployerBytes = folderBytes(path.join(dist, 'deployer'));
  const packageBytes = folderBytes(dist);
  const over = [
    deployerBytes > LAMBDA_ZIPPED_BYTES ? `the deployer (${deployerBytes} bytes) exceeds ${LAMBDA_ZIPPED_BYTES} bytes zipped` : '',
    packageBytes > LAMBDA_UNZIPPED_BYTES ? `the package (${packageBytes} bytes) exceeds ${LAMBDA_UNZIPPED_BYTES} bytes unzipped` : '',
  ].filter(Boolean);
  if (over.length > 0) {
    console.error(`bootstrap-lambda build: over Lambda's code size limits: ${over.join('; ')}`);
    process.exit(1);
  }
  console.log(
    `bootstrap-lambda: deployer/ ${(deployerBytes / 1048576).toFixed(1)} MiB, package ${(packageBytes / 1048576).toFixed(1)} MiB (Lambda: ${LAMBDA_ZIPPED_BYTES / 1048576} MiB zipped, ${LAMBDA_UNZIPPED_BYTES / 1048576} MiB unzipped)`,
  );
}
console.log(
  `bootstrap-lambda: dist/index.mjs ${(size / 1024).toFixed(1)} KiB${codeOnly ? ' (code only)' : ', with bakery-stack.template.json, seed/, deployer/, image-events/ and guard-rules/'}`,
);
