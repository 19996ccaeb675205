import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readTableFast } from '../src/table-parse.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tables = [
  ...readdirSync(`${ROOT}recipes`).flatMap((recipe) => {
    try {
      return readdirSync(`${ROOT}recipes/${recipe}/controls`).map((f) => `recipes/${recipe}/controls/${f}`);
    } catch {
      return [];
    }
  }),
  'packages/hardening/tests/fixtures/windows/controls/small.yaml',
  'packages/hardening/tests/fixtures/windows/controls/full.yaml',
];

describe('Function: readTableFast', () => {
  it.each(tables)('reads %s exactly as the YAML parser does', (file) => {
    // Prepare
    const text = readFileSync(`${ROOT}${file}`, 'utf8');

    // Act
    const fast = readTableFast(text);

    // Assess
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  it.each([
    ['a tab', 'benchmark: x\n\tversion: 1'],
    ['a duplicate key', 'benchmark: x\nbenchmark: y'],
    ['a duplicate row key', "controls:\n  - id: '1'\n    id: '2'"],
    ['a plain yes (a boolean in YAML 1.1)', 'benchmark: yes'],
    ['a float', 'version: 1.0'],
    ['an anchor', 'benchmark: &a x'],
    ['a block scalar', 'benchmark: |\n  x'],
    ['a key without a value under a row', "controls:\n  - id: '1'\n    value:"],
    ['a plain scalar with a colon', 'benchmark: a: b'],
    ['a document marker', '---\nbenchmark: x'],
    ['an octal-looking number', 'version: 0755'],
  ])('leaves %s to the YAML parser', (_, text) => {
    expect(readTableFast(text)).toBeUndefined();
  });
});
