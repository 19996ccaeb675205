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
    if (used.has(index) || !id || !asString(asRecord(entry).reason)) return;
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
  // Engine findings (parse errors, crashes) cannot be suppressed.
  if (finding.ruleId.startsWith('RB0')) return false;
  if (finding.ruleId !== id) return false;
  const path = asString(entry.path);
  if (path === undefined) return true;
  if (finding.file !== recipeFile) return false;
  const wanted = path.split('.').filter(Boolean);
  return wanted.every((segment, i) => String(finding.path[i]) === segment);
}
