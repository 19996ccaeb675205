/**
 * Test helpers for the CDK stacks of this package and of the management stack: template lookups,
 * IAM statements in a comparable form, and the cdk-nag and cfn-lint checks both packages run.
 * Outside tests/ so the management stack's cached test results follow changes here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlTowerGuard } from '../src/control-tower.js';

type Json = Record<string, unknown>;

const sub = (text: string): Json => ({ 'Fn::Sub': text });
const ref = (logicalId: string): Json => ({ Ref: logicalId });
const getAtt = (logicalId: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** The single resource of a type whose logical id starts with `prefix`; fails loudly otherwise. */
function resource(template: Template, type: string, prefix: string): { id: string; props: Json; raw: Json } {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`Expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  const [id, raw] = found[0] as [string, Json];
  return { id, props: (raw.Properties ?? {}) as Json, raw };
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** A policy statement with Action and Resource always as lists, so tests compare exact arrays. */
function normalizeStatement(statement: Json): Json {
  const out: Json = { ...statement };
  for (const key of ['Action', 'Resource', 'NotAction']) {
    if (key in out) out[key] = asList(out[key]);
  }
  return out;
}

function statementsOf(document: unknown): Json[] {
  const statements = (document as { Statement?: Json[] } | undefined)?.Statement ?? [];
  return statements.map(normalizeStatement);
}

/** Inline policy `policyName` of a role, statements normalized. */
function inlinePolicy(role: Json, policyName: string): Json[] {
  const policies = ((role.Policies as Json[] | undefined) ?? []).filter((p) => p.PolicyName === policyName);
  if (policies.length !== 1) throw new Error(`Expected one inline policy ${policyName}`);
  return statementsOf((policies[0] as Json).PolicyDocument);
}

/** Every statement of every IAM document among a template's resources (inline, managed, key policies). */
function allStatements(template: Json): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const obj = node as Json;
      if (Array.isArray(obj.Statement)) out.push(...statementsOf(obj));
      Object.values(obj).forEach(walk);
    }
  };
  walk(template.Resources);
  return out;
}

const nagOutdirs: string[] = [];

/**
 * An App checked by cdk-nag's AwsSolutions pack and the AWS Control Tower proactive controls (as the
 * CDK apps run them), synthesizing into a folder `removeNagOutdirs` deletes.
 */
function nagCheckedApp(prefix: string): App {
  const outdir = mkdtempSync(path.join(tmpdir(), prefix));
  nagOutdirs.push(outdir);
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), controlTowerGuard());
  return app;
}

function removeNagOutdirs(): void {
  for (const dir of nagOutdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Every acknowledged finding of the assembly as [id, reason], one per stack that acknowledges it. */
function acknowledgedFindings(assembly: CloudAssembly): [string, string][] {
  return assembly.stacks.flatMap((stack) =>
    stack
      .findMetadataByType(Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as unknown as Record<string, string>)),
  );
}

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
}

/** The finding ids of a failed synthesis, spelled as `acknowledge` takes them. */
function reportedFindings(app: App): Set<string> {
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return new Set(
    report.pluginReports.flatMap((p) =>
      p.violations.map((v) => (p.pluginName === 'AwsSolutions' ? v.ruleName : `${p.pluginName.replace(/ /g, '-')}::${v.ruleName}`)),
    ),
  );
}

/**
 * Runs the real Python cfn-lint over the templates `templates()` gives once the file's beforeAll
 * ran. Without cfn-lint the tests are skipped with a message, except in CI where that fails.
 */
function cfnLintSuite(templates: () => Record<string, Json>, tmpPrefix: string): void {
  const cfnLintAvailable = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!cfnLintAvailable) {
    if (process.env.CI === 'true') {
      it('cfn-lint is installed (required in CI)', () => {
        throw new Error('cfn-lint is not on PATH; CI must provide it (Python cfn-lint 1.51 comes with the machine image)');
      });
    } else {
      console.warn('Skipping the cfn-lint tests: cfn-lint is not on PATH (install Python cfn-lint to run them).');
    }
  }

  describe.runIf(cfnLintAvailable)('cfn-lint on the synthesized templates', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), tmpPrefix));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports no errors and no warnings', async () => {
      // Prepare
      const files = Object.entries(templates()).map(([name, template]) => {
        const file = path.join(dir, name);
        writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
        return file;
      });
      // Act
      const run = await execa('cfn-lint', ['--format', 'json', '--non-zero-exit-code', 'none', ...files], { reject: false });
      // Assess
      expect(run.exitCode, run.stderr).toBe(0);
      const matches = JSON.parse(run.stdout || '[]') as { Level: string; Rule: { Id: string }; Message: string; Filename: string }[];
      expect(matches.map((m) => `${m.Level} ${m.Rule.Id} ${path.basename(m.Filename)}: ${m.Message}`)).toEqual([]);
    });
  });
}

export {
  acknowledgedFindings,
  allStatements,
  cfnLintSuite,
  getAtt,
  inlinePolicy,
  type Json,
  nagCheckedApp,
  normalizeStatement,
  ref,
  removeNagOutdirs,
  reportedFindings,
  resource,
  statementsOf,
  sub,
};
