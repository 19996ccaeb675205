/**
 * Canonical forms and hashes. Content hashes are taken over parsed documents re-serialized with
 * sorted keys, so a change that only touches whitespace, comments or key order does not count as
 * a content change (and does not demand a version bump).
 */
import { canonicalJson, compareCodeUnits, sha256Hex, sortKeys } from '@ami-bakery/bundle';

// One definition of the canonical forms, shared with the bundle format the deployer reads.
export { canonicalJson, compareCodeUnits, sha256Hex, sortKeys };

/** 2-space JSON with sorted keys and a trailing newline: the on-disk form of every manifest. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

