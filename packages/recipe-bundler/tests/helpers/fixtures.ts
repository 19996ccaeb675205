import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleResult, bundleRecipe } from '../../src/index.js';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(PACKAGE_DIR, 'tests/fixtures');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

/** Bundle a fixture with the package folder as cwd and no git lookup. */
export function bundleFixture(name: string): BundleResult & { template: Record<string, unknown> } {
  const result = bundleRecipe(path.join('tests/fixtures', name), { cwd: PACKAGE_DIR, sourceCommit: null });
  if (!result.ok || !result.template) throw new Error(`fixture ${name} did not bundle: ${JSON.stringify(result.findings)}`);
  return result as BundleResult & { template: Record<string, unknown> };
}

/** Value at a dotted path (numeric segments index lists). */
export function at(node: unknown, dotted: string): unknown {
  let current = node;
  for (const segment of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copy a fixture recipe folder to `target` (so a test may edit it). */
export function copyFixture(name: string, target: string): string {
  cpSync(path.join(FIXTURES, name), target, { recursive: true });
  return target;
}
