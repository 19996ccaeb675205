/**
 * Regenerates the generated sections of docs/security.md (the access tables, the deploy-role
 * handler requests, the invariants, the open findings) from the data and a fresh evaluation.
 *
 *   pnpm --filter @ami-bakery/access-proofs exec tsx scripts/security-doc.ts           write it
 *   pnpm --filter @ami-bakery/access-proofs exec tsx scripts/security-doc.ts --check   exit 1 when stale
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { renderSections, withSections } from '../src/index.js';
import { docInputs, SECURITY_DOC } from '../tests/doc-inputs.js';

process.env.CDK_VALIDATION = 'false';
const current = readFileSync(SECURITY_DOC, 'utf8');
const expected = withSections(current, renderSections(await docInputs()));
if (process.argv.includes('--check')) {
  if (current !== expected) {
    console.error('docs/security.md is stale; run: pnpm --filter @ami-bakery/access-proofs exec tsx scripts/security-doc.ts');
    process.exit(1);
  }
} else if (current !== expected) {
  writeFileSync(`${SECURITY_DOC}.tmp`, expected);
  renameSync(`${SECURITY_DOC}.tmp`, SECURITY_DOC);
  console.log('docs/security.md updated');
}
