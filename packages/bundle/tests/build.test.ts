import { describe, expect, it } from 'vitest';
import { buildOnVersionChangeOf, parseRetiredFile, recipeSettings, verifyBundle } from '../src/index.js';
import { makeBundle, read } from './helpers.js';

describe('Function: bundleFiles', () => {
  it('writes a bundle verifyBundle accepts, manifest keys sorted', () => {
    // Act
    const files = makeBundle([{ name: 'bbb' }, { name: 'aaa' }], { retired: [{ name: 'zzz', reason: 'gone' }] });
    // Assess
    expect(verifyBundle(files)).toEqual([]);
    expect(Object.keys(JSON.parse(read(files, 'manifest.json')))).toEqual([
      'formatVersion',
      'partial',
      'recipes',
      'retired',
      'sourceCommit',
    ]);
    expect(JSON.parse(read(files, 'manifest.json')).recipes.map((r: { name: string }) => r.name)).toEqual(['aaa', 'bbb']);
  });
});

describe('Function: buildOnVersionChangeOf', () => {
  it.each([
    [{}, true],
    [{ schedule: { expression: 'cron(0 4 ? * sun *)' } }, true],
    [{ schedule: { buildOnVersionChange: true } }, true],
    [{ schedule: { buildOnVersionChange: false } }, false],
    [null, true],
  ])('%j -> %s', (recipe, expected) => {
    expect(buildOnVersionChangeOf(recipe)).toBe(expected);
  });
});

describe('Function: parseRetiredFile', () => {
  it('reads name and reason', () => {
    expect(parseRetiredFile('- name: al2023-old\n  reason: replaced by al2023-web\n')).toEqual({
      retired: [{ name: 'al2023-old', reason: 'replaced by al2023-web' }],
      problems: [],
    });
  });
  it('reads a missing or empty file as no retired recipe', () => {
    expect(parseRetiredFile(undefined)).toEqual({ retired: [], problems: [] });
    expect(parseRetiredFile('')).toEqual({ retired: [], problems: [] });
  });
  it.each([
    ['name: x', 'must be a list'],
    ['- name: ../x\n  reason: r\n', 'is not a recipe name'],
    ['- name: abc\n', 'give a reason'],
    ['- {name: abc, reason: r}\n- {name: abc, reason: r}\n', 'listed twice'],
    ['- [', 'is not YAML'],
  ])('reports %j', (text, message) => {
    expect(parseRetiredFile(text).problems.join('\n')).toContain(message);
  });
});

describe('Function: recipeSettings', () => {
  it.each([
    ['name: a\nversion: 1.2.3\n', { version: '1.2.3', buildOnVersionChange: true }],
    [
      'version: 1.2.3\nschedule:\n  expression: cron(0 4 ? * sun *)\n  buildOnVersionChange: false\n',
      { version: '1.2.3', buildOnVersionChange: false },
    ],
    ['version: [\n', { version: undefined, buildOnVersionChange: true }],
    ['name: no-version\n', { version: undefined, buildOnVersionChange: true }],
  ])('%j', (text, expected) => {
    expect(recipeSettings(text)).toEqual(expected);
  });
});
