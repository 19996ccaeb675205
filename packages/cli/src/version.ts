import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The CLI's version from its package.json (also right for a bundle written to `dist/`, one level down). */
export function cliVersion(): string {
  if (cached !== undefined) return cached;
  try {
    cached = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
