/**
 * Writing that a killed process never leaves half done: a file through a temporary file and a
 * rename; a folder (a recipe folder, the whole bundle) built complete in a temporary folder beside
 * it and then put in place.
 *
 * A folder that already exists cannot be replaced by one rename (POSIX rename refuses a non-empty
 * target, and Node has no `renameat2(RENAME_EXCHANGE)`), so it takes two consecutive renames:
 * `<target>` -> `.<name>.old-<run>`, then `.<name>.new-<run>` -> `<target>`. Both temporary names
 * carry the same run token, so a process killed between the two (SIGKILL; other signals are
 * handled after the synchronous swap) leaves a state {@link recoverFolder} completes: the new
 * folder was whole before the first rename, so it is rolled forward. Anything else a killed run
 * left (an unfinished `.new-`, an `.old-` not yet removed) is removed once its process is gone.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Write-then-rename, so readers (a parallel task, the publisher, an editor) never see a half-written file. */
export function writeAtomic(file: string, content: string | Uint8Array, mode?: number): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, content, mode === undefined ? undefined : { mode });
    renameSync(temp, file);
  } catch (cause) {
    rmSync(temp, { force: true });
    throw cause;
  }
}

const TEMP_NAME = /^\.(.+)\.(new|old)-(\d+)-([0-9a-f]+)$/;

/** Temporary folders of this process, removed if it is stopped by a signal (see `temporaryFolders`). */
const live = new Set<string>();

/** The temporary folders this process has open right now (a signal handler removes them). */
export function temporaryFolders(): string[] {
  return [...live];
}

/**
 * Replaces (or creates) the folder `target` with one `build` fills, so that at every moment
 * `target` is either the old folder or the complete new one. `build` gets an empty folder beside
 * `target` (same file system). When `build` throws, `target` is left untouched.
 */
export function replaceFolder(target: string, build: (dir: string) => void): void {
  const parent = path.dirname(target);
  const name = path.basename(target);
  mkdirSync(parent, { recursive: true });
  recoverFolder(target);
  const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const fresh = path.join(parent, `.${name}.new-${token}`);
  const old = path.join(parent, `.${name}.old-${token}`);
  mkdirSync(fresh);
  live.add(fresh);
  try {
    build(fresh);
    if (exists(target)) {
      renameSync(target, old);
      live.add(old);
      // From here to the next line the folder is only under its temporary names (see recoverFolder).
      renameSync(fresh, target);
    } else {
      renameSync(fresh, target);
    }
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    live.delete(fresh);
    throw error;
  }
  live.delete(fresh);
  rmSync(old, { recursive: true, force: true });
  live.delete(old);
}

/** Removes the folder `target` whole: renamed aside first, so it is never seen half removed. */
export function removeFolder(target: string): void {
  if (!exists(target)) return;
  const old = path.join(path.dirname(target), `.${path.basename(target)}.old-${process.pid}-${randomBytes(6).toString('hex')}`);
  renameSync(target, old);
  live.add(old);
  rmSync(old, { recursive: true, force: true });
  live.delete(old);
}

/**
 * Finishes or cleans up what a killed `replaceFolder` of `target` left: when `target` is missing
 * and a run left both its `.new-` and `.old-` folder, the new one was complete and is moved in;
 * temporary folders of processes that are gone are removed. Returns what it did, for messages.
 */
export function recoverFolder(target: string): { rolledForward: boolean; removed: string[] } {
  const parent = path.dirname(target);
  const name = path.basename(target);
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return { rolledForward: false, removed: [] };
  }
  const mine = entries
    .map((entry) => ({ entry, match: TEMP_NAME.exec(entry) }))
    .filter((e): e is { entry: string; match: RegExpExecArray } => e.match !== null && e.match[1] === name);
  let rolledForward = false;
  if (!exists(target)) {
    for (const { match } of mine) {
      if (match[2] !== 'old') continue;
      const token = `${match[3]}-${match[4]}`;
      const fresh = path.join(parent, `.${name}.new-${token}`);
      if (!exists(fresh) || isAlive(Number(match[3]))) continue;
      renameSync(fresh, target);
      rolledForward = true;
      break;
    }
  }
  const removed: string[] = [];
  for (const { entry, match } of mine) {
    const pid = Number(match[3]);
    const absolute = path.join(parent, entry);
    if (isAlive(pid) || !exists(absolute)) continue;
    rmSync(absolute, { recursive: true, force: true });
    removed.push(absolute);
  }
  return { rolledForward, removed };
}

/** Hard-links (or, across devices, copies) every file of folder `from` into the new folder `to`. */
export function copyFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyFolder(source, target);
    else if (entry.isFile()) {
      try {
        // Safe to share: bundle files are never changed in place, only replaced by renames.
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return live.size > 0;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
