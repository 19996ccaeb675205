/** Hashes the bundle and the deployer agree on. */
import { createHash } from 'node:crypto';

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` of the template's bytes, exactly as stored in the bundle. */
function templateHash(bytes: string | Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}

/** JSON with object keys sorted at every level (arrays keep their order). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareCodeUnits)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

/** Locale-independent ordering, so output never depends on the machine's ICU data. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What a recipe stack was deployed from: the template hash and the value of every parameter the
 * template declares (null when the deployer had none and the template default applied). Stored in
 * the stack tag `ami-bakery:deploy-hash`; a different value means the stack must be updated.
 */
function deployHash(templateSha: string, declared: readonly string[], values: Readonly<Record<string, string>>): string {
  const parameters: Record<string, string | null> = {};
  for (const name of [...declared].sort(compareCodeUnits)) parameters[name] = Object.hasOwn(values, name) ? (values[name] as string) : null;
  return `sha256:${sha256Hex(canonicalJson({ parameters, template: templateSha }))}`;
}

export { canonicalJson, compareCodeUnits, deployHash, sha256Hex, sortKeys, templateHash };
