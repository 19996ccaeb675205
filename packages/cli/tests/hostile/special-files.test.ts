/**
 * Hostile inputs: files that are not what a recipe's files should be. A symbolic link to
 * /dev/zero or a FIFO, a folder, a file over the size cap. Each run is the shipped CLI in a child
 * with a small heap and a timeout the test sets; every case must end with a finding at the path
 * the author gave, never read the file, never hang, never grow without bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceCopy } from '../pipeline-helpers.js';
import { ensureShippedBundle, runShipped } from './helpers.js';

const RECIPE = 'recipes/al2023-hardened/recipe.yaml';
const COMPONENT = 'recipes/al2023-hardened/components/harden-ssh.yaml';

beforeAll(ensureShippedBundle, 300_000);

type Make = (file: string) => void;
const toDevZero: Make = (file) => symlinkSync('/dev/zero', file);
const fifo: Make = (file) => execFileSync('mkfifo', [file]);
const folder: Make = (file) => mkdirSync(file);
const tooLarge: Make = (file) => writeFileSync(file, `# padding\n${'#'.repeat(2 * 1024 * 1024)}\n`);

/** `file:line:column ruleId` of each finding in `--format json`, the shape compared. */
function located(stdout: string): string[] {
  return (
    JSON.parse(stdout) as { Filename: string; Location: { Start: { LineNumber: number; ColumnNumber: number } }; Rule: { Id: string } }[]
  ).map((m) => `${m.Filename}:${m.Location.Start.LineNumber}:${m.Location.Start.ColumnNumber} ${m.Rule.Id}`);
}

describe('Hostile: special files where a recipe file is expected (shipped CLI, 128 MB heap, 60 s bound)', () => {
  it.each([
    { case: 'recipe.yaml is a link to /dev/zero', file: RECIPE, make: toDevZero, finding: `${RECIPE}:1:1 RB0020` },
    { case: 'recipe.yaml is a FIFO', file: RECIPE, make: fifo, finding: `${RECIPE}:1:1 RB0020` },
    { case: 'recipe.yaml is a folder', file: RECIPE, make: folder, finding: `${RECIPE}:1:1 RB0020` },
    { case: 'recipe.yaml is over the 1 MiB cap', file: RECIPE, make: tooLarge, finding: `${RECIPE}:1:1 RB0021` },
    {
      case: 'a component is a link to /dev/zero (out of the recipe folder)',
      file: COMPONENT,
      make: toDevZero,
      finding: `${RECIPE}:13:11 RB3009`,
    },
    { case: 'a component is a FIFO', file: COMPONENT, make: fifo, finding: `${RECIPE}:13:11 RB0020` },
    { case: 'a component is over the 1 MiB cap', file: COMPONENT, make: tooLarge, finding: `${RECIPE}:13:11 RB0021` },
  ])('validate: $case gives a finding and reads nothing', ({ file, make, finding }) => {
    // Prepare
    const root = workspaceCopy();
    rmSync(path.join(root, file), { recursive: true });
    make(path.join(root, file));

    // Act
    const run = runShipped(['validate', 'recipes/al2023-hardened', '--format', 'json'], { cwd: root, heapMb: 128 });

    // Assess
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 1, signal: null });
    expect(located(run.stdout)).toContain(finding);
  });

  it.each([
    { case: 'recipe.yaml is a link to /dev/zero', file: RECIPE, make: toDevZero },
    { case: 'a component is a FIFO', file: COMPONENT, make: fifo },
  ])('bundle and lint: $case refuse the recipe and write nothing of it', ({ file, make }) => {
    // Prepare
    const root = workspaceCopy();
    rmSync(path.join(root, file), { recursive: true });
    make(path.join(root, file));

    // Act
    const bundle = runShipped(['bundle', 'recipes/al2023-hardened'], { cwd: root, heapMb: 128 });
    const lint = runShipped(['lint', 'recipes/al2023-hardened', '--format', 'json'], {
      cwd: root,
      heapMb: 128,
      env: { BAKERY_CFN_LINT: '/nonexistent/cfn-lint' },
    });

    // Assess
    expect({ status: bundle.status, signal: bundle.signal }).toEqual({ status: 1, signal: null });
    expect(bundle.stdout).toMatch(/^al2023-hardened {2}\S+ {2}not bundled: 1 error$/m);
    expect(bundle.stdout).toContain('RB0020');
    expect(JSON.parse(readFileSync(path.join(root, 'dist/bundle/manifest.json'), 'utf8')).recipes).toEqual([]);
    expect({ status: lint.status, signal: lint.signal }).toEqual({ status: 1, signal: null });
    expect(located(lint.stdout).some((f) => f.endsWith(' RB0020'))).toBe(true);
  });
});
