/**
 * Shared set-up of the hostile-input suite: the shipped CLI (bin/bakery.mjs, which runs the
 * built bundle in dist/) as a child process with limits the test sets itself, and an environment
 * that holds nothing of the caller's but PATH.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../pipeline-helpers.js';

export const LAUNCHER = fileURLToPath(new URL('../../bin/bakery.mjs', import.meta.url));

export interface ChildRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment a child gets: PATH, a fresh HOME, no colours; plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tempDir(),
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/**
 * `bakery <args>` through the launcher in a child bounded by the test: `timeoutMs` (killed with
 * SIGKILL after it) and a V8 heap of `heapMb`.
 */
export function runShipped(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number; heapMb?: number },
): ChildRun {
  const result: SpawnSyncReturns<string> = spawnSync(
    process.execPath,
    [`--max-old-space-size=${options.heapMb ?? 256}`, LAUNCHER, ...args],
    {
      cwd: options.cwd,
      env: childEnv(options.env),
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return { status: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Builds the CLI bundle if a source is newer (the launcher does it), so timed children only run it. */
export function ensureShippedBundle(): void {
  const built = spawnSync(process.execPath, [LAUNCHER, '--version'], { encoding: 'utf8', timeout: 300_000, env: childEnv() });
  if (built.status !== 0) throw new Error(`the CLI bundle did not build: ${built.stderr}`);
}
