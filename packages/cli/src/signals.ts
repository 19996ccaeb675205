/**
 * What a stopped run leaves behind: nothing. On SIGINT, SIGTERM or SIGHUP the CLI stops the
 * cfn-lint it started (its whole process group), removes its temporary folders (the bundle being
 * built beside dist/bundle, cfn-lint's scratch copies), and then dies of the same signal, so a
 * parent sees what happened. The bundle swap itself is synchronous: a signal is handled before or
 * after it, never in the middle.
 */
import { rmSync } from 'node:fs';
import { stopCfnLint } from '@ami-bakery/cfn-lint';
import { temporaryFolders } from '@ami-bakery/recipe-bundler';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const scratch = new Set<string>();

/** A temporary folder removed when the run is stopped; the returned function forgets it (after the caller removed it). */
export function removeOnStop(folder: string): () => void {
  scratch.add(folder);
  return () => scratch.delete(folder);
}

/** Everything a stopped run must undo, now (also what a test calls in place of a signal). */
export function cleanUpAfterStop(): void {
  stopCfnLint('SIGKILL');
  for (const folder of [...scratch, ...temporaryFolders()]) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // nothing more can be done while stopping
    }
  }
  scratch.clear();
}

let installed = false;

/** Installs the handlers once, for the CLI process (never in-process tests). */
export function installStopHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      cleanUpAfterStop();
      for (const other of SIGNALS) process.removeAllListeners(other);
      process.kill(process.pid, signal);
    });
  }
}
