import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { recipeRules } from '../../src/rules/recipe/index.js';

/** The recipe rule ids are a public contract: suppressions and reports refer to them. */
const EXPECTED: Array<[string, string, 'error' | 'warning']> = [
  ['RB3001', 'parent-image-platform', 'error'],
  ['RB3002', 'instance-type-architecture', 'error'],
  ['RB3003', 'imdsv2-required', 'error'],
  ['RB3004', 'ebs-encryption', 'error'],
  ['RB3005', 'terminate-on-failure', 'error'],
  ['RB3006', 'no-public-launch-permission', 'error'],
  ['RB3007', 'component-file-exists', 'error'],
  ['RB3008', 'duplicate-component', 'error'],
  ['RB3009', 'component-path-outside-recipe', 'error'],
  ['RB3010', 'inspector-scanning', 'warning'],
  ['RB3011', 'ami-name-unique', 'error'],
  ['RB3012', 'working-directory-noexec', 'warning'],
  ['RB3013', 'managed-component-platform', 'error'],
  ['RB3014', 'component-stage', 'warning'],
  ['RB3015', 'undersized-instance', 'warning'],
  ['RB3016', 'component-parameters', 'error'],
  ['RB3017', 'parameter-step-reference', 'error'],
  ['RB3018', 'instance-type-exists', 'error'],
  ['RB3019', 'recipe-name-folder', 'error'],
];

describe('recipe rule registry', () => {
  it('registers the recipe rules in id order with their fixed ids, slugs and severities', () => {
    expect(recipeRules.map((r) => [r.id, r.slug, r.severity])).toEqual(EXPECTED);
  });

  it.each(recipeRules.map((r) => [r.id, r] as const))('%s is well formed', (_id, rule) => {
    expect(rule.id).toMatch(/^RB3\d{3}$/);
    expect(rule.slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(rule.appliesTo).toBe('recipe');
    expect(rule.description).toMatch(/^[A-Z].{15,}\.$/);
  });

  it('lists every recipe rule once in the documented rule set', () => {
    const recipeIds = allRules()
      .map((r) => r.id)
      .filter((id) => id.startsWith('RB3'));
    expect(recipeIds).toEqual(EXPECTED.map(([id]) => id));
  });
});
