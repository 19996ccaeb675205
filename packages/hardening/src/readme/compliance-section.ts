/**
 * The "Compliance" section of a recipe README, generated from the recipe and its benchmark tables
 * so the numbers a reader sees (benchmark, version, coverage, accepted findings) are the data's.
 * It sits between `<!-- compliance:begin -->` and `<!-- compliance:end -->`; a test fails when a
 * README's section is stale, and `pnpm exec tsx packages/hardening/scripts/readme.ts --write`
 * rewrites it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ScapEvidenceTable } from '../scap-evidence/generate.js';
import { TAILORING_FILE, type UsgTailoringTable } from '../usg-tailoring/generate.js';
import { writableBySetRegistry } from '../windows-controls/generate.js';
import type { ControlsTable } from '../windows-controls/table.js';

export const BEGIN = '<!-- compliance:begin (generated from the recipe and its tables; do not edit by hand) -->';
export const END = '<!-- compliance:end -->';

interface Entry {
  managed?: string;
  generate?: string;
  table?: string;
}

interface Fixture {
  benchmark: string;
  version: string;
  sections: string[];
  /** `level: 'NG'` is the optional Next Generation Windows Security profile; `only` limits a recommendation to one server role. */
  recommendations: { id: string; level: number | 'NG'; only?: 'MS' | 'DC' }[];
}

const BENCHMARKS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'benchmarks');

function fixtureFor(table: ControlsTable): { file: string; fixture: Fixture } | undefined {
  const file = `cis-${table.benchmark.replace(/^CIS Microsoft /, '').replace(/ Benchmark$/, '').toLowerCase().replaceAll(' ', '-')}-v${table.version}.yaml`;
  const full = path.join(BENCHMARKS, file);
  return existsSync(full) ? { file: `packages/hardening/src/benchmarks/${file}`, fixture: parse(readFileSync(full, 'utf8')) as Fixture } : undefined;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function windowsControls(table: ControlsTable, tableFile: string, recipe: string, version: string): string[] {
  const ids = new Set(table.controls.map((c) => c.id));
  const extra = table.controls.filter((c) => (c.level ?? 1) > 1);
  const user = table.controls.filter((c) => c.kind === 'userRegistry');
  const script = table.controls.filter((c) => c.kind === 'registry' && !writableBySetRegistry(c));
  const exceptions = table.exceptions ?? [];
  const found = fixtureFor(table);
  const lines = [
    '| | |',
    '|---|---|',
    `| benchmark | ${table.benchmark} v${table.version} |`,
    `| profile | ${table.profile} |`,
    `| table | [\`${tableFile}\`](${tableFile}): ${table.controls.length} rows, ${ids.size} recommendations (${[...new Set(extra.map((c) => c.id))].length} above Level 1, applied on purpose) |`,
    `| per-user rows (section 19) | ${user.length}, written to the default user profile and the profiles on the image |`,
    `| rows written by PowerShell (SetRegistry cannot) | ${script.length}${script.length > 0 ? ` rows of ${[...new Set(script.map((c) => c.id))].join(', ')}` : ''} |`,
    `| exceptions | ${exceptions.length}, each with its reason (below) |`,
  ];
  if (found) {
    const l1 = found.fixture.recommendations.filter((r) => r.level === 1 && r.only !== 'DC');
    const rows = l1.filter((r) => ids.has(r.id)).length;
    const excepted = l1.filter((r) => !ids.has(r.id) && exceptions.some((e) => e.id === r.id)).length;
    const sections = found.fixture.sections.length > 1 ? 'all sections' : `section${found.fixture.sections.length > 1 ? 's' : ''} ${found.fixture.sections.join(', ')}`;
    lines.push(`| Level 1 coverage | ${rows + excepted} of ${l1.length} Level 1 (Member Server) recommendations of [the benchmark list](../../${found.file}) (${sections}): ${rows} applied and verified, ${excepted} exceptions, ${l1.length - rows - excepted} missing |`);
  }
  lines.push(
    `| verified | before the snapshot (validate phase) and again on the instance launched from the image (test phase) |`,
    `| evidence | \`s3://<EvidenceBucketName>/evidence/${recipe}/${version}/<image build version>/\`: \`control-results.csv\` (every control, pass or fail) and \`summary.json\`; the build fails if any control does not hold |`,
  );
  if (exceptions.length > 0) {
    lines.push('', '| exception | reason |', '|---|---|', ...exceptions.map((e) => `| ${e.id} ${cell(e.title)} | ${cell(e.reason)} |`));
  }
  return lines;
}

function scapEvidence(table: ScapEvidenceTable, tableFile: string, recipe: string, version: string, sccComponent: string | undefined): string[] {
  const scanner =
    table.scanner === 'scc'
      ? `AWS-managed \`${sccComponent ?? 'scap-compliance-checker'}\` (SCAP Compliance Checker) in the test phase, on the instance launched from the image`
      : `OpenSCAP with \`${table.openscap?.profile}\` from \`${table.openscap?.datastream}\`, installed and run in the test phase, for an image the AWS-managed SCC does not scan (why: [\`${tableFile}\`](${tableFile}))`;
  const lines = [
    '| | |',
    '|---|---|',
    `| benchmark | ${table.benchmark}; the version scanned is the one the scanner carries at build time, recorded in \`summary.json\` |`,
    `| scanner | ${scanner} |`,
    `| pass mark | at least ${table.minimumScore} % of evaluated rules pass, and no failing rule outside the ${table.accepted.length} accepted below ([\`${tableFile}\`](${tableFile})) |`,
    `| evidence | \`s3://<EvidenceBucketName>/evidence/${recipe}/${version}/<image build version>/\`: the XCCDF results${table.scanner === 'openscap' ? ' (ARF) and the HTML report' : ''} and \`summary.json\` |`,
  ];
  if (table.accepted.length > 0) lines.push('', '| accepted finding | reason |', '|---|---|', ...table.accepted.map((a) => `| ${a.rule}${a.title ? ` ${cell(a.title)}` : ''} | ${cell(a.reason)} |`));
  else lines.push('', 'No finding is accepted: every failing rule fails the build.');
  return lines;
}

function usgTailoring(table: UsgTailoringTable, tableFile: string, recipe: string, version: string): string[] {
  return [
    '| | |',
    '|---|---|',
    `| benchmark | ${table.benchmark}, as the Ubuntu Security Guide implements it; the version audited is recorded in \`summary.json\` |`,
    `| profile | usg \`${table.profile}\`, tailored: ${table.disabled.length} rules left out ([\`${tableFile}\`](${tableFile})), written to \`${TAILORING_FILE}\` |`,
    '| pass mark | 100 % of the rules the tailored profile keeps, before the snapshot and on the instance launched from the image |',
    `| evidence | \`s3://<EvidenceBucketName>/evidence/${recipe}/${version}/<image build version>/\`: usg's HTML report, the results (XCCDF/ARF), the tailoring file and \`summary.json\` |`,
    '',
    '| rule left out | reason |',
    '|---|---|',
    ...table.disabled.map((d) => `| \`${d.rule}\`${d.recommendation ? ` (${d.recommendation})` : ''}${d.title ? ` ${cell(d.title)}` : ''} | ${cell(d.reason)} |`),
  ];
}

/** The generated section for the recipe in `recipeDir`, markers included; undefined when it has no benchmark table. */
export function complianceSection(recipeDir: string): string | undefined {
  const recipe = parse(readFileSync(path.join(recipeDir, 'recipe.yaml'), 'utf8')) as { name: string; version: string; components?: Entry[]; tests?: Entry[] };
  const entries = [...(recipe.components ?? []), ...(recipe.tests ?? [])];
  const sccComponent = entries.find((e) => e.managed?.startsWith('scap-compliance-checker'))?.managed;
  const body: string[] = [];
  for (const entry of entries) {
    if (!entry.generate || !entry.table) continue;
    const data = parse(readFileSync(path.join(recipeDir, entry.table), 'utf8'));
    if (entry.generate === 'windows-controls') body.push(...windowsControls(data as ControlsTable, entry.table, recipe.name, recipe.version));
    if (entry.generate === 'scap-evidence') body.push(...scapEvidence(data as ScapEvidenceTable, entry.table, recipe.name, recipe.version, sccComponent));
    if (entry.generate === 'usg-tailoring') body.push(...usgTailoring(data as UsgTailoringTable, entry.table, recipe.name, recipe.version));
  }
  if (body.length === 0) return undefined;
  return [BEGIN, '## Compliance', '', ...body, END].join('\n');
}

/** The README with its compliance section replaced (or added at the end). */
export function withComplianceSection(readme: string, section: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) return `${readme.trimEnd()}\n\n${section}\n`;
  return `${readme.slice(0, start)}${section}${readme.slice(end + END.length)}`;
}
