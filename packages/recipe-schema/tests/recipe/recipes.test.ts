import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRecipeFile } from '../../src/validate.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const RECIPES = `${ROOT}recipes/`;
const SCHEMA_LINE = '# yaml-language-server: $schema=../../packages/recipe-schema/schemas/recipe.schema.json';
/** Built from parts so this file does not contain the literal it searches for. */
const HARD_CODED_PARTITION = ['arn', 'aws', ''].join(':');

const recipes = readdirSync(RECIPES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${RECIPES}${entry.name}/recipe.yaml`))
  .map((entry) => entry.name)
  .sort();

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`);
}

describe('recipes in the repository', () => {
  it('include the seed recipes', () => {
    expect(recipes).toContain('amazon-linux-2023-stig-high');
  });

  it.each(recipes)('%s validates with zero findings', (name) => {
    // Act
    const { findings } = validateRecipeFile(`recipes/${name}/recipe.yaml`, { cwd: ROOT });

    // Assess
    expect(findings.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it.each(recipes)('%s points editors at the schema on its first line and is named after its folder', (name) => {
    // Prepare
    const text = readFileSync(`${RECIPES}${name}/recipe.yaml`, 'utf8');

    // Assess
    expect(text.split('\n')[0]).toBe(SCHEMA_LINE);
    expect(text).toMatch(new RegExp(`^name: ${name}$`, 'm'));
    expect(existsSync(`${RECIPES}${name}/README.md`)).toBe(true);
  });

  it('never hard-code the aws partition in recipes, the schema or the recipe rules', () => {
    // Prepare
    const files = [...filesUnder(RECIPES), `${PACKAGE}schemas/recipe.schema.json`, ...filesUnder(`${PACKAGE}src/rules/recipe`)];

    // Act
    const offenders = files.filter((file) => readFileSync(file, 'utf8').includes(HARD_CODED_PARTITION));

    // Assess
    expect(offenders).toEqual([]);
  });
});
