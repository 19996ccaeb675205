/**
 * The invariant rule set run by the real cfn-guard binary (from @cdklabs/cdk-validator-cfnguard)
 * and by the WASM Guard engine of aws-cdk-lib: every shipped recipe passes, every mutant fails
 * with exactly the invariants it breaks, and both engines agree violation for violation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardEngine, type GuardEngine, RULES_DIR, type Violation } from '../src/index.js';
import { type Json, runGuardCli, shippedTemplates } from './helpers.js';
import { MUTANTS } from './mutants.js';

let shipped: ReturnType<typeof shippedTemplates>;
let binary: GuardEngine;
let wasm: GuardEngine;
let scratch: string;
/** The mutants' base: a recipe with local components, evidence upload and organization sharing. */
const BASE = 'ubuntu-pro-22-04-cis-level1';

const ids = (violations: readonly Violation[] | undefined): string[] => [...new Set((violations ?? []).map((v) => v.ruleId))].sort();

function mutant(name: string): Json {
  const base = shipped.find((t) => t.name === BASE);
  if (!base) throw new Error(`${BASE} is not a shipped recipe any more; pick another base for the mutants`);
  const template = structuredClone(base.template);
  const m = MUTANTS.find((candidate) => candidate.name === name);
  m?.mutate(template);
  return template;
}

beforeAll(() => {
  shipped = shippedTemplates();
  binary = createGuardEngine({ backend: 'binary' });
  wasm = createGuardEngine({ backend: 'wasm' });
  scratch = mkdtempSync(path.join(tmpdir(), 'invariants-test-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('Invariants: every shipped recipe bundle passes', () => {
  it('the cfn-guard binary reports no violation for any recipe under recipes/', async () => {
    // Act
    const result = await binary.check(shipped.map(({ name, text }) => ({ name, template: text })));
    // Assess
    expect(Object.fromEntries(shipped.map(({ name }) => [name, result.get(name)]))).toEqual(
      Object.fromEntries(shipped.map(({ name }) => [name, []])),
    );
  });

  it('the WASM engine reports no violation either', async () => {
    const result = await wasm.check(shipped.map(({ name, text }) => ({ name, template: text })));
    expect(Object.fromEntries(shipped.map(({ name }) => [name, result.get(name)]))).toEqual(
      Object.fromEntries(shipped.map(({ name }) => [name, []])),
    );
  });

  it.each(['amazon-linux-2023-stig-high', 'windows-server-2022-cis-level1'])(
    'cfn-guard validate, run as a person would, passes %s (exit 0)',
    async (name) => {
      const file = path.join(scratch, `${name}.yaml`);
      writeFileSync(file, shipped.find((t) => t.name === name)?.text ?? '');
      expect(await runGuardCli(file, RULES_DIR)).toEqual({ exitCode: 0, failed: [] });
    },
  );
});

describe('Invariants: every mutant fails with exactly the invariants it breaks', () => {
  it.each(MUTANTS.map((m) => [m.name, m.breaks] as const))('%s -> %j', async (name, breaks) => {
    // Prepare
    const template = mutant(name);
    // Act
    const [fromBinary, fromWasm] = await Promise.all([binary.check([{ name, template }]), wasm.check([{ name, template }])]);
    // Assess
    expect(ids(fromBinary.get(name))).toEqual(breaks);
    expect(fromWasm.get(name)).toEqual(fromBinary.get(name));
  });

  it.each(MUTANTS.filter((m) => m.breaks.length > 1 || m.name.startsWith('public')).map((m) => [m.name, m.breaks] as const))(
    'cfn-guard validate exits 19 and names the failed rules: %s',
    async (name, breaks) => {
      const file = path.join(scratch, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
      writeFileSync(file, JSON.stringify(mutant(name)));
      const run = await runGuardCli(file, RULES_DIR);
      expect(run.exitCode).toBe(19);
      expect(run.failed.map((rule) => rule.slice(0, 6).toUpperCase())).toEqual(breaks);
    },
  );
});

describe('Invariants: violations say where and what', () => {
  it('names the rule, the resource, the JSON path and a message that says what to do', async () => {
    const template = mutant('public launch permission (UserGroups all)');
    const result = await binary.check([{ name: 'm', template }]);
    expect(result.get('m')).toEqual([
      {
        ruleId: 'RB6001',
        slug: 'no-public-launch-permission',
        resource: 'DistributionConfiguration',
        path: [
          'Resources',
          'DistributionConfiguration',
          'Properties',
          'Distributions',
          0,
          'AmiDistributionConfiguration',
          'LaunchPermissionConfiguration',
          'UserGroups',
        ],
        message:
          'UserGroups makes the AMI public to every AWS account; share with OrganizationArns, OrganizationalUnitArns or UserIds instead.',
      },
    ]);
  });

  it('checks YAML text and objects alike', async () => {
    const base = shipped.find((t) => t.name === BASE);
    const result = await binary.check([
      { name: 'text', template: base?.text },
      { name: 'object', template: base?.template },
    ]);
    expect([result.get('text'), result.get('object')]).toEqual([[], []]);
  });
});
