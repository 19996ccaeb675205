/** The rule files and the invariant table stay in step; the joined single-file rule set means the same. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGuardEngine, INVARIANTS, RECIPE_RULES_BACKED_BY_INVARIANTS, ruleFiles, ruleSetText } from '../src/index.js';
import { shippedTemplates } from './helpers.js';
import { MUTANTS } from './mutants.js';

describe('Rule set: files and table', () => {
  it('has one file per invariant, named after its id and slug', () => {
    expect(ruleFiles().map((f) => f.name)).toEqual(INVARIANTS.map((i) => i.file));
  });

  it.each(INVARIANTS.map((i) => [i.id, i] as const))(
    '%s: the file defines its Guard rule and every message starts with its id and slug',
    (_, invariant) => {
      const content = ruleFiles().find((f) => f.name === invariant.file)?.content ?? '';
      expect(content).toMatch(new RegExp(`^rule ${invariant.guardRule}\\b`, 'm'));
      const messages = [...content.matchAll(/<<\s*([^>]*?)\s*>>/g)].map((m) => m[1] as string);
      expect(messages.filter((m) => !m.startsWith(`${invariant.id} ${invariant.slug}: `))).toEqual([]);
      // Variables carry the rule id, so the files can be joined into one.
      const variables = [...content.matchAll(/^let (\w+)/gm)].map((m) => m[1] as string);
      expect(variables.filter((v) => !v.startsWith(`${invariant.id.toLowerCase()}_`))).toEqual([]);
    },
  );

  it('maps the recipe rules that catch the same mistakes earlier', () => {
    expect(Object.fromEntries([...RECIPE_RULES_BACKED_BY_INVARIANTS].map(([rule, i]) => [rule, i.id]))).toEqual({
      RB3003: 'RB6002',
      RB3004: 'RB6003',
      RB3006: 'RB6001',
    });
  });
});

describe('Rule set: joined into one file (the Guard hook takes one)', () => {
  it('gives the same violations as the separate files on every mutant and passes every recipe', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'invariants-joined-'));
    try {
      writeFileSync(path.join(dir, 'invariants.guard'), ruleSetText());
      const shipped = shippedTemplates();
      const base = shipped.find((t) => t.name === 'ubuntu-pro-22-04-cis-level1')?.template ?? {};
      const inputs = [
        ...shipped.map(({ name, template }) => ({ name, template })),
        ...MUTANTS.map((m) => {
          const template = structuredClone(base);
          m.mutate(template);
          return { name: m.name, template };
        }),
      ];
      // Act
      const separate = await createGuardEngine({ backend: 'binary' }).check(inputs);
      const joined = await createGuardEngine({ backend: 'binary', rulesDir: dir }).check(inputs);
      // Assess
      expect(Object.fromEntries(joined)).toEqual(Object.fromEntries(separate));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
