import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPLIANCE_BEGIN, COMPLIANCE_END, complianceSection } from '../src/index.js';

const RECIPES = fileURLToPath(new URL('../../../recipes/', import.meta.url));
const recipes = readdirSync(RECIPES)
  .filter((name) => existsSync(path.join(RECIPES, name, 'recipe.yaml')))
  .sort();

describe('Recipe READMEs: the compliance section is generated from the data', () => {
  it.each(recipes)('%s has a README whose compliance section matches its recipe and tables (regenerate: pnpm exec tsx packages/hardening/scripts/readme.ts --write)', (name) => {
    // Prepare
    const readme = readFileSync(path.join(RECIPES, name, 'README.md'), 'utf8');
    const section = complianceSection(path.join(RECIPES, name));

    // Assess
    expect(section).toBeDefined();
    const start = readme.indexOf(COMPLIANCE_BEGIN);
    const end = readme.indexOf(COMPLIANCE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end + COMPLIANCE_END.length)).toBe(section);
  });

  it('names the benchmark, its version and the coverage numbers (Windows CIS)', () => {
    const section = complianceSection(path.join(RECIPES, 'windows-server-2022-cis-level1')) ?? '';
    expect(section).toContain('| benchmark | CIS Microsoft Windows Server 2022 Benchmark v2.0.0 |');
    expect(section).toMatch(/\| Level 1 coverage \| (\d+) of \1 Level 1 \(Member Server\) recommendations .*, 0 missing \|/);
  });
});
