/**
 * `recipes/retired.yaml`: the recipes a commit retires on purpose, so the deployer may delete
 * their stacks (AMIs stay). A list of `{ name, reason }`:
 *
 * ```yaml
 * - name: ubuntu-pro-20-04-cis-level1
 *   reason: Ubuntu 20.04 left standard support; use ubuntu-pro-24-04-cis-level1.
 * ```
 *
 * The file is optional; a missing file retires nothing. Anything malformed is a finding on it.
 */
import path from 'node:path';
import type { RetiredRecipe } from '@ami-bakery/bundle';
import {
  type Finding,
  hitToFinding,
  parseYaml,
  type RuleMeta,
  readInputFile,
  readProblemFinding,
  registerRuleMeta,
} from '@ami-bakery/recipe-schema';
import { compareCodeUnits } from './canonical.js';
import { SAFE_NAME } from './read-bundle.js';

export const RETIRED_FILE = 'retired.yaml';

export const RETIRED_RULES = {
  retiredList: {
    id: 'RB0024',
    slug: 'retired-list',
    severity: 'error',
    description:
      'recipes/retired.yaml is a list of { name, reason }: each name a recipe name used once, with a reason, and no longer a recipe folder of the workspace.',
  },
} as const satisfies Record<string, RuleMeta>;

registerRuleMeta(...Object.values(RETIRED_RULES));

export interface RetiredList {
  retired: RetiredRecipe[];
  findings: Finding[];
  /** The file, absolute; undefined when there is none. */
  file: string | undefined;
}

/**
 * Reads `<workspace>/recipes/retired.yaml`. `liveNames` are the recipe names of the workspace: a
 * name both live and retired is an error (the deployer would have to both keep and delete it).
 * `display` turns the absolute path into the one findings show.
 */
export function readRetired(workspaceRoot: string, liveNames: ReadonlySet<string>, display: (absolute: string) => string): RetiredList {
  const recipesDir = path.join(workspaceRoot, 'recipes');
  const file = path.join(recipesDir, RETIRED_FILE);
  const shown = display(file);
  const read = readInputFile(file, { root: recipesDir });
  if (!read.ok) {
    if (read.problem.kind === 'missing') return { retired: [], findings: [], file: undefined };
    return { retired: [], findings: [readProblemFinding(read.problem, shown, 'the recipes folder')], file };
  }
  const { parsed, findings, ok } = parseYaml(read.text, shown);
  if (!ok) return { retired: [], findings, file };
  const report = (at: (string | number)[], message: string, on: 'key' | 'value' = 'value') =>
    findings.push(hitToFinding(RETIRED_RULES.retiredList, { path: at, message, at: on }, parsed));
  const data = parsed.data;
  if (data === null || data === undefined) return { retired: [], findings, file };
  if (!Array.isArray(data)) {
    report([], 'Make recipes/retired.yaml a list of entries `- name: <recipe>` with `reason: <why>`.');
    return { retired: [], findings, file };
  }
  const retired: RetiredRecipe[] = [];
  const seen = new Set<string>();
  data.forEach((entry: unknown, index: number) => {
    const record = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
    if (record === undefined) {
      report([index], 'Give each entry as `name: <recipe>` and `reason: <why>`.');
      return;
    }
    for (const key of Object.keys(record))
      if (key !== 'name' && key !== 'reason') report([index, key], `Unknown key '${key}'; an entry has only name and reason.`, 'key');
    const { name, reason } = record;
    if (typeof name !== 'string' || !SAFE_NAME.test(name)) {
      report([index, 'name'], 'Set `name` to the retired recipe name (lower-case letters, digits and hyphens).');
      return;
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      report([index, 'reason'], `Say why ${name} is retired in \`reason\`; the deployer's report and the plan show it.`);
      return;
    }
    if (seen.has(name)) {
      report([index, 'name'], `${name} is listed twice; list it once.`);
      return;
    }
    if (liveNames.has(name)) {
      report(
        [index, 'name'],
        `${name} is still a recipe of the workspace; remove its folder to retire it, or remove this entry to keep it.`,
      );
      return;
    }
    seen.add(name);
    retired.push({ name, reason: reason.trim() });
  });
  return { retired: retired.sort((a, b) => compareCodeUnits(a.name, b.name)), findings, file };
}
