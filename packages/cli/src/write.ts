import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputWriteError } from './errors.js';

/**
 * Write through a temporary file in the same folder and rename it into place, so a reader (or a
 * cache restoring outputs) never sees a half-written report.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (cause) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The folder itself could not be made, so there is no temporary file to remove.
    }
    throw new OutputWriteError(file, { cause });
  }
}
