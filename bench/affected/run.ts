/**
 * `nx affected` benchmark: what a pull request's CI job costs after a one-recipe change. A git
 * worktree of this repository at HEAD (dependencies installed from the local store), optionally
 * with generated recipes committed on top, then one commit that changes one recipe, and the
 * command the CI workflow runs:
 *
 *   pnpm exec nx affected -t validate lint bundle --base=<before> --head=<after>
 *
 * once with every task run (`--skip-nx-cache`: validate, lint with cfn-lint, bundle-recipe, the
 * index step) and once with every cacheable task replayed from the Nx cache. Nx runs without its
 * daemon, as on CI.
 *
 *   pnpm exec tsx bench/affected/run.ts [--recipes 0] [--runs 3] [--write-doc]
 *
 * `--recipes N` adds N recipes generated from the shipped ones (a bigger project graph);
 * `--write-doc` replaces the "nx affected" section of docs/benchmarks.md (one per --recipes value).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = path.join(ROOT, 'docs/benchmarks.md');
const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: '0' },
    runs: { type: 'string', default: '3' },
    'write-doc': { type: 'boolean', default: false },
  },
  strict: true,
});
const GENERATED = Number(values.recipes);
const HEADING = `## nx affected after a one-recipe change${GENERATED > 0 ? `, ${GENERATED} more recipes` : ''}`;
const RUNS = Number(values.runs);
const ENV = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

function run(cwd: string, command: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function must(cwd: string, command: string, args: string[]): string {
  const result = run(cwd, command, args);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

const SHIPPED = readdirSync(path.join(ROOT, 'recipes'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const CHANGED = SHIPPED.includes('al2023-stig') ? 'al2023-stig' : (SHIPPED[0] as string);

/** Generated recipes, renamed copies of the shipped ones, committed so that the base has them. */
function generate(root: string, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const shape = SHIPPED[i % SHIPPED.length] as string;
    const name = `g${String(i).padStart(4, '0')}-${shape}`.slice(0, 63).replace(/-+$/, '');
    const dir = path.join(root, 'recipes', name);
    cpSync(path.join(root, 'recipes', shape), dir, { recursive: true });
    const recipe = path.join(dir, 'recipe.yaml');
    writeFileSync(recipe, readFileSync(recipe, 'utf8').replaceAll(shape, name));
  }
  must(root, 'git', ['add', 'recipes']);
  must(root, 'git', ['commit', '-q', '--no-verify', '-m', `${count} generated recipes`]);
}

/** The pull request: a version bump with a description change in one recipe, committed. */
function changeOneRecipe(root: string, round: number): { base: string; head: string } {
  const base = must(root, 'git', ['rev-parse', 'HEAD']);
  const file = path.join(root, 'recipes', CHANGED, 'recipe.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    text.replace(/^version: .*$/m, `version: 9.${round}.0`).replace(/^description: (.*)$/m, `description: $1 (change ${round})`),
  );
  must(root, 'git', ['commit', '-q', '--no-verify', '-am', `change ${round}`]);
  return { base, head: must(root, 'git', ['rev-parse', 'HEAD']) };
}

function affected(root: string, range: { base: string; head: string }, skipCache: boolean): { ms: number; summary: string } {
  const args = ['exec', 'nx', 'affected', '-t', 'validate', 'lint', 'bundle', `--base=${range.base}`, `--head=${range.head}`];
  if (skipCache) args.push('--skip-nx-cache');
  const started = performance.now();
  const result = run(root, 'pnpm', args);
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`nx affected failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  const text = `${result.stdout}\n${result.stderr}`;
  const ran = /Successfully ran targets? ([^\n]*)/.exec(text)?.[1]?.trim() ?? '';
  const cached = /Nx read the output from the cache instead of running the command for (\d+ out of \d+) tasks/.exec(text)?.[1];
  return { ms, summary: `${ran}${cached ? `; ${cached} tasks from the cache` : '; no task from the cache'}` };
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;
const s = (v: number) => `${(v / 1000).toFixed(2)} s`;

const loadBefore = loadavg()[0] ?? 0;
const root = mkdtempSync(path.join(tmpdir(), 'bakery-affected-bench-'));
rmSync(root, { recursive: true, force: true });
must(ROOT, 'git', ['worktree', 'add', '-q', '--detach', root, 'HEAD']);
try {
  must(root, 'pnpm', ['install', '--offline', '--frozen-lockfile', '--ignore-scripts']);
  if (GENERATED > 0) generate(root, GENERATED);
  // Warm-up outside the measurement: the CLI launcher builds its bundle once per checkout.
  must(root, 'pnpm', ['bakery', '--version']);
  const projects = must(root, 'pnpm', ['exec', 'nx', 'show', 'projects', '--with-target', 'validate']).split('\n').length;

  const graph: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    must(root, 'pnpm', ['exec', 'nx', 'show', 'projects']);
    graph.push(performance.now() - started);
  }

  const cold: number[] = [];
  const warm: number[] = [];
  let coldSummary = '';
  let warmSummary = '';
  for (let round = 1; round <= RUNS; round += 1) {
    const range = changeOneRecipe(root, round);
    const first = affected(root, range, true);
    cold.push(first.ms);
    coldSummary = first.summary;
    affected(root, range, false); // fills the cache for this commit
    const again = affected(root, range, false);
    warm.push(again.ms);
    warmSummary = again.summary;
    process.stderr.write(`round ${round}: ${s(first.ms)} every task run, ${s(again.ms)} cached\n`);
  }
  const loadAfter = loadavg()[0] ?? 0;

  const section = [
    HEADING,
    '',
    `Measured by \`pnpm exec tsx bench/affected/run.ts --recipes ${GENERATED} --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (shared machine: upper bounds).`,
    '',
    `A git worktree of this repository with ${projects} recipe projects (${SHIPPED.length} shipped${GENERATED > 0 ? `, ${GENERATED} generated` : ''}). Each round commits a version bump of \`${CHANGED}\` and runs what the CI workflow runs, \`pnpm exec nx affected -t validate lint bundle --base=<parent> --head=<commit>\`, without the Nx daemon; median of ${RUNS} rounds. Targets: < 5 s with every task run (cfn-lint included), < 2 s with every cacheable task from the cache.`,
    '',
    '| run | wall clock | Nx says |',
    '|---|---|---|',
    `| every task run (\`--skip-nx-cache\`) | **${s(median(cold))}** | ${coldSummary} |`,
    `| every cacheable task from the cache | **${s(median(warm))}** | ${warmSummary} |`,
    `| for comparison: \`pnpm exec nx show projects\` (project graph only, no task) | ${s(median(graph))} | ${projects} recipe projects |`,
    '',
    'Reading: only the changed recipe is affected (recipes depend on the toolchain packages, not on each other). Its `validate`, `lint` (built-in checks, then one cfn-lint process) and `bundle-recipe` run, then the index step rewrites `dist/bundle/manifest.json` from the recipe folders; the index step is never cached (it lists folders no input describes) and synthesizes nothing. What remains in the cached row is pnpm and Nx starting, the project graph (the last row), hashing the inputs and the index step.',
    '',
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (values['write-doc']) {
    const current = readFileSync(DOC, 'utf8');
    const start = current.split('\n').indexOf(HEADING) < 0 ? -1 : current.indexOf(`${HEADING}\n`);
    if (start < 0) writeFileSync(DOC, `${current.trimEnd()}\n\n${section}`);
    else {
      const next = current.indexOf('\n## ', start + 1);
      writeFileSync(DOC, `${current.slice(0, start)}${section}${next < 0 ? '' : current.slice(next + 1)}`);
    }
  }
} finally {
  must(ROOT, 'git', ['worktree', 'remove', '--force', root]);
}
