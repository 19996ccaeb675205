/**
 * Built-in template checks vs the real cfn-lint, on the same generated templates.
 *
 *   pnpm exec tsx bench/lint/lint-bench.ts [sizes...]      # default sizes: 10 100 500
 *
 * Templates are derived from the cfn-lint fixture's valid Image Builder template, each with its
 * own names, sizes, schedule and 0-3 extra components, so no two are identical. For every size:
 * - built-in: `checkTemplateFile` over all files in this process; the spec load (first use,
 *   from the slim cache) is timed apart and included in the total, as a CLI run pays it once;
 * - cfn-lint: one `runCfnLint` process over all files (its Python start-up included).
 * Prints a Markdown table for docs/benchmarks.md. Timings are wall-clock, one run each.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCfnLint } from '../../packages/cfn-lint/src/index.js';
import { checkTemplateFile, getSpec, loadSpec } from '../../packages/template-checks/src/index.js';

const FIXTURE = new URL('../../packages/template-checks/tests/fixtures/valid-template.yaml', import.meta.url);
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const SIZES = sizes.length > 0 ? sizes : [10, 100, 500];

function generate(base: string, i: number): string {
  const extra = i % 4;
  const extraResources = Array.from(
    { length: extra },
    (_, k) => `  ExtraComponent${k}:
    Type: AWS::ImageBuilder::Component
    Properties:
      Name: extra-${i}-${k}
      Version: 1.${k}.${i % 10}
      Platform: Linux
      Data: |
        name: extra-${k}
        schemaVersion: 1.0
        phases:
          - name: build
            steps:
              - name: Step${k}
                action: ExecuteBash
                inputs:
                  commands: ["echo ${i}-${k}"]

`,
  ).join('');
  const extraArns = Array.from({ length: extra }, (_, k) => `\n        - ComponentArn: !GetAtt ExtraComponent${k}.Arn`).join('');
  return base
    .replaceAll('hardened-al2023', `hardened-al2023-${i}`)
    .replace('hardening-component', `hardening-component-${i}`)
    .replace('VolumeSize: 30', `VolumeSize: ${30 + (i % 50)}`)
    .replace('TimeoutMinutes: 60', `TimeoutMinutes: ${60 + (i % 60)}`)
    .replace('Status: ENABLED', `Status: ${i % 2 === 0 ? 'ENABLED' : 'DISABLED'}`)
    .replace('cron(0 0 * * ? *)', `cron(${i % 60} ${i % 24} * * ? *)`)
    .replace('        - ComponentArn: !GetAtt HardeningComponent.Arn', `        - ComponentArn: !GetAtt HardeningComponent.Arn${extraArns}`)
    .replace('  ImageRecipe:\n', `${extraResources}  ImageRecipe:\n`);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

const base = readFileSync(FIXTURE, 'utf8');

// Spec load: once without the cache (what a fresh install pays once), once as every later run does.
let t = performance.now();
loadSpec({ cacheDir: null });
const uncachedLoadMs = performance.now() - t;
t = performance.now();
getSpec();
const specLoadMs = performance.now() - t;

const rows: string[] = [];
for (const size of SIZES) {
  const dir = mkdtempSync(path.join(tmpdir(), `lint-bench-${size}-`));
  try {
    const files = Array.from({ length: size }, (_, i) => {
      const file = `template-${String(i).padStart(4, '0')}.yaml`;
      writeFileSync(path.join(dir, file), generate(base, i));
      return file;
    });

    t = performance.now();
    let builtInFindings = 0;
    for (const file of files) builtInFindings += checkTemplateFile(file, { cwd: dir }).length;
    const checkMs = performance.now() - t;
    const builtInMs = specLoadMs + checkMs;

    t = performance.now();
    const cfnLint = await runCfnLint(files, { cwd: dir, timeoutMs: 30 * 60_000 });
    const cfnLintMs = performance.now() - t;
    if (cfnLint.status !== 'ran') throw new Error(`cfn-lint did not run: ${cfnLint.skippedReason}`);

    const ratio = cfnLintMs / builtInMs;
    rows.push(
      `| ${size} | ${seconds(builtInMs)} | ${seconds(checkMs)} (${(checkMs / size).toFixed(2)} ms/template) | ${seconds(cfnLintMs)} | ${ratio.toFixed(1)}× | ${builtInFindings} / ${cfnLint.findings.length} |`,
    );
    console.error(`${size} templates: built-in ${seconds(builtInMs)}, cfn-lint ${seconds(cfnLintMs)}, ratio ${ratio.toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Spec load: ${seconds(specLoadMs)} from the slim cache; ${seconds(uncachedLoadMs)} without it (first run after install).

| templates | built-in total (spec load + checks) | checks only | cfn-lint (one process) | cfn-lint / built-in | findings (built-in / cfn-lint) |
|---|---|---|---|---|---|
${rows.join('\n')}`);
