import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { json, sarif } from '../../src/formatters/index.js';
import type { Finding, RuleMeta } from '../../src/index.js';
import { FINDINGS, RULES, SOURCES } from './findings.js';


describe('Formatter: sarif structure', () => {
  const schema = JSON.parse(readFileSync(new URL('./sarif-subset.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);

  it.each([
    { name: 'findings of every severity, one suppressed', findings: FINDINGS },
    { name: 'no findings', findings: [] },
    {
      name: 'an info finding of a rule the registry does not know, in an absolute path with a space',
      findings: [{ ...(FINDINGS[0] as Finding), ruleId: 'I3011', slug: 'I3011', severity: 'info', source: 'cfn-lint', file: '/tmp/my dir/t.yaml' } satisfies Finding],
    },
  ])('matches the SARIF 2.1.0 shape: $name', ({ findings }) => {
    // Act
    const log = JSON.parse(sarif(findings, { sources: SOURCES, rules: RULES }));

    // Assess
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it('points every result at its rule in the driver, adding rules the registry does not know', () => {
    // Prepare
    const foreign: Finding = { ...(FINDINGS[0] as Finding), ruleId: 'W2001', slug: 'W2001', source: 'cfn-lint', file: '/tmp/my dir/t.yaml' };

    // Act
    const log = JSON.parse(sarif([...FINDINGS, foreign], { rules: RULES }));

    // Assess
    const run = log.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual(['RB0001', 'RB1002', 'RB3003', 'RB3005', 'W2001']);
    for (const result of run.results) expect(ids[result.ruleIndex]).toBe(result.ruleId);
    const w2001 = run.results.find((r: { ruleId: string }) => r.ruleId === 'W2001');
    expect(w2001.locations[0].physicalLocation.artifactLocation.uri).toBe('file:///tmp/my%20dir/t.yaml');
  });
});

// The fixture is the unedited stdout of `cfn-lint --format json` 1.51.5 on a broken Image Builder template.
describe('Formatter: json against real cfn-lint output', () => {
  const expected = JSON.parse(readFileSync(new URL('./fixtures/broken-template.cfn-lint.json', import.meta.url), 'utf8')) as CfnLintMatch[];
  const rules: RuleMeta[] = expected.map((m) => ({ id: m.Rule.Id, slug: m.Rule.ShortDescription, severity: 'error', description: m.Rule.Description }));
  // The same four matches as findings, as the cfn-lint wrapper would produce them.
  const findings: Finding[] = expected.map((m) => ({
    ruleId: m.Rule.Id,
    slug: m.Rule.ShortDescription,
    severity: 'error',
    message: m.Message,
    file: m.Filename,
    range: {
      start: { line: m.Location.Start.LineNumber, column: m.Location.Start.ColumnNumber },
      end: { line: m.Location.End.LineNumber, column: m.Location.End.ColumnNumber },
    },
    path: m.Location.Path,
    source: 'cfn-lint',
  }));

  it('has exactly the keys cfn-lint writes, in its order, with its values', () => {
    // Act
    const ours = JSON.parse(json([...findings].reverse(), { rules })) as CfnLintMatch[];

    // Assess
    expect(ours.map((m) => keyPaths(m))).toEqual(expected.map((m) => keyPaths(m)));
    const comparable = (m: CfnLintMatch) => ({ ...m, Id: undefined, Rule: { ...m.Rule, Source: undefined } });
    expect(ours.map(comparable)).toEqual(expected.map(comparable));
  });

  it('gives every match a UUID-shaped id that is stable and differs between matches', () => {
    // Act
    const first = JSON.parse(json(findings, { rules })) as CfnLintMatch[];
    const second = JSON.parse(json(findings, { rules })) as CfnLintMatch[];

    // Assess
    const ids = first.map((m) => m.Id);
    expect(ids).toEqual(second.map((m) => m.Id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

interface CfnLintMatch {
  Filename: string;
  Id: string;
  Level: string;
  Location: { Start: { LineNumber: number; ColumnNumber: number }; End: { LineNumber: number; ColumnNumber: number }; Path: (string | number)[] };
  Message: string;
  ParentId: null;
  Rule: { Id: string; ShortDescription: string; Description: string; Source: string };
}

/** Every key path of a JSON value, in document order (`Location.Start.LineNumber`, ...). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}
