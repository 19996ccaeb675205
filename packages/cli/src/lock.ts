/**
 * A cross-process lock on a folder, for the bundle's shared files: Nx runs the recipes' bundle
 * targets in parallel, and each rewrites the top-level manifest from every recipe folder present.
 * `mkdir` is atomic on every file system, so the process that creates the lock folder owns it.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputWriteError, UsageError } from './errors.js';

export interface LockOptions {
  /** Give up after this long (default 5 minutes: a CDK synth holds no lock, a bundle write takes milliseconds). */
  timeoutMs?: number;
  /** A lock older than this whose owner is unknown is taken over (default 2 minutes). */
  staleMs?: number;
}

const POLL_MS = 20;

/** Runs `work` while holding `<target>.lock`; the lock is released even when `work` throws. */
export function withLock<T>(target: string, work: () => T, options: LockOptions = {}): T {
  const lock = `${path.resolve(target)}.lock`;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const staleMs = options.staleMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  try {
    mkdirSync(path.dirname(lock), { recursive: true });
  } catch (cause) {
    throw new OutputWriteError(lock, { cause });
  }
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputWriteError(lock, { cause });
    }
    if (isAbandoned(lock, staleMs)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new UsageError(`waited ${Math.round(timeoutMs / 1000)} s for ${lock}; if no other bakery command is running, remove it`);
    sleep(POLL_MS);
  }
  try {
    writeFileSync(path.join(lock, 'owner'), `${process.pid}\n`);
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The owner died (its pid is gone), or it never wrote its pid and the lock is too old to be a live write. */
function isAbandoned(lock: string, staleMs: number): boolean {
  let pid: number | undefined;
  try {
    pid = Number.parseInt(readFileSync(path.join(lock, 'owner'), 'utf8'), 10);
  } catch {
    // The owner has made the folder but not yet written its pid: only age can tell.
  }
  if (pid !== undefined && Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      // EPERM: alive, under another user.
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  try {
    return Date.now() - statSync(lock).mtimeMs > staleMs;
  } catch {
    return false; // released meanwhile: the next mkdir decides
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}
