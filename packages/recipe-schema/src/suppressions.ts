/**
 * Recipe suppressions: `suppressions: [{id, reason, path?}]`. A suppressed finding is kept (and
 * shown as suppressed) but never fails a run. A suppression that matches nothing is reported so
 * stale ones do not pile up.
 */
import { hitToFinding } from './engine.js';
import type { ParsedYaml } from './location.js';
import { ENGINE_RULES } from './rules/meta.js';
import { asArray, asRecord, asString } from './rules/util.js';
import type { Finding } from './types.js';

export function applySuppressions(findings: Finding[], recipe: ParsedYaml): Finding[] {
  const entries = asArray(asRecord(recipe.data).suppressions);
  const used = new Set<number>();
  const result = findings.map((finding) => {
    const index = entries.findIndex((entry) => matches(asRecord(entry), finding, recipe.file));
    if (index < 0) return finding;
    used.add(index);
    return { ...finding, suppressed: { reason: asString(asRecord(entries[index]).reason) ?? '' } };
  });
  entries.forEach((entry, index) => {
    const id = asString(asRecord(entry).id);
    // An id that cannot be suppressed is already a schema error at the same place.
    if (used.has(index) || !id || /^RB[01]/.test(id) || !asString(asRecord(entry).reason)) return;
    result.push(
      hitToFinding(
        ENGINE_RULES.unusedSuppression,
        { path: ['suppressions', index, 'id'], message: `Suppression of ${id} matches no finding; remove it.` },
        recipe,
      ),
    );
  });
  return result;
}

function matches(entry: Record<string, unknown>, finding: Finding, recipeFile: string): boolean {
  const id = asString(entry.id);
  const reason = asString(entry.reason);
  // A suppression without a reason is a schema error and suppresses nothing.
  if (!id || !reason || reason.trim() === '') return false;
  // Engine and schema findings cannot be suppressed: nothing downstream can build a recipe that
  // does not parse or does not match the schema.
  if (/^RB[01]/.test(finding.ruleId)) return false;
  if (finding.ruleId !== id) return false;
  const path = asString(entry.path);
  if (path === undefined) return true;
  if (finding.file !== recipeFile) return false;
  const wanted = path.split('.').filter(Boolean);
  return wanted.every((segment, i) => String(finding.path[i]) === segment);
}
