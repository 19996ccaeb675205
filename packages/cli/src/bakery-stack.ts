/**
 * `dist/bundle/bakery/bakery-stack.template.json`: the bakery-account stack for exactly the
 * recipes of the bundle manifest, synthesized by `@ami-bakery/bakery-stack` (CDK). CDK takes
 * seconds to load, so it is imported only here, on first use, and never by `validate` or `lint`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BundleManifest } from '@ami-bakery/recipe-bundler';
import { CliError } from './errors.js';
import { withLock } from './lock.js';
import { writeFileAtomic } from './write.js';

export const STACK_TEMPLATE = 'bakery/bakery-stack.template.json';

interface BakeryStackModule {
  synthBakeryTemplate(manifest: BundleManifest): Record<string, unknown>;
}

// A variable, not a literal: the CLI bundle must leave CDK out (it is loaded from the workspace
// when needed), and the type checker must not pull the CDK sources into the CLI's program.
const STACK_PACKAGE = '@ami-bakery/bakery-stack';

/**
 * The workspace package is TypeScript. Under tsx or vitest a plain import works; from the
 * esbuild bundle (plain Node) tsx compiles it on the fly.
 */
async function loadStackModule(): Promise<BakeryStackModule> {
  let loaded: unknown;
  try {
    loaded = await import(STACK_PACKAGE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw error;
    const tsx = (await import(TSX_API)) as { tsImport(specifier: string, parent: string): Promise<unknown> };
    loaded = await tsx.tsImport(STACK_PACKAGE, import.meta.url);
  }
  const module = loaded as Partial<BakeryStackModule>;
  if (typeof module.synthBakeryTemplate !== 'function') throw new CliError(`${STACK_PACKAGE} does not export synthBakeryTemplate`);
  return module as BakeryStackModule;
}
const TSX_API = 'tsx/esm/api';

/**
 * Synthesizes the stack for `manifest` (what this process just wrote to `<outDir>/manifest.json`)
 * and writes it, unless another process has rewritten the manifest meanwhile: that process
 * writes the stack for its newer manifest. Synthesis runs outside the lock, so parallel bundle
 * targets wait on each other for milliseconds, not for CDK. Returns the file written, or
 * undefined when the newer writer owns it.
 */
export async function writeBakeryStack(outDir: string, manifest: BundleManifest, manifestText: string): Promise<string | undefined> {
  const template = (await loadStackModule()).synthBakeryTemplate(manifest);
  const file = path.join(outDir, STACK_TEMPLATE);
  return withLock(outDir, () => {
    const current = path.join(outDir, 'manifest.json');
    if (!existsSync(current) || readFileSync(current, 'utf8') !== manifestText) return undefined;
    writeFileAtomic(file, `${JSON.stringify(template, null, 2)}\n`);
    return file;
  });
}
