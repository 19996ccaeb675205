import { readFileSync } from 'node:fs';
import { ManifestFileError } from './errors.js';
import type { BundleManifest } from './manifest.js';

/** Reads a bundle manifest from disk; deployableRecipes() checks its content. */
function loadManifest(manifestPath: string): BundleManifest {
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch (error) {
    throw new ManifestFileError(manifestPath, 'it cannot be read (run "pnpm bakery bundle" first, or pass another path)', { cause: error });
  }
  try {
    return JSON.parse(text) as BundleManifest;
  } catch (error) {
    throw new ManifestFileError(manifestPath, 'it is not valid JSON (rebuild the bundle)', { cause: error });
  }
}

export { loadManifest };
