import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Write-then-rename, so readers (a parallel task, the publisher, an editor) never see a half-written file. */
export function writeAtomic(file: string, content: string, mode?: number): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temp, content, mode === undefined ? undefined : { mode });
    renameSync(temp, file);
  } catch (cause) {
    rmSync(temp, { force: true });
    throw cause;
  }
}
