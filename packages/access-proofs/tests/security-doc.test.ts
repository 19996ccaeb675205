/**
 * docs/security.md is not stale: its generated sections (the two access tables, the deploy-role
 * handler requests, the invariants, the open findings) are what the data and a fresh evaluation
 * against today's templates give. Regenerate with:
 * pnpm --filter @ami-bakery/access-proofs exec tsx scripts/security-doc.ts
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DocInputs, renderSections, SECTIONS, withSections } from '../src/index.js';
import { docInputs, SECURITY_DOC } from './doc-inputs.js';

let inputs: DocInputs;

beforeAll(async () => {
  inputs = await docInputs();
});

describe('docs/security.md', () => {
  it('matches the tables, the handler requests, the invariants and the open findings (regenerate: tsx scripts/security-doc.ts)', () => {
    const current = readFileSync(SECURITY_DOC, 'utf8');
    expect(current).toBe(withSections(current, renderSections(inputs)));
  });

  it.each(SECTIONS)('has the %s section markers', (name) => {
    const current = readFileSync(SECURITY_DOC, 'utf8');
    expect(current).toContain(`<!-- security:${name}:start -->`);
    expect(current).toContain(`<!-- security:${name}:end -->`);
  });

  it('refuses a file without a section to fill', () => {
    expect(() => withSections('# Security\n', renderSections(inputs))).toThrow(/no <!-- security:required:start -->/);
  });

  it('lists every row id of both tables', () => {
    const current = readFileSync(SECURITY_DOC, 'utf8');
    const missing = [...inputs.required, ...inputs.attacks].map(({ row }) => row.id).filter((id) => !current.includes(`| ${id} |`));
    expect(missing).toEqual([]);
  });
});
