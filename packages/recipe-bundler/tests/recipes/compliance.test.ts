/**
 * Compliance evidence of the shipped recipes, read from the bundled templates the pipeline deploys:
 * the SCAP scan judged in the test phase of every STIG recipe (threshold and accepted list), a
 * tailoring file per Ubuntu release, every Level 1 id of the Windows benchmark fixtures covered,
 * and every Windows CIS row verified again in the test phase with its evidence uploaded.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/fixtures.js';
import {
  bundled,
  managed,
  phasesOf,
  positionOf,
  readRecipeFile,
  recipeComponents,
  resourcesOf,
  SHIPPED,
  scriptOf,
  stepsOf,
  type Template,
  type WindowsVerify,
  windowsControls,
} from './helpers.js';

const STIG = SHIPPED.filter((name) => name.includes('-stig-'));
const UBUNTU = SHIPPED.filter((name) => name.startsWith('ubuntu-pro-'));
const WINDOWS_CIS = SHIPPED.filter((name) => /^windows-server-\d+-cis-/.test(name));

/** Generated component documents of a table, by logical id prefix. */
function generated(template: Template, prefix: string): { id: string; document: Record<string, unknown> }[] {
  return resourcesOf(template, 'AWS::ImageBuilder::Component')
    .filter(([id]) => id.startsWith(prefix))
    .map(([id, r]) => ({ id, document: parse(r.Properties.Data as string) as Record<string, unknown> }));
}

/** The JSON argument the evidence script gets, from a Linux document's bash step. */
function linuxConfig(script: string): Record<string, unknown> {
  const json = /python3 "\$work\/evidence\.py" '(.*)'$/m.exec(script)?.[1] ?? '{}';
  return JSON.parse(json.replaceAll("'\\''", "'")) as Record<string, unknown>;
}

/** The JSON the Windows evidence script reads, from `$config = ConvertFrom-Json '...'`. */
function windowsConfig(script: string): Record<string, unknown> {
  const json = /^\$config = ConvertFrom-Json '(.*)'$/m.exec(script)?.[1] ?? '{}';
  return JSON.parse(json.replaceAll("''", "'")) as Record<string, unknown>;
}

function parametersOf(template: Template, logicalId: string): Record<string, unknown[]> | undefined {
  return recipeComponents(template).find((c) => (c.arn as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] === logicalId)?.parameters;
}

describe.each(STIG)('Shipped recipe %s: the SCAP scan judged in the test phase', (name) => {
  const table = parse(readRecipeFile(name, 'compliance/stig-scan.yaml')) as {
    scanner: string;
    minimumScore: number;
    accepted: { rule: string; reason: string }[];
    openscap?: { profile: string };
  };
  const windows = name.startsWith('windows-');

  it('scans after the image is built: SCC then the evidence document, or OpenSCAP in the evidence document where SCC does not scan, test-phase only', () => {
    const { template } = bundled(name);
    const [scan] = generated(template, 'ComponentStigScanScan');
    expect(scan?.document.phases).toEqual([expect.objectContaining({ name: 'test' })]);
    if (table.scanner === 'scc') {
      const scc = windows ? 'scap-compliance-checker-windows' : 'scap-compliance-checker-linux';
      expect(managed(template, scc)).toBeDefined();
      expect(positionOf(template, scc)).toBe(positionOf(template, 'ComponentStigScanScan') - 1);
    } else {
      // Where SCC does not scan (arm64; RHEL 9, which its benchmarks do not cover) the document installs and runs OpenSCAP itself, and SCC is not in the recipe.
      expect(managed(template, windows ? 'scap-compliance-checker-windows' : 'scap-compliance-checker-linux')).toBeUndefined();
      expect(scriptOf(stepsOf(scan?.document ?? {}, 'test')[0])).toContain(`oscap xccdf eval --profile '${table.openscap?.profile}'`);
    }
  });

  it('fails below the threshold and on any failing rule outside the accepted list, each accepted rule with its reason', () => {
    const { template } = bundled(name);
    const [scan] = generated(template, 'ComponentStigScanScan');
    const script = scriptOf(stepsOf(scan?.document ?? {}, 'test')[0]);
    const config = windows ? windowsConfig(script) : linuxConfig(script);
    expect(config.threshold).toBe(table.minimumScore);
    expect(config.accepted).toEqual(
      table.accepted.map(({ rule, reason, ...rest }) => ({
        rule,
        ...('title' in rest ? { title: (rest as { title: string }).title } : {}),
        reason,
      })),
    );
    expect((config.accepted as { reason: string }[]).every((a) => a.reason.length >= 10)).toBe(true);
    expect(script).toMatch(windows ? /if \(-not \$summary\.passed\) \{ exit 1 \}/ : /python3 "\$work\/evidence\.py"/);
  });

  it('uploads to the evidence bucket under evidence/<recipe>/<version>', () => {
    const { template } = bundled(name);
    const version = (template.Resources.ImageRecipe?.Properties.Version as string) ?? '';
    expect(parametersOf(template, 'ComponentStigScanScan')).toEqual({
      EvidenceBucket: [{ Ref: 'EvidenceBucketName' }],
      EvidencePrefix: [`evidence/${name}/${version}`],
    });
    const policies = template.Resources.InstanceRole?.Properties.Policies as {
      PolicyName: string;
      PolicyDocument: { Statement: { Resource: unknown }[] };
    }[];
    expect(policies.find((p) => p.PolicyName === 'write-evidence')?.PolicyDocument.Statement.map((st) => st.Resource)).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::\${EvidenceBucketName}/evidence/${name}/*` },
    ]);
  });
});

describe.each(UBUNTU)('Shipped recipe %s: a tailoring file, and 100 %% of it on the launched instance', (name) => {
  const table = parse(readRecipeFile(name, 'tailoring/cis-level1-server.yaml')) as {
    profile: string;
    release: string;
    disabled: { rule: string; reason: string }[];
  };

  it('writes its release tailoring file from usg own profile with each disabled rule and reason, and hardens with it', () => {
    const { template } = bundled(name);
    const [harden] = generated(template, 'ComponentCisLevel1ServerHarden');
    const build = stepsOf(harden?.document ?? {}, 'build');
    const write = scriptOf(build.find((s) => s.name === 'WriteTailoringFile'));
    expect(name).toContain(table.release.replace('.', '-'));
    expect(write).toContain(`usg generate-tailoring ${table.profile} "$base"`);
    expect(write).toContain(
      `python3 /var/tmp/ami-bakery-tailor.py "$base" /etc/ami-bakery/usg/tailoring.xml '${JSON.stringify(table.disabled.map(({ rule, reason }) => ({ rule, reason }))).replaceAll("'", "'\\''")}'`,
    );
    expect(scriptOf(build.find((s) => s.name === 'ApplyProfile'))).toContain('usg fix --tailoring-file /etc/ami-bakery/usg/tailoring.xml');
  });

  it('audits the launched instance with the same tailoring file at a 100 % threshold and uploads it with the reports', () => {
    const { template } = bundled(name);
    const [audit] = generated(template, 'ComponentCisLevel1ServerAudit');
    expect(audit?.document.phases).toEqual([expect.objectContaining({ name: 'test' })]);
    const script = scriptOf(stepsOf(audit?.document ?? {}, 'test')[0]);
    expect(script).toContain('usg audit --tailoring-file /etc/ami-bakery/usg/tailoring.xml');
    const config = linuxConfig(script);
    expect(config).toMatchObject({
      scanner: 'usg',
      threshold: 100,
      extra: [expect.stringContaining('usg-report-'), '/etc/ami-bakery/usg/tailoring.xml'],
    });
    expect((config.accepted as { rule: string }[]).map((a) => a.rule)).toEqual(table.disabled.map((d) => d.rule));
    const version = (template.Resources.ImageRecipe?.Properties.Version as string) ?? '';
    expect(parametersOf(template, 'ComponentCisLevel1ServerAudit')).toEqual({
      EvidenceBucket: [{ Ref: 'EvidenceBucketName' }],
      EvidencePrefix: [`evidence/${name}/${version}`],
    });
  });
});

describe.each(WINDOWS_CIS)(
  'Shipped recipe %s: every Level 1 recommendation covered and verified again on the launched instance',
  (name) => {
    const table = parse(readRecipeFile(name, 'controls/cis-level1.yaml')) as {
      benchmark: string;
      version: string;
      controls: { id: string }[];
      exceptions?: { id: string }[];
    };
    const fixtureFile = `cis-${table.benchmark
      .replace(/^CIS Microsoft /, '')
      .replace(/ Benchmark$/, '')
      .toLowerCase()
      .replaceAll(' ', '-')}-v${table.version}.yaml`;
    const fixture = parse(readFileSync(path.join(REPO_ROOT, 'packages/hardening/src/benchmarks', fixtureFile), 'utf8')) as {
      recommendations: { id: string; level: number | 'NG'; only?: 'MS' | 'DC' }[];
    };

    /**
     * Ids verified on the launched instance: the data lines of the check scripts the build parts write
     * into the image, counted only for the scripts the verify document runs with their SHA-256; and the
     * exceptions the verify document reports.
     */
    function verified(template: Template): { rows: Set<string>; exceptions: Set<string>; verify: WindowsVerify | undefined } {
      const { parts, verify } = windowsControls(template, 'ComponentCisLevel1');
      const rows = new Set<string>();
      for (const part of parts) {
        if (verify?.pins.get(part.checkFile) !== createHash('sha256').update(part.checkScript, 'utf8').digest('hex')) continue;
        for (const m of part.checkScript.matchAll(/^,@\('([0-9.]+)',/gm)) rows.add(m[1] as string);
      }
      const exceptions = JSON.parse(
        (/^\$exceptions = @\(ConvertFrom-Json '(.*)'\)$/m.exec(verify?.script ?? '')?.[1] ?? '[]').replaceAll("''", "'"),
      ) as {
        id: string;
      }[];
      return { rows, exceptions: new Set(exceptions.map((e) => e.id)), verify };
    }

    it(`covers every Level 1 (Member Server) id of the benchmark fixture with a verified row or an exception`, () => {
      const { rows, exceptions } = verified(bundled(name).template);
      const uncovered = fixture.recommendations
        .filter((r) => r.level === 1 && r.only !== 'DC' && !rows.has(r.id) && !exceptions.has(r.id))
        .map((r) => r.id);
      expect(uncovered).toEqual([]);
    });

    it('reads every row again in the test-phase-only verify document, which uploads results and summary.json', () => {
      const { template } = bundled(name);
      const { rows, verify } = verified(template);
      expect([...new Set(table.controls.map((c) => c.id))].filter((id) => !rows.has(id))).toEqual([]);
      expect(verify && `${verify.logicalId} ${phasesOf(verify.document).join('+')}`).toBe('ComponentCisLevel1Verify test');
      expect(verify?.script).toContain("$evidence = @('control-results.csv', 'summary.json')");
      expect(verify?.script).toContain('Write-S3Object');
      const version = (template.Resources.ImageRecipe?.Properties.Version as string) ?? '';
      expect(parametersOf(template, 'ComponentCisLevel1Verify')).toEqual({
        EvidenceBucket: [{ Ref: 'EvidenceBucketName' }],
        EvidencePrefix: [`evidence/${name}/${version}`],
      });
    });
  },
);
