#!/usr/bin/env node
// Starts the bundled CLI (no TypeScript loader at run time), rebuilding the bundle first when a
// file it was built from is newer than it. Plain JavaScript so that Node runs it as is.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/bakery.mjs', import.meta.url);
const manifest = new URL('../dist/bakery.inputs.json', import.meta.url);

function isStale() {
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    return inputs.some((file) => {
      try {
        return statSync(file).mtimeMs > builtAt;
      } catch {
        return true; // a source was deleted or moved
      }
    });
  } catch {
    return true; // never built, or the manifest is unreadable
  }
}

if (isStale()) {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const build = spawnSync(process.execPath, [tsxCli, fileURLToPath(new URL('../scripts/build-bin.ts', import.meta.url))], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    process.stderr.write('bakery: could not rebuild packages/cli/dist/bakery.mjs; run: pnpm exec tsx packages/cli/scripts/build-bin.ts\n');
    process.exit(3);
  }
}

await import(bundle.href);
