/** The only rule registry: every rule id the validator can report, with its metadata. */
import { DuplicateRuleError } from '../errors.js';
import { SCHEMA_RULES } from '../schema-validator.js';
import type { RuleMeta } from '../types.js';
import { catalogRules } from './catalog/index.js';
import { componentRules } from './component/index.js';
import { RULE_DOCS } from './docs.js';
import { ENGINE_RULES } from './meta.js';
import { recipeRules } from './recipe/index.js';

/** Rules contributed by other packages (version gate, template checks) register their metadata here for docs. */
const externalRules: RuleMeta[] = [];

export function registerRuleMeta(...rules: RuleMeta[]): void {
  for (const rule of rules) if (!externalRules.some((r) => r.id === rule.id)) externalRules.push(rule);
}

/** Every rule's metadata, sorted by id; throws when two rules share an id. */
export function allRules(): RuleMeta[] {
  const all: RuleMeta[] = [
    ...Object.values(ENGINE_RULES),
    ...Object.values(SCHEMA_RULES),
    ...componentRules,
    ...recipeRules,
    ...catalogRules,
    ...externalRules,
  ];
  const seen = new Set<string>();
  for (const rule of all) {
    if (seen.has(rule.id)) throw new DuplicateRuleError(rule.id);
    seen.add(rule.id);
  }
  return all
    .map(({ id, slug, severity, description, example, fix }) => ({
      id,
      slug,
      severity,
      description,
      ...withDocs(id, example, fix),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** A rule's own example and fix, else those of RULE_DOCS (absent keys stay absent). */
function withDocs(id: string, example: string | undefined, fix: string | undefined): Pick<RuleMeta, 'example' | 'fix'> {
  const docs = RULE_DOCS[id];
  const chosenExample = example ?? docs?.example;
  const chosenFix = fix ?? docs?.fix;
  return { ...(chosenExample !== undefined ? { example: chosenExample } : {}), ...(chosenFix !== undefined ? { fix: chosenFix } : {}) };
}

export { catalogRules, componentRules, ENGINE_RULES, RULE_DOCS, recipeRules };
