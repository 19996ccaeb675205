/**
 * Validation of `recipes/<name>/catalog.yaml`, the recipe's image catalog: read like any input,
 * checked against schemas/catalog.schema.json (RB1xxx) and the catalog rules (RB7xxx), with the
 * recipe's declared channels and promotion threshold. Catalog findings are never suppressible:
 * the deployer applies the file as it is.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { failedSubtrees, runRules, schemaHitsToFindings } from './engine.js';
import { parseYaml } from './location.js';
import { readInputFile, readProblemFinding } from './read-file.js';
import type { PromotionThreshold } from './rule.js';
import { catalogRules } from './rules/catalog/index.js';
import { asArray, asRecord } from './rules/util.js';
import { checkSchema } from './schema-validator.js';
import type { Finding } from './types.js';

export const CATALOG_FILE = 'catalog.yaml';
const CHANNEL = /^[a-z][a-z0-9-]{0,31}$/;
/** Generators whose evidence must pass every rule they keep (their summary's threshold is 100). */
const FULL_SCORE_GENERATORS: Readonly<Record<string, string>> = {
  'usg-tailoring': 'the usg-tailoring audit, which must pass every rule it keeps',
  'windows-controls': 'the windows-controls check, which must pass every control',
};

/** `stable` plus the channels `catalog.channels` declares (valid names, candidate left out), sorted. */
export function declaredChannels(recipe: unknown): string[] {
  const declared = asArray(asRecord(asRecord(recipe).catalog).channels).filter(
    (c): c is string => typeof c === 'string' && CHANNEL.test(c) && c !== 'candidate',
  );
  return [...new Set(['stable', ...declared])].sort();
}

/**
 * The score an image of the recipe needs to be promoted: the highest of `catalog.minimumScore`
 * and the thresholds of its compliance scans (a scap-evidence table's `minimumScore`; 100 for
 * usg-tailoring and windows-controls). Undefined when the recipe has none of them.
 */
export function promotionThreshold(recipe: unknown, recipeDir: string): PromotionThreshold | undefined {
  const candidates: PromotionThreshold[] = [];
  const minimum = asRecord(asRecord(recipe).catalog).minimumScore;
  if (typeof minimum === 'number' && Number.isFinite(minimum))
    candidates.push({ score: minimum, from: 'catalog.minimumScore in recipe.yaml' });
  for (const list of ['components', 'tests'] as const) {
    for (const raw of asArray(asRecord(recipe)[list])) {
      const entry = asRecord(raw);
      const kind = entry.generate;
      if (typeof kind !== 'string') continue;
      const full = FULL_SCORE_GENERATORS[kind];
      if (full !== undefined) candidates.push({ score: 100, from: full });
      if (kind === 'scap-evidence' && typeof entry.table === 'string') {
        const score = tableMinimumScore(recipeDir, entry.table);
        if (score !== undefined) candidates.push({ score, from: `minimumScore of ${entry.table}` });
      }
    }
  }
  return candidates.sort((a, b) => b.score - a.score)[0];
}

function tableMinimumScore(recipeDir: string, table: string): number | undefined {
  const read = readInputFile(path.resolve(recipeDir, table), { root: recipeDir });
  if (!read.ok) return undefined;
  try {
    const score = asRecord(parse(read.text)).minimumScore;
    return typeof score === 'number' && Number.isFinite(score) ? score : undefined;
  } catch {
    return undefined;
  }
}

export interface CatalogValidation {
  findings: Finding[];
  /** Display path -> text of the catalog file, when it was read. */
  sources: Map<string, string>;
  /** The parsed catalog, when it parsed (schema-valid or not). */
  data?: unknown;
}

/**
 * Validates the catalog.yaml of the recipe folder `recipeDir` (nothing when there is none).
 * `recipe` is the parsed recipe.yaml (any shape); `display` turns an absolute path into the path findings show.
 */
export function validateCatalogOfRecipe(recipeDir: string, recipe: unknown, display: (absolute: string) => string): CatalogValidation {
  const absolute = path.join(recipeDir, CATALOG_FILE);
  const sources = new Map<string, string>();
  if (!existsSync(absolute)) return { findings: [], sources };
  const file = display(absolute);
  const read = readInputFile(absolute, { root: recipeDir });
  if (!read.ok) return { findings: [readProblemFinding(read.problem, file, 'the recipe folder')], sources };
  sources.set(file, read.text);
  const { parsed, findings, ok } = parseYaml(read.text, file);
  if (!ok) return { findings, sources };
  // An empty file is an empty catalog.
  const hits = parsed.data === null || parsed.data === undefined ? [] : checkSchema('catalog', parsed.data);
  findings.push(...schemaHitsToFindings(hits, parsed));
  const context = {
    data: parsed.data,
    recipe,
    declaredChannels: declaredChannels(recipe),
    threshold: promotionThreshold(recipe, recipeDir),
  };
  findings.push(...runRules(catalogRules, context, parsed, failedSubtrees(hits)));
  return { findings, sources, data: parsed.data };
}
