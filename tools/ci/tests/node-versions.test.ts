/**
 * The Node.js versions the workspace names agree: each Lambda's runtime is the major that .ci/run's
 * second run tests on and that the GitHub workflow's matrix holds; the matrix holds the supported
 * LTS lines and no end-of-life one; the README and package.json say the same.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CI_NODE_VERSION } from '../../scripts/local-node.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const CI_MAJOR = Number(CI_NODE_VERSION.split('.')[0]);
/** The Node.js lines the workspace supports and CI tests on. */
const SUPPORTED_LTS = [22, 24];

function sourceFiles(dir: string): string[] {
  const absolute = path.join(ROOT, dir);
  return readdirSync(absolute).flatMap((name) => {
    const file = path.join(dir, name);
    if (name === 'node_modules' || name === 'cdk.out' || name === 'dist' || name === 'tests') return [];
    return statSync(path.join(ROOT, file)).isDirectory() ? sourceFiles(file) : /\.ts$/.test(name) ? [file] : [];
  });
}

/** Every Lambda runtime the control-plane sources set: `Runtime.NODEJS_24_X` or `'nodejs24.x'`. */
function lambdaRuntimes(): Array<{ file: string; line: number; major: number }> {
  return readdirSync(path.join(ROOT, 'control-plane'))
    .flatMap((project) => sourceFiles(path.join('control-plane', project)))
    .flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((text, index) =>
          [...text.matchAll(/Runtime\.NODEJS_(\d+)_X\b|['"]nodejs(\d+)\.x['"]/g)].map((m) => ({
            file,
            line: index + 1,
            major: Number(m[1] ?? m[2]),
          })),
        ),
    );
}

interface Workflow {
  jobs: Record<string, { strategy?: { matrix?: { node?: number[] } }; steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
}
const workflow = parse(read('.github/workflows/ci.yml')) as Workflow;

describe('Node.js versions', () => {
  const runtimes = lambdaRuntimes();

  it('finds the bootstrap Lambda runtime in the management stack', () => {
    expect(runtimes.map(({ file }) => file)).toContain('control-plane/management-stack/src/management-stack.ts');
  });

  it.each(runtimes)('$file:$line runs Lambda on the Node.js major the second .ci/run run tests on', ({ major }) => {
    expect(major).toBe(CI_MAJOR);
  });

  it('tests on the supported LTS lines in the GitHub workflow, the Lambda runtime among them', () => {
    expect(workflow.jobs.check?.strategy?.matrix?.node).toEqual(SUPPORTED_LTS);
    expect(SUPPORTED_LTS).toContain(CI_MAJOR);
    const checkNode = workflow.jobs.check?.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(checkNode?.with).toEqual({ 'node-version': '${{ matrix.node }}' });
  });

  it('builds and publishes on the Lambda runtime major', () => {
    const publishNode = workflow.jobs.publish?.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(publishNode?.with).toEqual({ 'node-version': CI_MAJOR });
  });

  it('uses no end-of-life Node.js (20 or older) anywhere in CI', () => {
    const setupNodes = Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
      steps.filter((step) => step.uses?.startsWith('actions/setup-node@')).map((step) => ({ job, version: step.with?.['node-version'] })),
    );
    expect(setupNodes.filter(({ version }) => typeof version === 'number' && version < 22)).toEqual([]);
    const buildspec = parse(read('buildspec.yml')) as { phases: { install: { 'runtime-versions': { nodejs: number } } } };
    expect(buildspec.phases.install['runtime-versions'].nodejs).toBeGreaterThanOrEqual(22);
  });

  it('states the same versions in the README and package.json engines', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20.19');
    const twoCommands = read('README.md').split('## Two commands')[1]?.split('\n## ')[0] ?? '';
    expect(twoCommands).toContain('Node.js 22 or 24');
    expect(twoCommands).toContain('20.19');
  });
});
