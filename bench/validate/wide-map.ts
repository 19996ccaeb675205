/**
 * Linear time on wide maps: a recipe whose `tags` map holds N keys (10,000 is the case from the
 * hostile-input review, about 150 KB), validated in one process. Also times the parse alone with
 * the old duplicate-key check (yaml's `uniqueKeys: true`, which compares each key with every
 * earlier one) against the one-pass check the validator uses now.
 *
 *   pnpm exec tsx bench/validate/wide-map.ts [--runs N] [--write-doc]
 *
 * `--write-doc` replaces the "Wide maps" section of docs/benchmarks.md with the results.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseYaml, validateRecipeFile } from '../../packages/recipe-schema/src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
// The yaml package the schema package depends on (the workspace root does not list it).
const { parseDocument } = createRequire(path.join(ROOT, 'packages/recipe-schema/package.json'))('yaml') as {
  parseDocument(text: string, options: object): unknown;
};
const DOC = path.join(ROOT, 'docs/benchmarks.md');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'write-doc': { type: 'boolean', default: false } },
  strict: true,
});
const RUNS = Number(values.runs);
const SIZES = [1_000, 10_000, 40_000];

function recipe(keys: number): string {
  return [
    'name: wide-map',
    'version: 1.0.0',
    'platform: linux',
    'architecture: x86_64',
    'parentImage:',
    '  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    'components:',
    '  - managed: update-linux',
    '    version: x.x.x',
    'build:',
    '  instanceTypes: [m7i.large]',
    '  rootVolume: { sizeGiB: 20, encrypted: true }',
    'tags:',
    ...Array.from({ length: keys }, (_, i) => `  key-${i}: value-${i}`),
    '',
  ].join('\n');
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(run: () => void, runs = RUNS): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const ms = (value: number) => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);
const load = [loadavg()[0]];
const dir = mkdtempSync(path.join(tmpdir(), 'bakery-wide-map-'));
const rows: string[] = [];
try {
  for (const keys of SIZES) {
    const text = recipe(keys);
    const folder = path.join(dir, String(keys));
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'recipe.yaml'), text);
    const validate = time(() => validateRecipeFile(path.join(folder, 'recipe.yaml'), { cwd: dir }));
    const parse = time(() => parseYaml(text, 'recipe.yaml'));
    // The old check is quadratic: one run is enough to see it, and more would take minutes at 50,000.
    const old = keys <= 10_000 ? time(() => parseDocument(text, { uniqueKeys: true, strict: true }), 1) : undefined;
    rows.push(
      `| ${keys.toLocaleString('en-US')} | ${(text.length / 1024).toFixed(0)} KB | **${ms(validate)}** | ${ms(parse)} | ${old === undefined ? 'not run (minutes)' : ms(old)} |`,
    );
    process.stderr.write(
      `${keys} keys: validate ${ms(validate)}, parse ${ms(parse)}${old === undefined ? '' : `, old parse ${ms(old)}`}\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
load.push(loadavg()[0]);

const section = [
  '## Wide maps',
  '',
  `Measured by \`pnpm exec tsx bench/validate/wide-map.ts --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${load.map((l) => (l ?? 0).toFixed(1)).join(' → ')} (shared machine: upper bounds). Median of ${RUNS} runs in one process.`,
  '',
  'A recipe whose `tags` map has N keys (the hostile-input review found 10,000 keys taking about a minute).',
  '',
  "| keys in one map | file | validateRecipeFile (schema, rules, locations) | parse with the one-pass duplicate-key check | parse with yaml's `uniqueKeys: true` (before) |",
  '|---|---|---|---|---|',
  ...rows,
  '',
  "Reading: yaml's own duplicate-key check compares every key with all earlier keys of its map (quadratic); the validator now parses with it off and finds duplicate keys in one pass over the document, with the same RB0003 findings at the same positions. The whole validation grows linearly with the map.",
  '',
].join('\n');
process.stdout.write(`${section}\n`);
if (values['write-doc']) {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf('## Wide maps');
  const next = start < 0 ? -1 : doc.indexOf('\n## ', start + 1);
  const updated = start < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, start)}${section}${next < 0 ? '' : doc.slice(next + 1)}`;
  writeFileSync(DOC, updated);
}
