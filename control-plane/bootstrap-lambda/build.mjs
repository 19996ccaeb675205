// Builds the Lambda asset in dist/: the bundled handler, the bakery stack template it deploys, the
// seed bundle it commits, and the control-plane code it uploads to the bakery account before
// deploying: the deployer (deployer/index.mjs), the image-events function (image-events/index.mjs)
// and the Guard rules (guard-rules/*.guard).
// `--code-only` skips the inputs (tests and the benchmark).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const codeOnly = process.argv.includes('--code-only');
const templateSrc = path.resolve(here, process.env.BAKERY_STACK_TEMPLATE ?? '../bakery-stack/cdk.out/BakeryStack.template.json');
const seedSrc = path.resolve(here, process.env.SEED_BUNDLE ?? '../../dist/bundle');
const deployerSrc = path.resolve(here, process.env.DEPLOYER_CODE ?? '../deployer/dist/index.mjs');
const imageEventsSrc = path.resolve(here, process.env.IMAGE_EVENTS_CODE ?? '../image-events/dist/index.mjs');
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
  if (!existsSync(deployerSrc)) {
    problems.push(
      `Missing the deployer ${deployerSrc}.\n  Produce it with: pnpm --filter @ami-bakery/deployer build  (or set DEPLOYER_CODE to the file)`,
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

// The SDK is bundled, not taken from the runtime: it pins the version the tests ran against, and
// one pre-bundled file loads faster than resolving the runtime's node_modules (see bench/lambda).
await build({
  entryPoints: [path.join(here, 'src/handler.ts')],
  outfile: path.join(dist, 'index.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  // Some SDK dependencies still call require() on Node built-ins; ESM output needs a real one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});

if (!codeOnly) {
  cpSync(templateSrc, path.join(dist, 'bakery-stack.template.json'));
  // The seed is data: no bakery/ folder, whatever an older bundle still carries.
  cpSync(seedSrc, path.join(dist, 'seed'), { recursive: true, filter: (src) => !path.relative(seedSrc, src).startsWith('bakery') });
  mkdirSync(path.join(dist, 'deployer'), { recursive: true });
  cpSync(deployerSrc, path.join(dist, 'deployer', 'index.mjs'));
  mkdirSync(path.join(dist, 'image-events'), { recursive: true });
  cpSync(imageEventsSrc, path.join(dist, 'image-events', 'index.mjs'));
  mkdirSync(path.join(dist, 'guard-rules'), { recursive: true });
  for (const name of guardFiles()) cpSync(path.join(rulesSrc, name), path.join(dist, 'guard-rules', name));
}

const size = statSync(path.join(dist, 'index.mjs')).size;
console.log(
  `bootstrap-lambda: dist/index.mjs ${(size / 1024).toFixed(1)} KiB${codeOnly ? ' (code only)' : ', with bakery-stack.template.json, seed/, deployer/, image-events/ and guard-rules/'}`,
);
