/**
 * `bakery plan` benchmark: a workspace of 1,000 recipes generated from the shipped ones (each
 * copied under a new name with its components and data files), committed as the base, then the
 * command as CI runs it (`bakery plan --base main --format markdown`, launcher included, a fresh
 * process each time) on typical pull requests, and on a worst case where every recipe changed.
 *
 *   pnpm exec tsx bench/plan/run.ts [--recipes 1000] [--runs 3] [--no-worst] [--write-doc]
 *
 * `--write-doc` replaces the "Plan" section of docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = path.join(ROOT, 'docs/benchmarks.md');
const LAUNCHER = path.join(ROOT, 'packages/cli/bin/bakery.mjs');
const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    'no-worst': { type: 'boolean', default: false },
    'write-doc': { type: 'boolean', default: false },
  },
  strict: true,
});
const COUNT = Number(values.recipes);
const RUNS = Number(values.runs);
const SHAPES = readdirSync(path.join(ROOT, 'recipes'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
}

const names: string[] = [];
function generate(count: number): string {
  const root = mkdtempSync(path.join(tmpdir(), `bakery-plan-bench-${count}-`));
  writeFileSync(path.join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  for (let i = 0; i < count; i += 1) {
    const shape = SHAPES[i % SHAPES.length] as string;
    const name = `p${String(i).padStart(4, '0')}-${shape}`.slice(0, 63).replace(/-+$/, '');
    names.push(name);
    const dir = path.join(root, 'recipes', name);
    cpSync(path.join(ROOT, 'recipes', shape), dir, { recursive: true });
    const recipe = path.join(dir, 'recipe.yaml');
    writeFileSync(recipe, readFileSync(recipe, 'utf8').replaceAll(shape, name));
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'recipes');
  return root;
}

/** A version bump with a content change: the kind of change that replaces the image recipe and starts a build. */
function bump(root: string, index: number): void {
  const file = path.join(root, 'recipes', names[index] as string, 'recipe.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/^version: .*$/m, 'version: 9.9.9').replace(/^description: (.*)$/m, 'description: $1 (changed)'));
}

function reset(root: string): void {
  git(root, 'checkout', '-q', '--', '.');
  git(root, 'clean', '-qfd');
}

function timePlan(root: string, args: string[], runs: number): { median: number; code: number; summary: string } {
  const samples: number[] = [];
  let code = 0;
  let summary = '';
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [LAUNCHER, 'plan', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    samples.push(performance.now() - started);
    code = result.status ?? -1;
    summary = result.stdout.split('\n').find((l) => / to create, /.test(l)) ?? result.stderr.split('\n')[0] ?? '';
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] as number, code, summary };
}

/** How many of the first `n` generated recipes have a Windows CIS shape (the costliest to bundle). */
const windowsCis = (n: number) => names.slice(0, n).filter((name) => /windows-.*-cis-/.test(name)).length;
const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
const loadBefore = loadavg()[0] ?? 0;
spawnSync(process.execPath, [LAUNCHER, '--version'], { cwd: ROOT });
const root = generate(COUNT);
const rows: string[] = [];
const scenario = (what: string, prepare: () => void, args: string[] = ['--base', 'main', '--format', 'markdown'], runs = RUNS) => {
  reset(root);
  prepare();
  const result = timePlan(root, args, runs);
  rows.push(`| ${what} | **${s(result.median)}** | exit ${result.code}: ${result.summary.replace(/\|/g, '\\|')} |`);
  process.stderr.write(`${what}: ${s(result.median)}\n`);
};

scenario('nothing changed', () => {});
scenario('1 recipe bumped', () => bump(root, 1));
scenario(`10 recipes bumped (one of each shipped shape and more)`, () => {
  for (let i = 0; i < 10; i += 1) bump(root, i);
});
scenario('1 recipe added, 1 removed, 1 bumped', () => {
  cpSync(path.join(root, 'recipes', names[1] as string), path.join(root, 'recipes', 'zz-new-recipe'), { recursive: true });
  const file = path.join(root, 'recipes', 'zz-new-recipe', 'recipe.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, 'name: zz-new-recipe'));
  rmSync(path.join(root, 'recipes', names[2] as string), { recursive: true });
  bump(root, 3);
});
scenario('100 recipes bumped', () => {
  for (let i = 0; i < 100; i += 1) bump(root, i);
});
if (!values['no-worst']) {
  scenario(
    `every recipe new (--base-bundle of an empty bundle: all ${COUNT} bundled)`,
    () => {
      const empty = path.join(root, 'empty-bundle');
      mkdirSync(empty, { recursive: true });
      writeFileSync(
        path.join(empty, 'manifest.json'),
        JSON.stringify({ formatVersion: 2, sourceCommit: null, partial: false, retired: [], recipes: [] }),
      );
    },
    ['--base-bundle', 'empty-bundle', '--format', 'markdown'],
    1,
  );
}
reset(root);
rmSync(root, { recursive: true, force: true });
const loadAfter = loadavg()[0] ?? 0;

const lines = [
  '## Plan',
  '',
  `Measured by \`pnpm exec tsx bench/plan/run.ts --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (shared machine: upper bounds).`,
  '',
  `A git repository of ${COUNT} recipes generated from the ${SHAPES.length} shipped ones (renamed copies with their components and data files), committed on main. Each row is \`node packages/cli/bin/bakery.mjs plan --base main --format markdown\` in a fresh process (launcher and bundle start-up included), median of ${RUNS}, on the change named; target < 10 s.`,
  '',
  '| change | wall clock | result |',
  '|---|---|---|',
  ...rows,
  '',
  `Reading: the plan bundles only the recipes whose folder changed since the base, on both sides (the bundler is deterministic, so an untouched recipe is the same on both); the rest is one \`git diff\`, one \`git archive\` of the base and a read of each recipe.yaml for its version. A plan that must bundle every recipe costs what \`bakery build\` costs per recipe (see "Bundling one recipe": the Windows CIS shapes are the costliest). Windows CIS recipes bundled: ${windowsCis(10) * 2} of the 20 in the 10-recipe change, ${windowsCis(100) * 2} of the 200 in the 100-recipe change, ${windowsCis(COUNT)} of the ${COUNT} in the last row.`,
  '',
];
const section = `${lines.join('\n')}\n`;
process.stdout.write(section);
if (values['write-doc']) {
  const current = readFileSync(DOC, 'utf8');
  const start = current.search(/^## Plan$/m);
  if (start < 0) writeFileSync(DOC, `${current.trimEnd()}\n\n${section}`);
  else {
    const next = current.indexOf('\n## ', start + 1);
    writeFileSync(DOC, `${current.slice(0, start)}${section}${next < 0 ? '' : current.slice(next + 1)}`);
  }
}
