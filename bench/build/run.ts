/**
 * Build benchmark: `bakery build` over 10 / 100 / 500 recipes generated from the shipped recipes
 * (each shipped recipe copied under new names, with its components and data files), then the
 * same work split into its parts: the built-in pipeline (validate, version gate, bundle, built-in
 * template checks) against one real cfn-lint run over the same templates. Last, the cold start
 * of a one-recipe `pnpm bakery validate`.
 *
 *   pnpm exec tsx bench/build/run.ts [--sizes 10,100,500] [--runs 5] [--write-doc]
 *
 * `--write-doc` replaces the "Build" section of docs/benchmarks.md with the results.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleSafely } from '../../packages/cli/src/bundling.js';
import { versionGate } from '../../packages/cli/src/gate.js';
import type { Io } from '../../packages/cli/src/io.js';
import { cfnLintAll, checkBundledTemplate, generatedTemplateDisplay, type LintTemplate } from '../../packages/cli/src/template-lint.js';
import { writeBundle } from '../../packages/recipe-bundler/src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = path.join(ROOT, 'docs/benchmarks.md');
const LAUNCHER = path.join(ROOT, 'packages/cli/bin/bakery.mjs');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,500' },
    runs: { type: 'string', default: '5' },
    'write-doc': { type: 'boolean', default: false },
  },
  strict: true,
});
const SIZES = (values.sizes ?? '').split(',').map(Number);
const RUNS = Number(values.runs);

const SHAPES = readdirSync(path.join(ROOT, 'recipes'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** `count` recipes in a new git work tree, committed (so the version gate compares, as in CI). */
function generate(count: number): string {
  const root = mkdtempSync(path.join(tmpdir(), `bakery-build-bench-${count}-`));
  writeFileSync(path.join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  for (let i = 0; i < count; i++) {
    const shape = SHAPES[i % SHAPES.length] as string;
    const name = `b${String(i).padStart(3, '0')}-${shape}`.slice(0, 63).replace(/-+$/, '');
    const dir = path.join(root, 'recipes', name);
    cpSync(path.join(ROOT, 'recipes', shape), dir, { recursive: true });
    const recipe = path.join(dir, 'recipe.yaml');
    // Every name-derived value follows the new name; sizes vary so no two templates are alike.
    const text = readFileSync(recipe, 'utf8')
      .replaceAll(shape, name)
      .replace(/sizeGiB: (\d+)/, (_m, size: string) => `sizeGiB: ${Number(size) + (i % 17)}`);
    writeFileSync(recipe, text);
  }
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '.'],
    ['commit', '-q', '-m', 'recipes'],
  ]) {
    const result = spawnSync('git', args, { cwd: root, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  }
  return root;
}

function silentIo(cwd: string): Io {
  return { stdout: { write: () => true }, stderr: { write: () => true }, cwd, env: process.env };
}

interface SizeResult {
  recipes: number;
  files: number;
  endToEndMs: number;
  exitCode: number | null;
  summary: string;
  builtInMs: number;
  checksMs: number;
  cfnLintMs: number;
  cfnLintStatus: string;
  findings: number;
  /** Writing the whole bundle (format 2) beside dist and putting it in place. */
  writeMs: number;
  /** Built-in pipeline time per shipped shape: [total ms, recipes]. */
  byShape: Map<string, [number, number]>;
}

async function measure(count: number): Promise<SizeResult> {
  const root = generate(count);
  try {
    const files = readdirSync(path.join(root, 'recipes'), { recursive: true }).filter((f) => /\.ya?ml$/.test(String(f))).length;

    // The user's path: one process, launcher included.
    const started = performance.now();
    const run = spawnSync(process.execPath, [LAUNCHER, 'build'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const endToEndMs = performance.now() - started;
    const summary = run.stdout.trim().split('\n').at(-1) ?? '';

    // The same work in parts, in this (already warm) process.
    const io = silentIo(root);
    const gate = versionGate(undefined, io);
    const outDir = path.join(root, 'dist/parts');
    const templates: LintTemplate[] = [];
    const results = [];
    let checksMs = 0;
    let findings = 0;
    const byShape = new Map<string, [number, number]>();
    const builtInStart = performance.now();
    for (const name of readdirSync(path.join(root, 'recipes')).sort()) {
      const dir = path.join(root, 'recipes', name);
      const recipeStart = performance.now();
      const result = bundleSafely(dir, { cwd: root, git: gate.git });
      findings += result.findings.length + gate.check(dir).length;
      const display = generatedTemplateDisplay(outDir, result.name, root);
      const checksStart = performance.now();
      findings += checkBundledTemplate(result, display, root).length;
      checksMs += performance.now() - checksStart;
      if (result.ok && result.templateText !== undefined)
        templates.push({ kind: 'generated', display, text: result.templateText, links: result.links });
      results.push(result);
      const shape = name.replace(/^b\d+-/, '');
      const [total, recipes] = byShape.get(shape) ?? [0, 0];
      byShape.set(shape, [total + performance.now() - recipeStart, recipes + 1]);
    }
    const builtInMs = performance.now() - builtInStart;
    const cfnStart = performance.now();
    const cfnLint = await cfnLintAll(templates, io);
    const cfnLintMs = performance.now() - cfnStart;
    findings += cfnLint.findings.length;

    const writeStart = performance.now();
    writeBundle(results, outDir);
    const writeMs = performance.now() - writeStart;

    return {
      recipes: count,
      files,
      endToEndMs,
      exitCode: run.status,
      summary,
      builtInMs,
      checksMs,
      cfnLintMs,
      cfnLintStatus: cfnLint.status,
      findings,
      writeMs,
      byShape,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function coldStart(command: string[], runs: number): { median: number; min: number; max: number } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(command[0] as string, command.slice(1), { cwd: ROOT, encoding: 'utf8' });
    samples.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

const ms = (value: number) =>
  value >= 10_000
    ? `${(value / 1000).toFixed(1)} s`
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : value >= 10
        ? `${value.toFixed(0)} ms`
        : `${value.toFixed(2)} ms`;

const loadBefore = loadavg()[0] ?? 0;
// A fresh bundle first, so no timed run pays for a rebuild.
spawnSync(process.execPath, [LAUNCHER, '--version'], { cwd: ROOT });
// Warm-up: the spec cache, the CDK import and cfn-lint's first start are not part of any size.
await measure(SHAPES.length);
const sizes: SizeResult[] = [];
for (const size of SIZES) {
  sizes.push(await measure(size));
  process.stderr.write(`measured ${size} recipes\n`);
}

const one = `recipes/${SHAPES[0]}`;
const pnpm = coldStart(['pnpm', 'bakery', 'validate', one], RUNS);
const bundle = coldStart([process.execPath, 'packages/cli/dist/bakery.mjs', 'validate', one], RUNS);
const tsx = coldStart([process.execPath, 'node_modules/tsx/dist/cli.mjs', 'packages/cli/src/bin.ts', 'validate', one], RUNS);
const nodeOnly = coldStart([process.execPath, '-e', ''], RUNS);
// One stale start: the launcher rebuilds the bundle in-process before running.
const meta = path.join(ROOT, 'packages/cli/dist/bakery.meta.json');
const staleStart = performance.now();
const past = new Date(0);
utimesSync(path.join(ROOT, 'packages/cli/dist/bakery.mjs'), past, past);
spawnSync(process.execPath, [LAUNCHER, 'validate', one], { cwd: ROOT });
const staleMs = performance.now() - staleStart;
const precompiled = JSON.parse(readFileSync(meta, 'utf8')).precompiledValidators === true;
const loadAfter = loadavg()[0] ?? 0;

const largest = sizes.reduce((a, b) => (b.recipes > a.recipes ? b : a));
const perShape = [...largest.byShape.entries()]
  .map(([shape, [total, count]]) => [shape, total / count] as const)
  .sort((a, b) => b[1] - a[1]);
const slowest = perShape[0] ?? ['-', 0];
const fastest = perShape.at(-1) ?? ['-', 0];
const cfnVersion = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).stdout.trim() || 'not installed';
const lines = [
  '## Build',
  '',
  `Measured by \`pnpm exec tsx bench/build/run.ts --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${cfnVersion}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (the machine is shared, so treat the numbers as upper bounds; both sides of each ratio ran under the same load).`,
  '',
  `The recipes are copies of the ${SHAPES.length} shipped ones (${SHAPES.join(', ')}), renamed, with their components and data files and varied volume sizes, committed to a fresh git repository so the version gate compares against the base as on CI.`,
  '',
  '### `bakery build` (one process, launcher included)',
  '',
  '| recipes | YAML files | wall clock | per recipe | result |',
  '|---|---|---|---|---|',
  ...sizes.map(
    (s) =>
      `| ${s.recipes} | ${s.files} | **${ms(s.endToEndMs)}** | ${ms(s.endToEndMs / s.recipes)} | exit ${s.exitCode}: ${s.summary.replace(/\|/g, '\\|')} |`,
  ),
  '',
  '### Where the time goes: built-in pipeline against one cfn-lint run on the same templates',
  '',
  'Built-in = validation, version gate, bundling and the built-in template checks (RB5001–RB5008) for every recipe, in a warm process.',
  'Checks only = `checkTemplate` on the bundled templates with their source links. cfn-lint = one `runCfnLint` process over all templates, Python start-up included.',
  '',
  '| recipes | built-in pipeline | checks only | cfn-lint | cfn-lint / checks | cfn-lint / built-in pipeline | bundle write (whole, atomic) |',
  '|---|---|---|---|---|---|---|',
  ...sizes.map(
    (s) =>
      `| ${s.recipes} | ${ms(s.builtInMs)} (${ms(s.builtInMs / s.recipes)}/recipe) | ${ms(s.checksMs)} | ${ms(s.cfnLintMs)} (${s.cfnLintStatus}) | **${(s.cfnLintMs / s.checksMs).toFixed(1)}×** | ${(s.cfnLintMs / s.builtInMs).toFixed(1)}× | ${ms(s.writeMs)} |`,
  ),
  '',
  `Built-in pipeline per recipe by shipped shape (${largest.recipes} recipes, warm process):`,
  '',
  '| shape | per recipe |',
  '|---|---|',
  ...[...largest.byShape.entries()]
    .sort((a, b) => b[1][0] / b[1][1] - a[1][0] / a[1][1])
    .map(([shape, [total, count]]) => `| ${shape} | ${ms(total / count)} |`),
  '',
  `Reading: one cfn-lint run costs ${(largest.cfnLintMs / largest.checksMs).toFixed(0)}× the built-in template checks on the same ${largest.recipes} templates and ${(largest.cfnLintMs / largest.builtInMs).toFixed(1)}× the whole built-in pipeline, so it stays one process per build. The built-in pipeline's cost is the recipes' own, led by ${slowest[0]} (${ms(slowest[1])} per recipe against ${ms(fastest[1])} for ${fastest[0]}); the template checks are ${ms(largest.checksMs / largest.recipes)} per template. The bundle is written whole beside dist/ and put in place at once (no bakery stack any more: it is control plane).`,
  '',
  `### One recipe from the command line (cold start, median of ${RUNS})`,
  '',
  '| launcher | median | fastest–slowest |',
  '|---|---|---|',
  `| node, empty script (baseline) | ${ms(nodeOnly.median)} | ${ms(nodeOnly.min)}–${ms(nodeOnly.max)} |`,
  `| \`pnpm bakery validate ${one}\` (root script: launcher, bundle fresh) | **${ms(pnpm.median)}** | ${ms(pnpm.min)}–${ms(pnpm.max)} |`,
  `| \`node packages/cli/dist/bakery.mjs validate ${one}\` (the bundle itself${precompiled ? ', precompiled validators' : ''}) | ${ms(bundle.median)} | ${ms(bundle.min)}–${ms(bundle.max)} |`,
  `| \`tsx packages/cli/src/bin.ts validate ${one}\` (sources, schemas compiled at start) | ${ms(tsx.median)} | ${ms(tsx.min)}–${ms(tsx.max)} |`,
  `| launcher with a stale bundle (rebuilds in-process, once) | ${ms(staleMs)} | |`,
  '',
];
const section = `${lines.join('\n')}\n`;
process.stdout.write(section);
if (values['write-doc']) writeSection(section);

/** Replace (or append) the "## Build" section, leaving the rest of the document alone. */
function writeSection(text: string): void {
  const current = readFileSync(DOC, 'utf8');
  const start = current.search(/^## Build$/m);
  if (start < 0) {
    writeFileSync(DOC, `${current.trimEnd()}\n\n${text}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  writeFileSync(DOC, `${current.slice(0, start)}${text}${next < 0 ? '' : current.slice(next + 1)}`);
}
