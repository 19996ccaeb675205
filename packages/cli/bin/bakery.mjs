#!/usr/bin/env node
// Starts the bundled CLI, so no TypeScript is compiled at run time. When a source the bundle was
// built from (or the lockfile) is newer than the bundle, it is rebuilt first, in this process.
// When that fails (no esbuild, a read-only checkout), the sources run through tsx instead.
// Plain JavaScript so that Node runs it as is, from a fresh clone.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST, ENTRY, isStale } from './build.mjs';

async function runFromSource(reason) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    // No dependencies at all (a new worktree, a copy): one line, not a stack trace.
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    process.stderr.write(
      `bakery: cannot start: the CLI bundle cannot be built (${reason}) and tsx is not installed; run \`pnpm install\` in ${root}\n`,
    );
    process.exit(3);
  }
  process.stderr.write(`bakery: cannot use the CLI bundle (${reason}); running the sources with tsx (slower).\n`);
  register();
  await import(new URL('../src/bin.ts', import.meta.url).href);
}

let ready = !isStale();
if (!ready) {
  try {
    const { buildBundle } = await import('./build.mjs');
    await buildBundle();
    ready = true;
  } catch (error) {
    await runFromSource(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}
if (ready) await import(pathToFileURL(`${DIST}/${ENTRY}`).href);
