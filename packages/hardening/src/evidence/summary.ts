/**
 * The evidence summary: one `summary.json` next to the raw report in
 * `s3://<EvidenceBucketName>/evidence/<recipe>/<recipe version>/<image build version>/`.
 * Written on the test instance by the generated evidence documents, read by `bakery evidence`.
 */
export type Scanner = 'scc' | 'openscap' | 'usg' | 'windows-controls';

export interface AcceptedFinding {
  /** Rule as the accepted list names it (STIG id, V-/SV- id, XCCDF rule id or benchmark recommendation id). */
  id: string;
  title?: string;
  reason: string;
  /** The result the rule had in this scan, when it was in it. */
  result?: string;
}

export interface FailingRule {
  id: string;
  title?: string;
  severity?: string;
  detail?: string;
}

export interface ComplianceSummary {
  schemaVersion: 1;
  benchmark: { id: string; title?: string; version: string };
  profile: string;
  scanner: Scanner;
  /** File name of the raw report in the same folder. */
  report: string;
  counts: { pass: number; fail: number; notApplicable: number; notChecked?: number; error?: number };
  /** Percent of the evaluated rules that passed: pass / (pass + fail + error). */
  score: number;
  /** Lowest score the build accepts. */
  threshold: number;
  /** Score at or above the threshold and no failing rule outside the accepted list. */
  passed: boolean;
  accepted: AcceptedFinding[];
  /** Rules that failed and are not accepted: each one failed the build. */
  failing: FailingRule[];
  imageId: string;
  imageBuildVersion: string;
  imageBuilderArn?: string;
  time: string;
}

export class SummaryFormatError extends Error {
  constructor(message: string, { cause }: { cause?: unknown } = {}) {
    super(message, { cause });
    this.name = 'SummaryFormatError';
  }
}

const num = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SummaryFormatError(`${field} is ${JSON.stringify(value)}, expected a number`);
  return value;
};
const str = (value: unknown, field: string): string => {
  if (typeof value !== 'string') throw new SummaryFormatError(`${field} is ${JSON.stringify(value)}, expected a string`);
  return value;
};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/**
 * A summary read back from S3, checked field by field. PowerShell's ConvertTo-Json writes a
 * one-element array as a plain object; lists are taken either way.
 */
export function parseSummary(text: string): ComplianceSummary {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (cause) {
    throw new SummaryFormatError('summary.json is not JSON', { cause });
  }
  if (raw === null || typeof raw !== 'object') throw new SummaryFormatError('summary.json is not an object');
  if (raw.schemaVersion !== 1) throw new SummaryFormatError(`schemaVersion is ${JSON.stringify(raw.schemaVersion)}, expected 1`);
  const benchmark = (raw.benchmark ?? {}) as Record<string, unknown>;
  const counts = (raw.counts ?? {}) as Record<string, unknown>;
  const scanner = str(raw.scanner, 'scanner');
  if (!['scc', 'openscap', 'usg', 'windows-controls'].includes(scanner)) throw new SummaryFormatError(`scanner is '${scanner}'`);
  return {
    schemaVersion: 1,
    benchmark: { id: str(benchmark.id, 'benchmark.id'), ...(typeof benchmark.title === 'string' ? { title: benchmark.title } : {}), version: str(benchmark.version, 'benchmark.version') },
    profile: str(raw.profile, 'profile'),
    scanner: scanner as Scanner,
    report: str(raw.report, 'report'),
    counts: {
      pass: num(counts.pass, 'counts.pass'),
      fail: num(counts.fail, 'counts.fail'),
      notApplicable: num(counts.notApplicable, 'counts.notApplicable'),
      ...(counts.notChecked !== undefined ? { notChecked: num(counts.notChecked, 'counts.notChecked') } : {}),
      ...(counts.error !== undefined ? { error: num(counts.error, 'counts.error') } : {}),
    },
    score: num(raw.score, 'score'),
    threshold: num(raw.threshold, 'threshold'),
    passed: raw.passed === true,
    accepted: list(raw.accepted).map((a, i) => {
      const e = a as Record<string, unknown>;
      return { id: str(e.id, `accepted.${i}.id`), ...(typeof e.title === 'string' ? { title: e.title } : {}), reason: str(e.reason, `accepted.${i}.reason`), ...(typeof e.result === 'string' ? { result: e.result } : {}) };
    }),
    failing: list(raw.failing).map((f, i) => {
      const e = f as Record<string, unknown>;
      return {
        id: str(e.id, `failing.${i}.id`),
        ...(typeof e.title === 'string' ? { title: e.title } : {}),
        ...(typeof e.severity === 'string' ? { severity: e.severity } : {}),
        ...(typeof e.detail === 'string' ? { detail: e.detail } : {}),
      };
    }),
    imageId: str(raw.imageId, 'imageId'),
    imageBuildVersion: String(raw.imageBuildVersion ?? ''),
    ...(typeof raw.imageBuilderArn === 'string' ? { imageBuilderArn: raw.imageBuilderArn } : {}),
    time: str(raw.time, 'time'),
  };
}
