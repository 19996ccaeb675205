/**
 * Writing bundles for `bundle` and `build`: the recipe folders and the top-level manifest under
 * the bundle folder's lock, then the bakery-account stack template for that manifest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BundleWriteError, type BundleResult, writeBundle } from '@ami-bakery/recipe-bundler';
import { writeBakeryStack } from './bakery-stack.js';
import type { OptionSpecs } from './command.js';
import { findWorkspaceRoot } from './workspace.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { withLock } from './lock.js';

export const BUNDLE_OPTIONS = {
  out: { type: 'string', valueName: 'DIR', description: 'Bundle folder (default dist/bundle under the workspace root).' },
  'no-stack': { type: 'boolean', description: 'Do not synthesize bakery/bakery-stack.template.json (CDK, a few seconds).' },
} as const satisfies OptionSpecs;

export function bundleFolder(out: string | undefined, io: Io): string {
  if (out !== undefined) {
    if (out.trim() === '') throw new UsageError('--out needs a folder');
    return path.resolve(io.cwd, out);
  }
  const root = findWorkspaceRoot(io.cwd);
  if (root === undefined) throw new UsageError(`no pnpm-workspace.yaml at or above ${io.cwd}; pass --out DIR`);
  return path.join(root, 'dist', 'bundle');
}

export interface Written {
  /** Recipe folder per bundled recipe name. */
  folders: Map<string, string>;
  /** The stack template written, or why not. */
  stack: { file: string } | { skipped: string } | undefined;
}

/** Writes the bundled recipes (those with `ok`), then the stack unless `noStack`. */
export async function writeBundled(results: readonly BundleResult[], outDir: string, noStack: boolean): Promise<Written> {
  const bundled = results.filter((r) => r.ok);
  const folders = new Map(bundled.map((r) => [r.name, path.join(outDir, 'recipes', r.name)]));
  if (bundled.length === 0) return { folders, stack: undefined };
  // Parallel Nx targets each regenerate the manifest from every recipe folder present.
  const { manifest, manifestText } = withLock(outDir, () => {
    try {
      const written = writeBundle(bundled, outDir);
      return { manifest: written.manifest, manifestText: readFileSync(path.join(outDir, 'manifest.json'), 'utf8') };
    } catch (error) {
      // The bundle folder cannot be written (permissions, a file in the way): the user's to fix.
      if (error instanceof BundleWriteError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
  });
  if (noStack) return { folders, stack: undefined };
  const file = await writeBakeryStack(outDir, manifest, manifestText);
  return { folders, stack: file ? { file } : { skipped: 'another bundle run rewrote the manifest meanwhile and writes the stack for it' } };
}
