/**
 * Generated bad input: valid documents damaged at random must never make the validator throw, and
 * every finding must carry a well-formed rule id, a message and a range inside its file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ValidationResult, validateComponentFile, validateFile, validateRecipeFile } from '../../src/index.js';
import { COMPONENT, COMPONENT_TEXT, HOSTILE, RECIPE, RECIPE_TEXT, structuralMutation, textDamage } from './documents.js';

/** Fixed so CI is reproducible; set FUZZ_SEED to explore other inputs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const RUNS = 200;
const LONG = 120_000;

let dir: string;
let recipeFile: string;
let componentFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bakery-fuzz-'));
  recipeFile = path.join(dir, 'recipe.yaml');
  componentFile = path.join(dir, 'components', 'harden.yaml');
  mkdirSync(path.dirname(componentFile), { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(recipe: string | Buffer, component: string | Buffer): void {
  writeFileSync(recipeFile, recipe);
  writeFileSync(componentFile, component);
}

/** Every way a finding can be malformed, as readable strings (empty when all is well). */
function problems(result: ValidationResult): string[] {
  const found: string[] = [];
  for (const f of result.findings) {
    const where = `${f.ruleId} ${f.file}:${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}`;
    if (!/^RB\d{4}$/.test(f.ruleId)) found.push(`${where}: malformed rule id`);
    if (typeof f.message !== 'string' || f.message.trim() === '') found.push(`${where}: empty message`);
    const text = result.sources.get(f.file);
    if (text === undefined) {
      // Files refused before decoding (RB0005 unreadable, RB0020 not a regular file, RB0021 too large, RB0022 not UTF-8) have no text.
      if (!['RB0005', 'RB0020', 'RB0021', 'RB0022'].includes(f.ruleId)) found.push(`${where}: file not among the sources read`);
      continue;
    }
    const lines = text.split(/\r?\n/);
    const width = (line: number) => (lines[line - 1] ?? '').length + 1;
    const { start, end } = f.range;
    if (!(start.line >= 1 && start.line <= lines.length)) found.push(`${where}: start line outside 1..${lines.length}`);
    else if (!(start.column >= 1 && start.column <= width(start.line))) found.push(`${where}: start column outside 1..${width(start.line)}`);
    if (!(end.line >= start.line && end.line <= lines.length)) found.push(`${where}: end line outside ${start.line}..${lines.length}`);
    else if (!(end.column >= 1 && end.column <= width(end.line))) found.push(`${where}: end column outside 1..${width(end.line)}`);
    if (end.line === start.line && end.column < start.column) found.push(`${where}: end before start`);
  }
  return found;
}

/** Run a validator; a throw is reported as a problem so the failing input is shown with it. */
function check(label: string, validate: () => ValidationResult): string[] {
  try {
    return problems(validate()).map((p) => `${label}: ${p}`);
  } catch (error) {
    return [`${label}: threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
  }
}

function validateRecipe(): string[] {
  return check('validateRecipeFile', () => validateRecipeFile(recipeFile, { cwd: dir }));
}

function validateComponent(): string[] {
  return [
    ...check('validateComponentFile', () => validateComponentFile(componentFile, { cwd: dir, platform: 'linux' })),
    ...check('validateFile', () => validateFile(componentFile, { cwd: dir })),
    ...check('validateRecipeFile (through the recipe)', () => validateRecipeFile(recipeFile, { cwd: dir })),
  ];
}

const params = { seed: SEED, numRuns: RUNS };

describe('Validator: generated bad input', () => {
  it('starts from a recipe and component that validate without errors', () => {
    // Prepare
    write(RECIPE_TEXT, COMPONENT_TEXT);

    // Act
    const result = validateRecipeFile(recipeFile, { cwd: dir });

    // Assess
    expect(result.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId} ${f.file}:${f.range.start.line} ${f.message}`)).toEqual([]);
  });

  it.each([
    { name: 'structural mutations of the recipe', target: 'recipe', damage: structuralMutation(RECIPE) },
    { name: 'text damage to the recipe', target: 'recipe', damage: textDamage(RECIPE_TEXT) },
    { name: 'structural mutations of the component', target: 'component', damage: structuralMutation(COMPONENT) },
    { name: 'text damage to the component', target: 'component', damage: textDamage(COMPONENT_TEXT) },
  ] as const)('$name never throw and locate every finding inside the file', ({ target, damage }) => {
    fc.assert(
      fc.property(damage, ({ label, text }) => {
        // Prepare
        if (target === 'recipe') write(text, COMPONENT_TEXT);
        else write(RECIPE_TEXT, text);

        // Act
        const found = target === 'recipe' ? validateRecipe() : validateComponent();

        // Assess
        expect(found, `${label}\n--- ${target} ---\n${text.slice(0, 2000)}`).toEqual([]);
      }),
      params,
    );
  }, LONG);

  it('random bytes as recipe and component never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (bytes, asRecipe) => {
        // Prepare
        const buffer = Buffer.from(bytes);
        if (asRecipe) write(buffer, COMPONENT_TEXT);
        else write(RECIPE_TEXT, buffer);

        // Act
        const found = asRecipe ? validateRecipe() : validateComponent();

        // Assess
        expect(found, buffer.toString('base64')).toEqual([]);
      }),
      params,
    );
  }, LONG);

  it.each(HOSTILE)('$name, as a recipe and as a component, never throws', ({ text }) => {
    // Prepare / Act
    write(text, COMPONENT_TEXT);
    const asRecipe = validateRecipe();
    write(RECIPE_TEXT, text);
    const asComponent = validateComponent();

    // Assess
    expect([...asRecipe, ...asComponent]).toEqual([]);
  }, LONG);
});
