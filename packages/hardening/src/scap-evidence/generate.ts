/**
 * SCAP evidence table -> one test-phase AWSTOE document. It runs after the scan on the instance
 * launched from the image (the AWS-managed SCAP Compliance Checker component before it in the
 * recipe's tests, or OpenSCAP run by the document itself), reads the XCCDF results, writes
 * summary.json (the format of ../evidence/summary.ts), uploads the report and the summary to
 * `s3://<EvidenceBucket>/<EvidencePrefix>/<image build version>/` and fails the build when the
 * score is below `minimumScore` or any failing rule is not on the accepted list.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { GeneratorInputError } from '../errors.js';
import { WINDOWS_IDENTITY, WINDOWS_UPLOAD } from '../evidence/windows-upload.js';
import type { Platform, TableHit } from '../types.js';
import { COMPONENT_DATA_LIMIT, EVIDENCE_PARAMETERS, type GeneratedDocument, quote } from '../windows-controls/generate.js';
import { emitYaml } from '../yaml-emit.js';

export interface ScapEvidenceTable {
  benchmark: string;
  scanner: 'scc' | 'openscap';
  results?: string[];
  minimumScore: number;
  accepted: { rule: string; title?: string; reason: string }[];
  openscap?: { datastream: string; profile: string; packages: string[] };
}

export interface ScapEvidenceOptions {
  baseName: string;
  tableFile: string;
  platform?: Platform;
}

const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
let sources: { python: string; packedPython: string; pythonSha256: string; ps1: string; ps1Tail: string } | undefined;
function scripts() {
  // Comment lines stay in the repository; the documents carry the code (they have 16,000 characters).
  const strip = (text: string) =>
    text
      .split('\n')
      .filter((line) => !/^\s*#/.test(line) && line.trim() !== '')
      .join('\n');
  if (!sources) {
    const python = strip(read('evidence.py'));
    // The Linux documents carry the script gzipped and base64-encoded on one line: as YAML block-scalar
    // lines it costs ~14 characters of indentation per line and left the RHEL 9 document over the
    // 16,000-character limit. gzip's header holds no time here (mtime 0), so the text is deterministic.
    const packedPython = gzipSync(Buffer.from(python, 'utf8'), { level: 9 }).toString('base64');
    sources = { python, packedPython, pythonSha256: createHash('sha256').update(python).digest('hex'), ps1: strip(read('evidence.ps1')), ps1Tail: strip(read('evidence-tail.ps1')) };
  }
  return sources;
}

/** The shell lines that write evidence.py on a Linux instance (gzipped, base64-encoded, with its sha256 for review). */
export function evidencePythonLines(): string[] {
  const { packedPython, pythonSha256 } = scripts();
  return [
    `# evidence.py of @ami-bakery/hardening (comment lines removed), sha256 ${pythonSha256}, gzip, base64:`,
    `printf '%s' '${packedPython}' | base64 -d | gunzip > "$work/evidence.py"`,
  ];
}

const PARAMETERS = [
  { EvidenceBucket: { type: 'string', description: 'Bucket the evidence is uploaded to (the bakery evidence bucket).' } },
  { EvidencePrefix: { type: 'string', description: 'Key prefix of this recipe version, evidence/<recipe>/<version>; the image build version is appended.' } },
];

export function checkScapEvidenceTable(table: ScapEvidenceTable): TableHit[] {
  const hits: TableHit[] = [];
  const seen = new Map<string, number>();
  table.accepted.forEach((entry, index) => {
    const first = seen.get(entry.rule);
    if (first === undefined) seen.set(entry.rule, index);
    else hits.push({ path: ['accepted', index, 'rule'], message: `${entry.rule} is accepted twice (entry ${first + 1} too); keep one entry with one reason.` });
  });
  return hits;
}

/** A string as one shell word in single quotes. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

export function generateScapEvidence(table: ScapEvidenceTable, options: ScapEvidenceOptions): GeneratedDocument[] {
  const windows = options.platform === 'windows';
  if (windows && table.scanner === 'openscap') throw new GeneratorInputError('OpenSCAP scans Linux only; use scanner: scc on Windows.', ['scanner']);
  const work = windows ? `$env:ProgramData\\AmiBakery\\${options.baseName}` : `/var/lib/ami-bakery/evidence/${options.baseName}`;
  // SCC: the table's patterns in order of preference; the evidence scripts take the first that
  // matches. Where the AWS-managed SCC components save their report is documented in the EC2 Image
  // Builder User Guide, "SCAP compliance validator component" (awsdocs/ec2-image-builder-user-guide,
  // doc_source/toe-stig.md at 1030a941fe56): /opt/scc/SCCResults on Linux, the desktop of the
  // account the component runs as on Windows. The shipped tables list those first.
  const results = table.scanner === 'openscap' ? [`${work}/openscap-results-arf.xml`] : (table.results ?? []);
  const config = {
    scanner: table.scanner,
    threshold: table.minimumScore,
    accepted: table.accepted.map((a) => ({ rule: a.rule, ...(a.title ? { title: a.title } : {}), reason: a.reason })),
    results,
    extra: table.scanner === 'openscap' ? [`${work}/openscap-report.html`] : [],
    bucket: '{{ EvidenceBucket }}',
    prefix: '{{ EvidencePrefix }}',
    work: windows ? undefined : work,
  };
  const { ps1, ps1Tail } = scripts();
  const step = windows
    ? {
        name: 'Evidence',
        action: 'ExecutePowerShell',
        timeoutSeconds: 1800,
        inputs: {
          commands: [
            [
              "$ErrorActionPreference = 'Stop'",
              `$config = ConvertFrom-Json ${quote(JSON.stringify({ ...config, work: undefined }))}`,
              `$config | Add-Member -NotePropertyName work -NotePropertyValue (Join-Path $env:ProgramData ${quote(`AmiBakery\\${options.baseName}`)}) -Force`,
              ps1,
              ...WINDOWS_IDENTITY,
              ps1Tail,
              ...WINDOWS_UPLOAD,
              'Write-Output "$($summary.benchmark.title) $version: $pass pass, $fail fail, $errors error; score $score% (threshold $($config.threshold)%)."',
              '$accepted | ForEach-Object { Write-Output "  accepted $($_.id) ($($_.result)): $($_.reason)" }',
              '$failing | ForEach-Object { Write-Output "  FAILING $($_.id): $($_.title) [$($_.detail)]" }',
              'if (-not $summary.passed) { exit 1 }',
            ].join('\n'),
          ],
        },
      }
    : {
        name: 'Evidence',
        action: 'ExecuteBash',
        timeoutSeconds: 3600,
        inputs: {
          commands: [
            [
              'set -euo pipefail',
              `work=${shellQuote(work)}`,
              'mkdir -p "$work"',
              ...(table.scanner === 'openscap' && table.openscap
                ? [
                    `dnf install -y ${table.openscap.packages.map(shellQuote).join(' ')}`,
                    `test -f ${shellQuote(table.openscap.datastream)} || { echo "${table.openscap.packages.join(' ')} installed, but ${table.openscap.datastream} is missing: this release of the SCAP Security Guide has no data stream for the image." >&2; exit 1; }`,
                    `oscap info --profile ${shellQuote(table.openscap.profile)} ${shellQuote(table.openscap.datastream)} >/dev/null || { echo "${table.openscap.datastream} has no profile ${table.openscap.profile}." >&2; exit 1; }`,
                    '# oscap exits 2 when a rule fails; the evidence step below judges the results.',
                    `oscap xccdf eval --profile ${shellQuote(table.openscap.profile)} --results-arf "$work/openscap-results-arf.xml" --report "$work/openscap-report.html" ${shellQuote(table.openscap.datastream)} || test $? -eq 2`,
                  ]
                : []),
              ...evidencePythonLines(),
              `python3 "$work/evidence.py" ${shellQuote(JSON.stringify(config))}`,
            ].join('\n'),
          ],
        },
      };
  const data: Record<string, unknown> = {
    name: `${options.baseName}-scan`,
    description: `Judges the ${table.scanner === 'scc' ? 'SCAP Compliance Checker' : 'OpenSCAP'} scan of the launched instance against ${table.benchmark}: at least ${table.minimumScore}% and no failing rule outside the ${table.accepted.length} accepted; uploads the report and summary.json as evidence. Generated from ${options.tableFile}; edit the table, not this document.`.slice(0, 1024),
    schemaVersion: '1.0',
    parameters: PARAMETERS,
    phases: [{ name: 'test', steps: [step] }],
  };
  const text = emitYaml(data);
  if (text.length > COMPONENT_DATA_LIMIT) {
    throw new GeneratorInputError(`The evidence document is ${text.length} characters, over the ${COMPONENT_DATA_LIMIT} CloudFormation takes inline; shorten the accepted reasons.`, ['accepted']);
  }
  return [{ part: 1, parts: 1, stage: 'test', suffix: 'scan', name: `${options.baseName}-scan`, data, text, rows: [], origins: [], parameters: { ...EVIDENCE_PARAMETERS } }];
}
