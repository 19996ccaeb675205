/**
 * Checks (default) or rewrites (`--write`) the generated compliance section of every recipe README.
 *
 *   pnpm exec tsx packages/hardening/scripts/readme.ts [--write]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { complianceSection, withComplianceSection } from '../src/readme/compliance-section.js';

const RECIPES = fileURLToPath(new URL('../../../recipes/', import.meta.url));
const write = process.argv.includes('--write');
const stale: string[] = [];
for (const name of readdirSync(RECIPES).sort()) {
  const dir = path.join(RECIPES, name);
  if (!existsSync(path.join(dir, 'recipe.yaml'))) continue;
  const section = complianceSection(dir);
  if (section === undefined) continue;
  const file = path.join(dir, 'README.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : `# ${name}\n`;
  const updated = withComplianceSection(current, section);
  if (updated === current) continue;
  if (write) writeFileSync(file, updated);
  stale.push(`recipes/${name}/README.md`);
}
process.stdout.write(stale.length === 0 ? 'Every recipe README is current.\n' : `${write ? 'Rewrote' : 'Stale'}: ${stale.join(', ')}\n`);
process.exitCode = stale.length > 0 && !write ? 1 : 0;
