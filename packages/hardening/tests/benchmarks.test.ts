/**
 * The Windows CIS tables against their benchmark fixtures (`src/benchmarks/*.yaml`): every Level 1
 * (Member Server) recommendation is a row or an exception with a reason, a table uses only ids the
 * benchmark has, and a row above Level 1 says so with the benchmark's level.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ControlsTable } from '../src/index.js';

interface Recommendation {
  id: string;
  level: 1 | 2 | 'NG';
  only?: 'MS' | 'DC';
  title: string;
}

interface Fixture {
  benchmark: string;
  version: string;
  source?: { repository: string; path: string; commit: string };
  recommendations: Recommendation[];
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = <T>(file: string) => parse(readFileSync(`${ROOT}${file}`, 'utf8')) as T;

/** Recipe, its benchmark fixture, and whether the fixture lists every recommendation of the benchmark (not only Level 1). */
const CASES = [
  { recipe: 'windows-server-2022-cis-level1', fixture: 'cis-windows-server-2022-v2.0.0.yaml', complete: false },
  { recipe: 'windows-server-2025-cis-level1', fixture: 'cis-windows-server-2025-v2.1.0.yaml', complete: true },
] as const;

describe.each(CASES)('Benchmark fixture of $recipe', ({ recipe, fixture: file, complete }) => {
  const table = read<ControlsTable>(`recipes/${recipe}/controls/cis-level1.yaml`);
  const fixture = read<Fixture>(`packages/hardening/src/benchmarks/${file}`);
  const byId = new Map(fixture.recommendations.map((r) => [r.id, r]));
  const rows = new Set(table.controls.map((c) => c.id));
  const memberServerLevel1 = fixture.recommendations.filter((r) => r.level === 1 && r.only !== 'DC');

  it('names the benchmark and version of the table and records its source with a commit', () => {
    expect([fixture.benchmark, fixture.version]).toEqual([table.benchmark, table.version]);
    expect(fixture.source?.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('lists each recommendation once', () => {
    const seen = new Set<string>();
    expect(fixture.recommendations.filter((r) => seen.has(r.id) || !seen.add(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('covers every Level 1 (Member Server) recommendation with a row or an exception', () => {
    const excepted = new Set((table.exceptions ?? []).map((e) => e.id));
    expect(memberServerLevel1.filter((r) => !rows.has(r.id) && !excepted.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('gives every exception a reason and never makes a row an exception too', () => {
    const exceptions = table.exceptions ?? [];
    expect(exceptions.filter((e) => e.reason.trim().length < 30).map((e) => e.id)).toEqual([]);
    expect(exceptions.filter((e) => rows.has(e.id)).map((e) => e.id)).toEqual([]);
    expect(exceptions.filter((e) => byId.get(e.id)?.level !== 1).map((e) => e.id)).toEqual([]);
  });

  it.runIf(complete)('uses only ids of the benchmark, none for domain controllers only, each with the level the benchmark gives it', () => {
    const rowsAndLevels = table.controls.map((c) => ({ id: c.id, level: c.level ?? 1 }));
    expect(rowsAndLevels.filter((r) => !byId.has(r.id)).map((r) => r.id)).toEqual([]);
    expect(rowsAndLevels.filter((r) => byId.get(r.id)?.only === 'DC').map((r) => r.id)).toEqual([]);
    expect(rowsAndLevels.filter((r) => byId.has(r.id) && byId.get(r.id)?.level !== r.level).map((r) => `${r.id} table ${r.level} benchmark ${byId.get(r.id)?.level}`)).toEqual([]);
  });
});
