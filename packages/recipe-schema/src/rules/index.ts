/** The only rule registry: every rule id the validator can report, with its metadata. */
import { DuplicateRuleError } from '../errors.js';
import { SCHEMA_RULES } from '../schema-validator.js';
import type { RuleMeta } from '../types.js';
import { componentRules } from './component/index.js';
import { ENGINE_RULES } from './meta.js';
import { recipeRules } from './recipe/index.js';

/** Rules contributed by other packages (version gate, template checks) register their metadata here for docs. */
const externalRules: RuleMeta[] = [];

export function registerRuleMeta(...rules: RuleMeta[]): void {
  for (const rule of rules) if (!externalRules.some((r) => r.id === rule.id)) externalRules.push(rule);
}

/** Every rule's metadata, sorted by id; throws when two rules share an id. */
export function allRules(): RuleMeta[] {
  const all: RuleMeta[] = [...Object.values(ENGINE_RULES), ...Object.values(SCHEMA_RULES), ...componentRules, ...recipeRules, ...externalRules];
  const seen = new Set<string>();
  for (const rule of all) {
    if (seen.has(rule.id)) throw new DuplicateRuleError(rule.id);
    seen.add(rule.id);
  }
  return all
    .map(({ id, slug, severity, description }) => ({ id, slug, severity, description }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export { componentRules, ENGINE_RULES, recipeRules };
