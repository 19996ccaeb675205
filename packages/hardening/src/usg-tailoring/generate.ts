/**
 * usg tailoring table -> two AWSTOE documents for Ubuntu Pro:
 * - `<base>-harden` (build, validate): writes the tailoring file (usg's own for the profile, the
 *   table's rules deselected with their reasons) to /etc/ami-bakery/usg/, hardens with
 *   `usg fix --tailoring-file`, keeps SSH reachable, reboots, and audits before the snapshot;
 * - `<base>-audit` (test): audits the launched instance with the same tailoring file, uploads the
 *   HTML report, the results and summary.json as evidence, and fails unless every rule the
 *   tailored profile keeps passes (threshold 100 %).
 */
import { readFileSync } from 'node:fs';
import { evidencePythonLines } from '../scap-evidence/generate.js';
import type { TableHit } from '../types.js';
import { EVIDENCE_PARAMETERS, type GeneratedDocument } from '../windows-controls/generate.js';
import { emitYaml } from '../yaml-emit.js';

export interface UsgTailoringTable {
  benchmark: string;
  release: string;
  profile: string;
  disabled: { rule: string; recommendation?: string; title?: string; reason: string }[];
}

export interface UsgTailoringOptions {
  baseName: string;
  tableFile: string;
}

/** Where the tailoring file lives on the image: written at build time, audited with at test time. */
export const TAILORING_FILE = '/etc/ami-bakery/usg/tailoring.xml';

const read = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
const strip = (text: string) =>
  text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line) && line.trim() !== '')
    .join('\n');
let sources: { tailor: string } | undefined;
const scripts = () => {
  sources ??= { tailor: strip(read('./tailor.py')) };
  return sources;
};

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

export function checkUsgTailoringTable(table: UsgTailoringTable): TableHit[] {
  const hits: TableHit[] = [];
  const seen = new Map<string, number>();
  table.disabled.forEach((entry, index) => {
    const first = seen.get(entry.rule);
    if (first === undefined) seen.set(entry.rule, index);
    else hits.push({ path: ['disabled', index, 'rule'], message: `${entry.rule} is left out twice (entry ${first + 1} too); keep one entry with one reason.` });
  });
  return hits;
}

const bash = (name: string, lines: string[], timeoutSeconds?: number) => ({ name, action: 'ExecuteBash', ...(timeoutSeconds ? { timeoutSeconds } : {}), inputs: { commands: [['set -euo pipefail', ...lines].join('\n')] } });

export function generateUsgTailoring(table: UsgTailoringTable, options: UsgTailoringOptions): GeneratedDocument[] {
  const { tailor } = scripts();
  const disabled = JSON.stringify(table.disabled.map((d) => ({ rule: d.rule, reason: d.reason })));
  const work = `/var/lib/ami-bakery/evidence/${options.baseName}`;
  const audit = (stamp: string) => [
    `work=${shellQuote(work)}`,
    'rm -rf "$work" && mkdir -p "$work"',
    `stamp="${stamp}"`,
    '# usg audit exits 0 whether rules pass or not; the evidence step judges the results.',
    `usg audit --tailoring-file ${TAILORING_FILE} --html-file "$work/usg-report-$stamp.html" --results-file "$work/usg-results-$stamp.xml"`,
  ];
  const harden = {
    name: `${options.baseName}-harden`,
    description: `Hardens Ubuntu Pro ${table.release} to ${table.benchmark} (usg ${table.profile}, ${table.disabled.length} rules left out with reasons) with the tailoring file ${TAILORING_FILE}, then audits it before the snapshot. Generated from ${options.tableFile}; edit the table, not this document.`.slice(0, 1024),
    schemaVersion: '1.0',
    phases: [
      {
        name: 'build',
        steps: [
          bash('EnableUsg', [
            "enabled() { pro status --format json | python3 -c 'import json, sys; s = [x for x in json.load(sys.stdin)[\"services\"] if x[\"name\"] == \"usg\"]; sys.exit(0 if s and s[0][\"status\"] == \"enabled\" else 1)'; }",
            'if ! enabled; then pro enable usg --assume-yes; fi',
            'export DEBIAN_FRONTEND=noninteractive',
            'apt-get -o DPkg::Lock::Timeout=600 update',
            'apt-get -o DPkg::Lock::Timeout=600 install -y usg',
          ]),
          bash('WriteTailoringFile', [
            `install -d -m 0755 ${TAILORING_FILE.replace(/\/[^/]+$/, '')}`,
            `base=${shellQuote(`${TAILORING_FILE}.usg-default`)}`,
            `usg generate-tailoring ${table.profile} "$base"`,
            "cat > /var/tmp/ami-bakery-tailor.py <<'AMI_BAKERY_PY'",
            tailor,
            'AMI_BAKERY_PY',
            `python3 /var/tmp/ami-bakery-tailor.py "$base" ${TAILORING_FILE} ${shellQuote(disabled)}`,
            'rm -f /var/tmp/ami-bakery-tailor.py',
          ]),
          bash(
            'ApplyProfile',
            [
              `usg fix --tailoring-file ${TAILORING_FILE}`,
              '# The profile turns ufw on with inbound traffic denied. Systems Manager needs no inbound rule; SSH does.',
              'if command -v ufw > /dev/null; then ufw allow OpenSSH; fi',
            ],
            3600,
          ),
          // usg fix says a reboot completes it (kernel parameters, mount options, services).
          { name: 'RebootAfterFix', action: 'Reboot', inputs: { delaySeconds: 5 } },
        ],
      },
      {
        name: 'validate',
        steps: [
          bash(
            'AuditBeforeSnapshot',
            [
              ...audit('build'),
              `python3 - "$work"/usg-results-build.xml <<'AMI_BAKERY_PY'`,
              'import sys, xml.etree.ElementTree as ET',
              "bad = [e.get('idref') for e in ET.parse(sys.argv[1]).iter() if e.tag.endswith('rule-result') and next((c.text for c in e if c.tag.endswith('result')), '') in ('fail', 'error', 'unknown')]",
              "print('\\n'.join(['Rules of the tailored profile that do not pass:'] + bad) if bad else 'Every rule of the tailored profile passes.')",
              'sys.exit(1 if bad else 0)',
              'AMI_BAKERY_PY',
            ],
            3600,
          ),
        ],
      },
    ],
  };
  const config = {
    scanner: 'usg',
    threshold: 100,
    accepted: table.disabled.map((d) => ({ rule: d.rule, ...(d.title ? { title: d.title } : {}), reason: d.reason })),
    results: [`${work}/usg-results-*.xml`],
    extra: [`${work}/usg-report-*.html`, TAILORING_FILE],
    bucket: '{{ EvidenceBucket }}',
    prefix: '{{ EvidencePrefix }}',
    work,
  };
  const auditDoc = {
    name: `${options.baseName}-audit`,
    description: `Audits the launched instance against ${table.benchmark} (usg ${table.profile}, tailoring ${TAILORING_FILE}): every rule the tailored profile keeps must pass. Uploads the report, results, tailoring file and summary.json as evidence. Generated from ${options.tableFile}; edit the table, not this document.`.slice(0, 1024),
    schemaVersion: '1.0',
    parameters: [
      { EvidenceBucket: { type: 'string', description: 'Bucket the evidence is uploaded to (the bakery evidence bucket).' } },
      { EvidencePrefix: { type: 'string', description: 'Key prefix of this recipe version, evidence/<recipe>/<version>; the image build version is appended.' } },
    ],
    phases: [
      {
        name: 'test',
        steps: [
          bash(
            'AuditAndEvidence',
            [
              // The instance attaches itself to Ubuntu Pro on first boot; usg needs that.
              'cloud-init status --wait > /dev/null || true',
              'pro status --wait > /dev/null',
              ...audit('$(date -u +%Y%m%dT%H%M%SZ)'),
              ...evidencePythonLines(),
              `python3 "$work/evidence.py" ${shellQuote(JSON.stringify(config))}`,
            ],
            3600,
          ),
        ],
      },
    ],
  };
  return [
    { part: 1, parts: 1, stage: 'build', suffix: 'harden', name: harden.name, data: harden, text: emitYaml(harden), rows: [], origins: [] },
    { part: 1, parts: 1, stage: 'test', suffix: 'audit', name: auditDoc.name, data: auditDoc, text: emitYaml(auditDoc), rows: [], origins: [], parameters: { ...EVIDENCE_PARAMETERS } },
  ];
}
