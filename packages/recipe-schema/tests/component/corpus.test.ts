import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../src/recipe-model.js';
import { schemaFile } from '../../src/schema-validator.js';
import { validateComponentFile } from '../../src/validate.js';

const ROOT = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));

interface Source {
  file: string;
  repository: string;
  path: string;
  commit: string;
  platform?: Platform;
  verdict: 'accepted' | 'defective';
  defects?: Array<{ ruleId: string; line: number }>;
  note?: string;
}

const SOURCES = JSON.parse(readFileSync(`${ROOT}sources.json`, 'utf8')) as Source[];
const REPOSITORIES = new Set(SOURCES.map((s) => s.repository));
const ACCEPTED = SOURCES.filter((s) => s.verdict === 'accepted');
const DEFECTIVE = SOURCES.filter((s) => s.verdict === 'defective');

function errorsOf(source: Source) {
  return validateComponentFile(source.file, { cwd: ROOT, platform: source.platform ?? 'linux' })
    .findings.filter((f) => f.severity === 'error')
    .map((f) => ({ ruleId: f.ruleId, line: f.range.start.line }));
}

describe(`AWSTOE corpus: ${SOURCES.length} public documents from ${REPOSITORIES.size} repositories`, () => {
  it('records the repository, path and a 40-digit commit of every document', () => {
    const incomplete = SOURCES.filter((s) => !/^[\w.-]+\/[\w.-]+$/.test(s.repository) || s.path === '' || !/^[0-9a-f]{40}$/.test(s.commit));
    expect(incomplete.map((s) => s.file)).toEqual([]);
  });

  it('uses every action module AWSTOE has at least once', () => {
    // Prepare
    const schema = JSON.parse(readFileSync(schemaFile('component'), 'utf8')) as {
      definitions: { step: { properties: { action: { enum: string[] } } } };
    };
    const used = new Set(
      SOURCES.flatMap((s) => [...readFileSync(`${ROOT}${s.file}`, 'utf8').matchAll(/action:\s*"?([A-Za-z0-9]+)/g)].map((m) => m[1])),
    );

    // Assess
    expect(schema.definitions.step.properties.action.enum.filter((action) => !used.has(action))).toEqual([]);
  });

  it.each(ACCEPTED.map((s) => [s.file, s] as const))('%s (accepted by AWSTOE) validates with no error', (_file, source) => {
    expect(errorsOf(source)).toEqual([]);
  });

  it.each(DEFECTIVE.map((s) => [s.file, s] as const))('%s (defective) is flagged once per defect, at its line', (_file, source) => {
    expect(errorsOf(source)).toEqual(source.defects);
  });
});
