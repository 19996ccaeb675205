/**
 * XCCDF results as SCC (SCAP Compliance Checker), OpenSCAP and usg write them: an XCCDF 1.1/1.2
 * `Benchmark` holding a `TestResult` (SCC's `*_XCCDF-Results_*.xml`, `oscap --results`), a bare
 * `TestResult`, or an ARF report collection (`oscap --results-arf`, usg's results file), and the
 * summary the build judges them by. The generated evidence documents do the same on the instance
 * (Python on Linux, PowerShell on Windows); tests run them on the same sample reports.
 */
import { XMLParser } from 'fast-xml-parser';
import type { AcceptedFinding, ComplianceSummary, FailingRule, Scanner } from './summary.js';

export interface RuleResult {
  /** XCCDF rule id, e.g. `xccdf_mil.disa.stig_rule_SV-274065r1120228_rule`. */
  idref: string;
  /** pass, fail, error, unknown, notapplicable, notchecked, notselected, informational, fixed. */
  result: string;
  severity?: string;
  /** SCC writes the STIG id here, e.g. `AZLX-23-001390`. */
  version?: string;
  title?: string;
  /** The rule's group (the STIG's V- id), when the benchmark is in the file. */
  group?: string;
}

export interface XccdfResults {
  benchmark: { id: string; title?: string; version: string };
  profile: string;
  testSystem?: string;
  startTime?: string;
  endTime?: string;
  target?: string;
  scores: { system: string; value: number; maximum?: number }[];
  rules: RuleResult[];
}

export class XccdfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XccdfFormatError';
  }
}

const ARRAYS = new Set(['rule-result', 'Group', 'Rule', 'score', 'ident', 'report', 'component', 'TestResult', 'target', 'profile']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ARRAYS.has(name),
  processEntities: true,
});

type Node = Record<string, unknown>;
const asNodes = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : value && typeof value === 'object' ? [value as Node] : []);
const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim();
  const node = asNodes(value)[0];
  const t = node?.['#text'];
  return typeof t === 'string' ? t.trim() : undefined;
};

/** Every node named `name` under `node`, depth first (ARF nests the results several levels down). */
function findAll(node: unknown, name: string, found: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const item of node) findAll(item, name, found);
    return found;
  }
  if (!node || typeof node !== 'object') return found;
  for (const [key, value] of Object.entries(node as Node)) {
    if (key.startsWith('@') || key === '#text') continue;
    if (key === name) found.push(...asNodes(value));
    findAll(value, name, found);
  }
  return found;
}

export function parseXccdfResults(xml: string): XccdfResults {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (cause) {
    throw new XccdfFormatError(`not XML: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const testResults = findAll(doc, 'TestResult');
  const testResult = testResults.at(-1);
  if (!testResult) throw new XccdfFormatError('no TestResult: this is not an XCCDF results file');
  const benchmarks = findAll(doc, 'Benchmark');
  const benchmark = benchmarks[0];
  // Rule titles and groups, when the benchmark travels with the results (SCC, ARF).
  const rules = new Map<string, { title?: string; group?: string }>();
  for (const group of findAll(benchmark ?? {}, 'Group')) {
    for (const rule of asNodes(group.Rule)) rules.set(String(rule['@id']), { title: text(rule.title), group: String(group['@id'] ?? '') });
  }
  for (const rule of findAll(benchmark ?? {}, 'Rule')) if (!rules.has(String(rule['@id']))) rules.set(String(rule['@id']), { title: text(rule.title) });
  const benchmarkRef = asNodes(testResult.benchmark)[0];
  const results = asNodes(testResult['rule-result']).map((r) => {
    const idref = String(r['@idref'] ?? '');
    const known = rules.get(idref);
    return {
      idref,
      result: text(r.result) ?? 'unknown',
      ...(r['@severity'] ? { severity: String(r['@severity']) } : {}),
      ...(r['@version'] ? { version: String(r['@version']) } : {}),
      ...(known?.title ? { title: known.title } : {}),
      ...(known?.group && /V-\d+/.test(known.group) ? { group: shortGroup(known.group) } : {}),
    } satisfies RuleResult;
  });
  return {
    benchmark: {
      id: String(benchmark?.['@id'] ?? benchmarkRef?.['@id'] ?? benchmarkRef?.['@href'] ?? ''),
      ...(text(benchmark?.title) ? { title: text(benchmark?.title) } : {}),
      version: text(benchmark?.version) ?? String(testResult['@version'] ?? ''),
    },
    profile: String(asNodes(testResult.profile)[0]?.['@idref'] ?? ''),
    ...(testResult['@test-system'] ? { testSystem: String(testResult['@test-system']) } : {}),
    ...(testResult['@start-time'] ? { startTime: String(testResult['@start-time']) } : {}),
    ...(testResult['@end-time'] ? { endTime: String(testResult['@end-time']) } : {}),
    ...(text(asNodes(testResult.target)[0]) ? { target: text(asNodes(testResult.target)[0]) } : {}),
    scores: asNodes(testResult.score).map((s) => ({
      system: String(s['@system'] ?? 'urn:xccdf:scoring:default'),
      value: Number(text(s) ?? Number.NaN),
      ...(s['@maximum'] !== undefined ? { maximum: Number(s['@maximum']) } : {}),
    })),
    rules: results,
  };
}

/** `xccdf_mil.disa.stig_group_V-274065` -> `V-274065`. */
function shortGroup(id: string): string {
  return /(V-\d+)/.exec(id)?.[1] ?? id;
}

export interface AcceptedRule {
  rule: string;
  title?: string;
  reason: string;
}

const FAILED = new Set(['fail', 'error', 'unknown']);

/** Whether an accepted-list entry names this rule: STIG id, V- id, SV- id (any revision), or the XCCDF id. */
export function ruleMatches(accepted: string, rule: RuleResult): boolean {
  const want = accepted.trim();
  if (want === rule.idref || want === rule.version || want === rule.group) return true;
  const sv = /(SV-\d+)/.exec(rule.idref)?.[1];
  if (sv !== undefined && (want === sv || want.startsWith(`${sv}r`))) return true;
  // OpenSCAP/usg: the short rule name, e.g. grub2_password for xccdf_org.ssgproject.content_rule_grub2_password.
  return rule.idref.endsWith(`_rule_${want}`);
}

export interface SummaryOptions {
  scanner: Scanner;
  report: string;
  threshold: number;
  accepted: readonly AcceptedRule[];
  imageId: string;
  imageBuildVersion: string;
  imageBuilderArn?: string;
  time: string;
}

/** The summary of one scan: counts, score, accepted and failing rules, and whether the build passes. */
export function summarizeXccdf(results: XccdfResults, options: SummaryOptions): ComplianceSummary {
  const count = (...names: string[]) => results.rules.filter((r) => names.includes(r.result)).length;
  const pass = count('pass', 'fixed');
  const fail = count('fail');
  const error = count('error', 'unknown');
  const evaluated = pass + fail + error;
  const score = evaluated > 0 ? Math.round((10_000 * pass) / evaluated) / 100 : 0;
  const failingRules = results.rules.filter((r) => FAILED.has(r.result));
  const accepted: AcceptedFinding[] = options.accepted.map((a) => {
    const hit = results.rules.find((r) => ruleMatches(a.rule, r));
    return { id: a.rule, ...(a.title ? { title: a.title } : {}), reason: a.reason, ...(hit ? { result: hit.result } : {}) };
  });
  const failing: FailingRule[] = failingRules
    .filter((r) => !options.accepted.some((a) => ruleMatches(a.rule, r)))
    .map((r) => ({ id: r.version ?? r.group ?? r.idref, ...(r.title ? { title: r.title } : {}), ...(r.severity ? { severity: r.severity } : {}), detail: `${r.result} (${r.idref})` }));
  return {
    schemaVersion: 1,
    benchmark: results.benchmark,
    profile: results.profile,
    scanner: options.scanner,
    report: options.report,
    counts: { pass, fail, notApplicable: count('notapplicable'), notChecked: count('notchecked', 'notselected', 'informational'), error },
    score,
    threshold: options.threshold,
    passed: evaluated > 0 && score >= options.threshold && failing.length === 0,
    accepted,
    failing,
    imageId: options.imageId,
    imageBuildVersion: options.imageBuildVersion,
    ...(options.imageBuilderArn ? { imageBuilderArn: options.imageBuilderArn } : {}),
    time: options.time,
  };
}
