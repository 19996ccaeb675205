/**
 * Per-recipe bundling benchmark: `bundleRecipe` on every shipped recipe, in one warm process
 * (schemas compiled, modules loaded), median of N runs each; plus the windows-controls generator
 * alone on each shipped controls table. What `bakery bundle <recipe>` pays per recipe after start-up.
 *
 *   pnpm exec tsx bench/bundle/run.ts [--runs 15] [--write-doc]
 *
 * `--write-doc` replaces the measured part of the "Bundling one recipe" section of docs/benchmarks.md
 * with the results and keeps the section's "Reading" paragraphs (written by hand) after them.
 *
 * Wall time counts whatever else the machine runs; CPU time (`process.cpuUsage`, user + system of this
 * process) is the work bundling does, which load changes much less. Both are reported.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ControlsTable, generateWindowsControls, parseTable } from '../../packages/hardening/src/index.js';
import { bundleRecipe } from '../../packages/recipe-bundler/src/bundle.js';
import { clearGeneratedCache } from '../../packages/recipe-schema/src/generators/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = path.join(ROOT, 'docs/benchmarks.md');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, 'write-doc': { type: 'boolean', default: false } },
  strict: true,
});
const RUNS = Number(values.runs);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(work: () => void): { median: number; min: number; max: number; cpu: number } {
  work(); // warm-up: module caches, compiled schemas, JIT
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuSamples.push((cpu.user + cpu.system) / 1000);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), cpu: median(cpuSamples) };
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const recipes = readdirSync(path.join(ROOT, 'recipes'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const loadStart = loadavg()
  .map((l) => l.toFixed(1))
  .join(', ');
const rows: string[] = [];
for (const name of recipes) {
  let outcome = '';
  const t = time(() => {
    // Cold for the recipe: nothing read or generated earlier in the process is reused.
    clearGeneratedCache();
    const result = bundleRecipe(path.join('recipes', name), { cwd: ROOT, sourceCommit: null });
    outcome =
      result.templateText === undefined
        ? `failed: ${result.findings.map((f) => f.ruleId).join(', ')}`
        : `${result.templateText.length} chars of template`;
  });
  rows.push(`| \`${name}\` | **${ms(t.median)}** | ${ms(t.min)}–${ms(t.max)} | ${ms(t.cpu)} | ${outcome} |`);
  process.stderr.write(`${name}: ${ms(t.median)} (CPU ${ms(t.cpu)})\n`);
}

const generatorRows: string[] = [];
for (const name of recipes) {
  const dir = path.join(ROOT, 'recipes', name, 'controls');
  let tables: string[] = [];
  try {
    tables = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  } catch {
    continue;
  }
  for (const file of tables) {
    const table = parseTable(readFileSync(path.join(dir, file), 'utf8')) as ControlsTable;
    let parts = 0;
    const t = time(() => {
      parts = generateWindowsControls(table, { baseName: `${name}-x`, tableFile: `controls/${file}` }).length;
    });
    generatorRows.push(`| \`${name}/controls/${file}\` | ${table.controls.length} | ${parts} | **${ms(t.median)}** | ${ms(t.cpu)} |`);
  }
}

const loadEnd = loadavg()
  .map((l) => l.toFixed(1))
  .join(', ');
const load = `${loadStart} at the start, ${loadEnd} at the end`;
const section = [
  '## Bundling one recipe',
  '',
  `Measured by \`pnpm exec tsx bench/bundle/run.ts --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${load} (shared machine: upper bounds).`,
  `\`bundleRecipe\` (validate, generate, template, manifest; nothing written) per shipped recipe in one process (modules loaded, schemas compiled; the tables read and generated anew every run), median of ${RUNS} runs after one warm-up. Target: every recipe within 50 ms.`,
  '',
  '| recipe | median (wall) | min–max (wall) | median CPU | result |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  'The windows-controls generator alone on each shipped table:',
  '',
  '| table | rows | documents | median (wall) | median CPU |',
  '|---|---|---|---|---|',
  ...generatorRows,
  '',
].join('\n');

process.stdout.write(`${section}\n`);
if (values['write-doc']) {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf('## Bundling one recipe');
  const next = start === -1 ? -1 : doc.indexOf('\n## ', start + 1);
  const old = start === -1 ? '' : doc.slice(start, next === -1 ? undefined : next + 1);
  const readingAt = old.search(/^Reading\b/m);
  const reading = readingAt === -1 ? '' : `\n${old.slice(readingAt).trimEnd()}\n\n`;
  const updated =
    start === -1
      ? `${doc.trimEnd()}\n\n${section}${reading}`
      : `${doc.slice(0, start)}${section}${reading}${next === -1 ? '' : doc.slice(next + 1)}`;
  writeFileSync(DOC, updated.endsWith('\n') ? updated : `${updated}\n`);
}
