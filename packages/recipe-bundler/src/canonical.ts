/**
 * Canonical forms and hashes. Content hashes are taken over parsed documents re-serialized with
 * sorted keys, so a change that only touches whitespace, comments or key order does not count as
 * a content change (and does not demand a version bump).
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; arrays keep their order (it is meaningful). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** 2-space JSON with sorted keys and a trailing newline: the on-disk form of every manifest. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sortKeys(value: unknown): unknown {
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

/** Locale-independent ordering, so output does not depend on the machine's ICU data. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
