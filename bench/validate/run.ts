/**
 * Validation benchmark: 500 generated recipes (1–2 local components each) validated in one
 * process, then the cold start of one `bakery validate` through each way of launching the CLI.
 *
 *   pnpm exec tsx bench/validate/run.ts [--recipes N] [--runs N] [--write-doc]
 *
 * `--write-doc` replaces the "Validation" section of docs/benchmarks.md with the results.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// @ts-expect-error: plain JavaScript module without type declarations
import { buildBundle, DIST, ENTRY } from '../../packages/cli/bin/build.mjs';
import { main } from '../../packages/cli/src/index.js';
import { checkSchema, validateRecipeFile } from '../../packages/recipe-schema/src/index.js';
import { precompiledLoadMs } from './precompiled.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = path.join(ROOT, 'docs/benchmarks.md');

const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    'write-doc': { type: 'boolean', default: false },
  },
  strict: true,
});
const RECIPES = Number(values.recipes);
const RUNS = Number(values.runs);

function recipeText(i: number, components: number): string {
  const windows = i % 5 === 4;
  // EC2 has no arm64 Windows images, so only Linux recipes alternate architectures.
  const arm = !windows && i % 3 === 0;
  const lines = [
    `name: bench-${String(i).padStart(4, '0')}`,
    `version: 1.${i % 7}.0`,
    `description: Generated recipe ${i} for the validation benchmark.`,
    `platform: ${windows ? 'windows' : 'linux'}`,
    `architecture: ${arm ? 'arm64' : 'x86_64'}`,
    'parentImage:',
    windows
      ? '  ssmParameter: /aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base'
      : `  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arm ? 'arm64' : 'x86_64'}`,
    'components:',
    `  - managed: ${windows ? 'update-windows' : 'update-linux'}`,
    '    version: x.x.x',
    ...Array.from({ length: components }, (_, c) => [
      `  - file: components/step-${c}.yaml`,
      `    version: 1.0.${c}`,
      '    parameters:',
      `      Level: "${c + 1}"`,
    ]).flat(),
    'build:',
    '  instanceTypes:',
    `    - ${arm ? 'm7g.large' : 'm7i.large'}`,
    '  rootVolume:',
    `    sizeGiB: ${windows ? 60 : 20}`,
    '    encrypted: true',
    '  terminateOnFailure: true',
    'distribution:',
    '  regions: [eu-west-1, eu-central-1]',
    `  amiName: bench-${i}-{{ imagebuilder:buildDate }}`,
    'lifecycle:',
    '  keepLatest: 5',
    '',
  ];
  return lines.join('\n');
}

function componentText(i: number, c: number, windows: boolean): string {
  const action = windows ? 'ExecutePowerShell' : 'ExecuteBash';
  return [
    `name: step-${i}-${c}`,
    'description: Generated component for the validation benchmark.',
    'schemaVersion: 1.0',
    'parameters:',
    '  - Level:',
    '      type: string',
    '      default: "1"',
    '      description: How much to do.',
    'phases:',
    '  - name: build',
    '    steps:',
    ...Array.from({ length: 4 }, (_, s) => [
      `      - name: Step${s}`,
      `        action: ${action}`,
      '        inputs:',
      '          commands:',
      `            - echo "level {{ Level }} step ${s}"`,
    ]).flat(),
    '  - name: validate',
    '    steps:',
    '      - name: Check',
    `        action: ${action}`,
    '        inputs:',
    '          commands:',
    '            - echo checked',
    '',
  ].join('\n');
}

/** Writes N recipes under `<dir>/recipes`, a workspace the CLI recognises. */
function generate(dir: string, count: number): { recipes: string[]; files: number } {
  writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), 'packages: []\n');
  const recipes: string[] = [];
  let files = 0;
  for (let i = 0; i < count; i++) {
    const components = 1 + (i % 2);
    const recipeDir = path.join(dir, 'recipes', `bench-${String(i).padStart(4, '0')}`);
    mkdirSync(path.join(recipeDir, 'components'), { recursive: true });
    writeFileSync(path.join(recipeDir, 'recipe.yaml'), recipeText(i, components));
    for (let c = 0; c < components; c++)
      writeFileSync(path.join(recipeDir, 'components', `step-${c}.yaml`), componentText(i, c, i % 5 === 4));
    recipes.push(path.join(recipeDir, 'recipe.yaml'));
    files += 1 + components;
  }
  return { recipes, files };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const sink = { write: () => true };

async function inProcess(dir: string, files: string[]) {
  const compile = performance.now();
  checkSchema('recipe', {});
  checkSchema('component', {});
  const compileMs = performance.now() - compile;
  const first = performance.now();
  const firstResult = validateRecipeFile(files[0] as string, { cwd: dir });
  const firstMs = performance.now() - first;
  const started = performance.now();
  const findings = new Map<string, number>();
  const count = (result: { findings: { ruleId: string }[] }) => {
    for (const f of result.findings) findings.set(f.ruleId, (findings.get(f.ruleId) ?? 0) + 1);
  };
  count(firstResult);
  for (const file of files.slice(1)) count(validateRecipeFile(file, { cwd: dir }));
  const restMs = performance.now() - started;
  const cliStart = performance.now();
  const code = await main(['validate', '--format', 'json'], { stdout: sink, stderr: sink, cwd: dir, env: {} });
  const cliMs = performance.now() - cliStart;
  return { compileMs, firstMs, restMs, perRecipeMs: restMs / (files.length - 1), findings, cliMs, code };
}

interface Launcher {
  name: string;
  command: string[];
}

function coldStart(launchers: Launcher[], recipe: string, cwd: string) {
  return launchers.map(({ name, command }) => {
    const [bin, ...args] = command as [string, ...string[]];
    const once = () => {
      const started = process.hrtime.bigint();
      const result = spawnSync(bin, recipe === '' ? args : [...args, 'validate', recipe], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0 && result.status !== 1) throw new Error(`${name} failed (${result.status}): ${result.stderr}`);
      return ms;
    };
    once(); // fills the file-system cache; not counted
    const samples = Array.from({ length: RUNS }, once);
    const shown = recipe === '' ? command : [...command, 'validate', '<recipe>'];
    return {
      name,
      command: shown.join(' ').replaceAll(ROOT, '.').replace(process.execPath, 'node'),
      medianMs: median(samples),
      minMs: Math.min(...samples),
    };
  });
}

function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

const dir = mkdtempSync(path.join(tmpdir(), 'bakery-bench-'));
try {
  const { recipes: files, files: fileCount } = generate(dir, RECIPES);
  const loadBefore = loadavg()[0] ?? 0;
  const run = await inProcess(dir, files);
  const precompiled = await precompiledLoadMs(dir);
  const found = [...run.findings].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id} ×${n}`);
  await buildBundle({ log: () => {} });
  const bundle = path.join(DIST as string, ENTRY as string);
  const tsxCli = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
  const binTs = path.join(ROOT, 'packages/cli/src/bin.ts');
  const launchers: Launcher[] = [
    { name: 'pnpm bakery (root script: the launcher)', command: ['pnpm', '--dir', ROOT, 'bakery'] },
    { name: 'tsx CLI', command: [process.execPath, tsxCli, binTs] },
    { name: 'node --import tsx', command: [process.execPath, '--import', 'tsx', binTs] },
    { name: 'node, the esbuild bundle itself (precompiled validators)', command: [process.execPath, bundle] },
    { name: 'launcher: bundle, rebuilt only when stale', command: [process.execPath, path.join(ROOT, 'packages/cli/bin/bakery.mjs')] },
  ];
  const baseline = coldStart([{ name: 'node (empty script, baseline)', command: [process.execPath, '-e', ''] }], '', ROOT);
  // `node --import tsx` resolves tsx from the working folder, so every launcher runs from the workspace root.
  const cold = coldStart(launchers, files[0] as string, ROOT);
  const loadAfter = loadavg()[0] ?? 0;

  const table = [
    '## Validation',
    '',
    `Measured by \`pnpm exec tsx bench/validate/run.ts --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (the machine is shared, so treat the numbers as upper bounds).`,
    '',
    `### ${RECIPES} recipes in one process`,
    '',
    `${RECIPES} generated recipes, ${fileCount} YAML files in all (every recipe has 1–2 local components); findings: ${found.length > 0 ? found.join(', ') : 'none'}.`,
    '',
    '| what | time |',
    '|---|---|',
    `| compile both JSON Schemas with ajv (once per process) | ${ms(run.compileMs)} |`,
    `| the same validators precompiled with ajv standalone, as the CLI bundle ships them: import the generated module | ${ms(precompiled)} |`,
    `| first recipe, schemas already compiled | ${ms(run.firstMs)} |`,
    `| the other ${RECIPES - 1} recipes | ${ms(run.restMs)} |`,
    `| per recipe, after the first | ${ms(run.perRecipeMs)} |`,
    `| \`bakery validate\` in-process over the whole workspace (walk, validate, JSON output) | ${ms(run.cliMs)} |`,
    '',
    `### One recipe from the command line (cold start, median of ${RUNS})`,
    '',
    '| launcher | median | fastest |',
    '|---|---|---|',
    ...[...baseline, ...cold].map((c) => `| ${c.name}: \`${c.command}\` | ${ms(c.medianMs)} | ${ms(c.minMs)} |`),
    '',
    `Reading: validating is cheap (${ms(run.perRecipeMs)} per recipe once started); a one-recipe run is start-up. Loading`,
    `the TypeScript sources through tsx costs about ${ms(median(cold.filter((c) => c.name.includes('tsx')).map((c) => c.medianMs)) - (cold.find((c) => c.name.includes('bundle itself'))?.medianMs ?? 0))} over the bundle, and compiling the`,
    `two JSON Schemas about ${ms(run.compileMs)}, which the bundle's precompiled (standalone) validators cut to about ${ms(precompiled)}.`,
    '',
  ].join('\n');
  console.log(table);
  if (values['write-doc']) writeSection(table);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Replace (or append) the "## Validation" section, leaving the rest of the document alone. */
function writeSection(section: string): void {
  const current = existsSync(DOC)
    ? readFileSync(DOC, 'utf8')
    : '# Benchmarks\n\nNumbers from the scripts under `bench/`. Speed is measured here, never asserted in tests.\n';
  const start = current.indexOf('## Validation');
  if (start < 0) {
    writeFileSync(DOC, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  const end = next < 0 ? current.length : next + 1;
  writeFileSync(DOC, `${current.slice(0, start)}${section}${next < 0 ? '' : `\n${current.slice(end)}`}`);
}
