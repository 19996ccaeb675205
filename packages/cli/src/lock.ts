/**
 * A cross-process lock on a folder, for the bundle: Nx runs the recipes' bundle targets in
 * parallel, and each replaces its folder while the index step replaces the whole bundle.
 *
 * The lock is the folder `<target>.lock` holding `owner` (pid, host, command, start time). It is
 * created whole, owner file included, by renaming a prepared folder into place, which succeeds for
 * exactly one process. A waiter says who holds the lock (once, after {@link NOTICE_AFTER_MS}),
 * takes over a lock whose process is gone, and gives up after `timeoutMs`
 * ({@link DEFAULT_LOCK_TIMEOUT_MS}, or `BAKERY_LOCK_TIMEOUT_MS`), naming the holder.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { OutputWriteError, UsageError } from './errors.js';

/** Default wait for the bundle lock: 2 minutes. A bundle write holds it for well under a second. */
export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;
/** A waiter says who holds the lock after this long. */
export const NOTICE_AFTER_MS = 2_000;

export interface LockOptions {
  /** Give up after this long (default {@link DEFAULT_LOCK_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** A lock without a readable owner older than this is taken over (default 30 s: the owner is written before the lock exists). */
  staleMs?: number;
  /** Called once when the wait gets long, with a line that says who holds the lock. */
  onWait?: (message: string) => void;
  /** When the wait counts as long (default {@link NOTICE_AFTER_MS}). */
  noticeAfterMs?: number;
  /** What this process is doing, recorded for waiters (default the command line). */
  command?: string;
}

interface Owner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const POLL_MS = 20;

/** The lock timeout from `BAKERY_LOCK_TIMEOUT_MS` (milliseconds), else the default. */
export function lockTimeoutFrom(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.BAKERY_LOCK_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_LOCK_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`BAKERY_LOCK_TIMEOUT_MS must be a whole number of milliseconds, got '${raw}'`);
  return value;
}

/** Runs `work` while holding `<target>.lock`; the lock is released even when `work` throws. */
export function withLock<T>(target: string, work: () => T, options: LockOptions = {}): T {
  const lock = `${path.resolve(target)}.lock`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? 30_000;
  const started = Date.now();
  let noticed = false;
  const me: Owner = {
    pid: process.pid,
    host: hostname(),
    command: options.command ?? `bakery ${process.argv.slice(2).join(' ')}`.trim(),
    since: new Date().toISOString(),
  };
  try {
    mkdirSync(path.dirname(lock), { recursive: true });
  } catch (cause) {
    throw new OutputWriteError(lock, { cause });
  }
  for (;;) {
    if (tryAcquire(lock, me)) break;
    const owner = readOwner(lock);
    if (isAbandoned(lock, owner, staleMs)) {
      release(lock);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      throw new UsageError(
        `gave up after waiting ${seconds(waited)} for ${lock}, held by ${describeOwner(owner)}; wait for it to finish, or remove the lock if that process is gone (BAKERY_LOCK_TIMEOUT_MS sets the wait)`,
      );
    }
    if (!noticed && waited >= (options.noticeAfterMs ?? NOTICE_AFTER_MS) && options.onWait) {
      noticed = true;
      options.onWait(`waiting for ${lock}, held by ${describeOwner(owner)}; giving up after ${seconds(timeoutMs)}`);
    }
    sleep(Math.min(POLL_MS, Math.max(1, timeoutMs - waited)));
  }
  try {
    return work();
  } finally {
    release(lock);
  }
}

/**
 * Gives the lock up in one rename, then removes it under its new name. Removing it in place would
 * empty it first, and a waiter's rename succeeds onto an empty folder: two holders at once.
 */
function release(lock: string): void {
  const released = `${lock}.released-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, released);
  } catch {
    return; // taken over as abandoned meanwhile: nothing of ours is left there
  }
  rmSync(released, { recursive: true, force: true });
}

/** Creates the lock with its owner file in one rename; false when another process holds it. */
function tryAcquire(lock: string, me: Owner): boolean {
  const prepared = `${lock}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(prepared);
    writeFileSync(path.join(prepared, 'owner'), `${JSON.stringify(me)}\n`);
  } catch (cause) {
    rmSync(prepared, { recursive: true, force: true });
    throw new OutputWriteError(lock, { cause });
  }
  try {
    renameSync(prepared, lock);
    return true;
  } catch (cause) {
    rmSync(prepared, { recursive: true, force: true });
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') return false;
    throw new OutputWriteError(lock, { cause });
  }
}

function readOwner(lock: string): Owner | undefined {
  try {
    const text = readFileSync(path.join(lock, 'owner'), 'utf8');
    // An older bakery wrote only the pid.
    if (/^\d+\s*$/.test(text)) return { pid: Number(text), host: hostname(), command: 'bakery', since: '' };
    const owner = JSON.parse(text) as Partial<Owner>;
    return typeof owner.pid === 'number'
      ? { pid: owner.pid, host: owner.host ?? '?', command: owner.command ?? 'bakery', since: owner.since ?? '' }
      : undefined;
  } catch {
    return undefined;
  }
}

function describeOwner(owner: Owner | undefined): string {
  if (owner === undefined) return 'a process that left no owner record';
  return `pid ${owner.pid} on ${owner.host} (${owner.command}${owner.since ? `, since ${owner.since}` : ''})`;
}

/** The owner died (its pid is gone on this host), or there is no owner record and the lock is old. */
function isAbandoned(lock: string, owner: Owner | undefined, staleMs: number): boolean {
  if (owner !== undefined && owner.host === hostname()) {
    try {
      process.kill(owner.pid, 0);
      return false;
    } catch (error) {
      // EPERM: alive, under another user.
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  if (owner !== undefined) return false; // another host: only its owner or a person may remove it
  try {
    return Date.now() - statSync(lock).mtimeMs > staleMs;
  } catch {
    return false; // released meanwhile: the next attempt decides
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}
