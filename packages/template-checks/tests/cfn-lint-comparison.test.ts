/**
 * Runs the real cfn-lint once over every mutated template and checks it flags what the table says.
 * Misses on either side are recorded in the table (`ours: []` or `cfnLint: []`, with a note):
 * - cfn-lint misses a literal 'arn:aws:' (RB5008 only);
 * - we miss service patterns such as an Image Builder Name with spaces (E3031 only).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMutation, MUTATIONS, slugOf } from './mutations.js';

const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const installed = probe.error === undefined && probe.status === 0;
const ci = process.env.CI === 'true';

if (!installed && !ci) console.warn('cfn-lint is not on PATH: the cfn-lint comparison test is skipped (install it with `pip install cfn-lint`).');

describe('cfn-lint availability', () => {
  it.runIf(ci)('cfn-lint is installed (required when CI=true)', () => {
    expect(probe.error?.message ?? '', 'cfn-lint must be on PATH in CI').toBe('');
    expect(probe.status).toBe(0);
  });
});

describe.runIf(installed)('Comparison with cfn-lint on the mutation table', () => {
  let dir: string;
  const byFile = new Map<string, Set<string>>();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'template-checks-compare-'));
    const files = MUTATIONS.map((mutation) => {
      const file = `${slugOf(mutation)}.yaml`;
      writeFileSync(path.join(dir, file), applyMutation(mutation));
      return file;
    });
    // One process for all templates, as the cfn-lint wrapper runs it.
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    const matches = JSON.parse(run.stdout) as Array<{ Filename: string; Rule: { Id: string } }>;
    for (const match of matches) {
      const ids = byFile.get(match.Filename) ?? new Set<string>();
      ids.add(match.Rule.Id);
      byFile.set(match.Filename, ids);
    }
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_name, mutation) => {
    const reported = [...(byFile.get(`${slugOf(mutation)}.yaml`) ?? [])].sort();
    expect(reported).toEqual([...mutation.cfnLint].sort());
  });

  it('every mutation is caught by at least one of the two linters', () => {
    const missedByBoth = MUTATIONS.filter((m) => m.ours.length === 0 && m.cfnLint.length === 0).map((m) => m.name);
    expect(missedByBoth).toEqual([]);
  });
});
