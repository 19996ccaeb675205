import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRetired } from '../src/index.js';
import { tempDir } from './helpers/fixtures.js';

let ws: { dir: string; cleanup: () => void };
beforeEach(() => {
  ws = tempDir('retired');
  mkdirSync(path.join(ws.dir, 'recipes'));
});
afterEach(() => ws.cleanup());

const display = (absolute: string) => path.relative(ws.dir, absolute);

function retiredWith(text: string | undefined, live: string[] = ['al2023']) {
  if (text !== undefined) writeFileSync(path.join(ws.dir, 'recipes/retired.yaml'), text);
  const list = readRetired(ws.dir, new Set(live), display);
  return {
    retired: list.retired,
    findings: list.findings.map((f) => `${f.ruleId} ${f.file}:${f.range.start.line}:${f.range.start.column}`),
  };
}

describe('readRetired: recipes/retired.yaml', () => {
  it('retires nothing without the file', () => {
    expect(retiredWith(undefined)).toEqual({ retired: [], findings: [] });
  });

  it('reads name and reason, sorted by name', () => {
    expect(
      retiredWith('- name: ubuntu-2004\n  reason: end of standard support\n- name: old-al2\n  reason: " replaced by al2023 "\n'),
    ).toEqual({
      retired: [
        { name: 'old-al2', reason: 'replaced by al2023' },
        { name: 'ubuntu-2004', reason: 'end of standard support' },
      ],
      findings: [],
    });
  });

  it.each([
    { name: 'not a list', text: 'name: x\n', at: 'recipes/retired.yaml:1:1' },
    { name: 'an entry that is not a map', text: '- x\n', at: 'recipes/retired.yaml:1:3' },
    { name: 'a name that is not a recipe name', text: '- name: Not/A/Name\n  reason: r\n', at: 'recipes/retired.yaml:1:9' },
    { name: 'no reason', text: '- name: old\n', at: 'recipes/retired.yaml:1:3' },
    { name: 'an unknown key', text: '- name: old\n  reason: r\n  when: now\n', at: 'recipes/retired.yaml:3:3' },
    { name: 'a name listed twice', text: '- name: old\n  reason: r\n- name: old\n  reason: r\n', at: 'recipes/retired.yaml:3:9' },
    { name: 'a name still a recipe of the workspace', text: '- name: al2023\n  reason: r\n', at: 'recipes/retired.yaml:1:9' },
  ])('reports $name at its line (RB0024)', ({ text, at }) => {
    expect(retiredWith(text).findings).toEqual([`RB0024 ${at}`]);
  });

  it('reports invalid UTF-8 at its line and reads nothing (RB0022)', () => {
    writeFileSync(
      path.join(ws.dir, 'recipes/retired.yaml'),
      Buffer.concat([Buffer.from('- name: old\n  reason: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    expect(retiredWith(undefined)).toEqual({ retired: [], findings: ['RB0022 recipes/retired.yaml:2:14'] });
  });
});
