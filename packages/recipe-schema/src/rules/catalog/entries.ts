/**
 * Readers shared by the catalog rules: catalog.yaml may not match the schema, so every reader
 * tolerates any shape and returns nothing rather than throwing.
 */
import type { JsonPath } from '../../types.js';
import { asArray, asRecord, isRecord } from '../util.js';

export interface CatalogEntry {
  /** `channels.<name>` or `revoked[<index>]`. */
  path: JsonPath;
  kind: 'channel' | 'revoked';
  /** The channel name (channels only). */
  channel: string | undefined;
  value: Record<string, unknown>;
}

/** Every channel entry, then every revoked entry, in file order. */
export function catalogEntries(data: unknown): CatalogEntry[] {
  const catalog = asRecord(data);
  const entries: CatalogEntry[] = [];
  for (const [channel, value] of Object.entries(asRecord(catalog.channels)))
    if (isRecord(value)) entries.push({ path: ['channels', channel], kind: 'channel', channel, value });
  asArray(catalog.revoked).forEach((value, index) => {
    if (isRecord(value)) entries.push({ path: ['revoked', index], kind: 'revoked', channel: undefined, value });
  });
  return entries;
}

/** The images the catalog revokes (image build versions as written). */
export function revokedImages(data: unknown): Set<string> {
  const out = new Set<string>();
  for (const entry of catalogEntries(data))
    if (entry.kind === 'revoked' && typeof entry.value.image === 'string') out.add(entry.value.image);
  return out;
}
