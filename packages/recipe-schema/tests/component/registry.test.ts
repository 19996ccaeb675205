import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { componentRules } from '../../src/rules/component/index.js';

describe('component rule registry', () => {
  it('holds RB2xxx ids in ascending order without gaps in the required set', () => {
    const ids = componentRules.map((r) => r.id);
    expect(ids.every((id) => /^RB2\d{3}$/.test(id))).toBe(true);
    expect(ids).toEqual([...ids].sort());
    expect(ids.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => `RB20${String(i + 1).padStart(2, '0')}`));
  });

  it.each(componentRules.map((r) => ({ id: r.id, rule: r })))('$id has kebab-case slug, one-sentence description and applies to components', ({ rule }) => {
    expect(rule.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(rule.description).toMatch(/^[A-Z{].*\.$/);
    expect(rule.appliesTo).toBe('component');
    expect(['error', 'warning', 'info']).toContain(rule.severity);
  });

  it('registers each component rule once in the global registry', () => {
    const all = allRules().map((r) => r.id);
    for (const rule of componentRules) expect(all.filter((id) => id === rule.id)).toEqual([rule.id]);
  });
});
