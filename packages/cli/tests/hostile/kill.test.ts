/**
 * Hostile timing: `bakery bundle` stopped at random moments. After every stop the bundle folder
 * holds the previous bundle or the new one, byte for byte, and passes the check publish and the
 * deployer run (verifyBundle); a stop by SIGTERM leaves no temporary folder, one by SIGKILL leaves
 * only what the next run removes. And `bakery build`, stopped by a signal while cfn-lint runs,
 * stops cfn-lint with everything it started and removes its scratch folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { verifyBundle } from '@ami-bakery/bundle';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, workspaceCopy } from '../pipeline-helpers.js';
import { childEnv, ensureShippedBundle, LAUNCHER } from './helpers.js';

beforeAll(ensureShippedBundle, 300_000);

/** Every file of a bundle folder as path -> bytes; undefined when there is no bundle. */
function filesOf(dir: string): Map<string, Uint8Array> | undefined {
  if (!existsSync(dir)) return undefined;
  const files = new Map<string, Uint8Array>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8', withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, absolute).split(path.sep).join('/'), new Uint8Array(readFileSync(absolute)));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function same(a: Map<string, Uint8Array> | undefined, b: Map<string, Uint8Array> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.size !== b.size) return false;
  for (const [file, bytes] of a) {
    const other = b.get(file);
    if (other === undefined || Buffer.compare(Buffer.from(bytes), Buffer.from(other)) !== 0) return false;
  }
  return true;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Two source states of one workspace: A with six recipes, B with each bumped and one deleted. */
function sourceStates(root: string): { apply(state: 'A' | 'B'): void } {
  const names = ['k-one', 'k-two', 'k-three', 'k-four', 'k-five', 'k-six'];
  const template = readFileSync(path.join(root, 'recipes/al2023-hardened/recipe.yaml'), 'utf8');
  rmSync(path.join(root, 'recipes/imds-optional'), { recursive: true });
  const recipesA = new Map(names.map((name) => [name, template.replaceAll('al2023-hardened', name)]));
  const recipesB = new Map(
    names
      .slice(1)
      .map((name) => [
        name,
        template.replaceAll('al2023-hardened', name).replace('version: 1.2.0', 'version: 1.3.0').replace('sizeGiB: 30', 'sizeGiB: 40'),
      ]),
  );
  return {
    apply(state) {
      const wanted = state === 'A' ? recipesA : recipesB;
      for (const name of names) {
        const dir = path.join(root, 'recipes', name);
        const text = wanted.get(name);
        if (text === undefined) {
          rmSync(dir, { recursive: true, force: true });
          continue;
        }
        if (!existsSync(dir)) cpSync(path.join(root, 'recipes/al2023-hardened'), dir, { recursive: true });
        writeFileSync(path.join(dir, 'recipe.yaml'), text);
      }
    },
  };
}

describe('Hostile: bakery bundle stopped at random moments', () => {
  it('leaves the previous bundle or the new one, whole and verified, after every stop', async () => {
    // Prepare: the two bundles a complete run writes for each source state
    const root = workspaceCopy();
    const states = sourceStates(root);
    const out = path.join(root, 'dist/bundle');
    const run = () => spawn(process.execPath, [LAUNCHER, 'bundle'], { cwd: root, env: childEnv(), stdio: 'ignore' });
    const expected: Record<'A' | 'B', Map<string, Uint8Array> | undefined> = { A: undefined, B: undefined };
    let duration = 0;
    for (const state of ['B', 'A'] as const) {
      states.apply(state);
      const started = Date.now();
      await exited(run());
      duration = Math.max(duration, Date.now() - started);
      expected[state] = filesOf(out);
    }
    expect(verifyBundle(expected.A as Map<string, Uint8Array>)).toEqual([]);
    expect(verifyBundle(expected.B as Map<string, Uint8Array>)).toEqual([]);
    expect(same(expected.A, expected.B)).toBe(false);

    // Act: alternate the sources and stop each run after a delay drawn from the whole run's length
    const stops = fc.sample(
      fc.record({ delay: fc.integer({ min: 0, max: duration }), signal: fc.constantFrom<NodeJS.Signals>('SIGKILL', 'SIGTERM') }),
      { seed: 20261202, numRuns: 12 },
    );
    const seen: string[] = [];
    let previous: 'A' | 'B' = 'A';
    for (const [index, stop] of stops.entries()) {
      const next = index % 2 === 0 ? 'B' : 'A';
      states.apply(next);
      const child = run();
      const done = exited(child);
      await new Promise((resolve) => setTimeout(resolve, stop.delay));
      child.kill(stop.signal);
      const outcome = await done;

      // Assess: whatever the moment, one of the two bundles, whole
      const files = filesOf(out);
      const now = same(files, expected[next]) ? next : same(files, expected[previous]) ? previous : 'mix';
      seen.push(`${stop.signal}@${stop.delay}ms:${now}`);
      expect(now, `stop ${index} (${stop.signal} after ${stop.delay} ms, exit ${JSON.stringify(outcome)})`).not.toBe('mix');
      expect(verifyBundle(files as Map<string, Uint8Array>)).toEqual([]);
      if (stop.signal === 'SIGTERM') {
        // A stopped run removes its own temporary folders (named with its pid). What an earlier
        // SIGKILLed run left is removed by the next run that reaches the swap, which a run stopped
        // this early may not; the last complete run below shows that.
        const own = new RegExp(`^\\.bundle\\.(new|old)-${child.pid}-`);
        expect(readdirSync(path.dirname(out)).filter((entry) => own.test(entry))).toEqual([]);
      }
      previous = now as 'A' | 'B';
    }

    // A last complete run removes what any SIGKILLed run left beside the bundle.
    await exited(run());
    expect(readdirSync(path.dirname(out)).sort()).toEqual(['bundle']);
    expect(seen).toHaveLength(12);
  }, 300_000);
});

describe('Hostile: bakery build stopped by a signal while cfn-lint runs', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s stops cfn-lint and what it started, and removes the scratch folder',
    async (signal) => {
      // Prepare: a cfn-lint that starts a child of its own, records both pids and waits
      const root = workspaceCopy();
      const scratch = tempDir();
      const pids = path.join(scratch, 'pids');
      const fake = path.join(scratch, 'cfn-lint');
      writeFileSync(fake, `#!/bin/sh\nsleep 600 &\necho "$$ $!" > '${pids}'\nwait\n`);
      chmodSync(fake, 0o755);
      const tmp = tempDir();
      const child = spawn(process.execPath, [LAUNCHER, 'build', 'recipes/al2023-hardened'], {
        cwd: root,
        env: childEnv({ BAKERY_CFN_LINT: fake, TMPDIR: tmp }),
        stdio: 'ignore',
      });
      const done = exited(child);
      // Bounded by attempts: the fake writes its pids as soon as it runs.
      for (let attempt = 0; attempt < 600 && !existsSync(pids); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      const [shell, sleeper] = readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];

      // Act
      child.kill(signal);
      const outcome = await done;

      // Assess
      expect(outcome.signal).toBe(signal);
      // A killed process is gone once the kernel has delivered the signal: bounded by attempts.
      for (let attempt = 0; attempt < 200 && (alive(shell) || alive(sleeper)); attempt += 1)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect([alive(shell), alive(sleeper)]).toEqual([false, false]);
      expect(readdirSync(tmp).filter((entry) => entry.startsWith('bakery-lint-'))).toEqual([]);
    },
    120_000,
  );
});

/** Running (a zombie waiting to be reaped has already stopped). */
function alive(pid: number): boolean {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
