/**
 * The security invariants in validate, lint and build: each recipe is bundled in memory and the
 * rule set (the one the deployer and the Guard hook run, with the real cfn-guard) runs on its
 * template; violations are shown at the recipe line the value came from, nothing suppresses them
 * or the recipe rules they back, and a suppression naming either is an error (RB6000).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bakery, located } from './helpers.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const BASE = `name: NAME
version: 1.0.0
description: Invariant fixture
platform: linux
architecture: x86_64
parentImage:
  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
components:
  - managed: update-linux
    version: x.x.x
`;

/** Line numbers below are those of this text (line 11 onwards). */
const INSECURE = `build:
  instanceTypes: [m7i.large]
  instanceMetadata:
    httpTokens: optional
  rootVolume:
    sizeGiB: 20
    encrypted: false
distribution:
  launchPermissions:
    userGroups: [all]
suppressions:
  - id: RB3003
    reason: a legacy agent still reads IMDSv1
  - id: RB3004
    reason: consumers cannot use encrypted snapshots yet
  - id: RB3006
    reason: the image is public for a partner
`;

const SECURE_SUPPRESSING_AN_INVARIANT = `build:
  instanceTypes: [m7i.large]
  rootVolume:
    sizeGiB: 20
suppressions:
  - id: RB6004
    reason: this recipe wants a role without a boundary
`;

const SECURE = `build:
  instanceTypes: [m7i.large]
  rootVolume:
    sizeGiB: 20
`;

/** No root volume: the AMI keeps the parent's (unencrypted) mapping, which no recipe rule notices. */
const NO_ROOT_VOLUME = `build:
  instanceTypes: [m7i.large]
`;

function workspace(recipes: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bakery-invariants-'));
  temps.push(root);
  writeFileSync(path.join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  for (const [name, body] of Object.entries(recipes)) {
    mkdirSync(path.join(root, 'recipes', name), { recursive: true });
    writeFileSync(path.join(root, 'recipes', name, 'recipe.yaml'), `${BASE.replace('NAME', name)}${body}`);
  }
  return root;
}

/** Findings without the version gate's outside-git notice. */
const significant = (out: string): string[] => located(out).filter((f) => !f.endsWith('RB4003'));

const INSECURE_FINDINGS = [
  'recipes/insecure/recipe.yaml:14:17 RB3003',
  'recipes/insecure/recipe.yaml:14:17 RB6002',
  'recipes/insecure/recipe.yaml:17:16 RB3004',
  'recipes/insecure/recipe.yaml:17:16 RB6003',
  'recipes/insecure/recipe.yaml:17:16 RB6003',
  'recipes/insecure/recipe.yaml:20:5 RB6001',
  'recipes/insecure/recipe.yaml:20:18 RB3006',
  'recipes/insecure/recipe.yaml:22:9 RB6000',
  'recipes/insecure/recipe.yaml:24:9 RB6000',
  'recipes/insecure/recipe.yaml:26:9 RB6000',
];

describe('Security invariants in bakery validate', () => {
  it.each([
    {
      name: 'suppressed recipe rules do not switch off the baseline: every invariant and recipe rule stays an error, each suppression is one too',
      recipe: INSECURE,
      code: 1,
      findings: INSECURE_FINDINGS,
    },
    {
      name: 'a suppression naming an invariant is an error, not an unused suppression',
      recipe: SECURE_SUPPRESSING_AN_INVARIANT,
      code: 1,
      findings: ['recipes/insecure/recipe.yaml:16:9 RB6000'],
    },
    {
      name: 'a recipe without a root volume keeps the parent image unencrypted: shown on the generated template',
      recipe: NO_ROOT_VOLUME,
      code: 1,
      findings: ['dist/bundle/recipes/insecure/template.yaml:108:5 RB6003'],
    },
    { name: 'a recipe that keeps the baseline passes', recipe: SECURE, code: 0, findings: [] },
  ])('$name', async ({ recipe, code, findings }) => {
    // Prepare
    const cwd = workspace({ insecure: recipe });
    // Act
    const run = await bakery(['validate', 'recipes/insecure', '--format', 'json'], { cwd });
    // Assess
    expect(significant(run.stdout)).toEqual(findings);
    expect(run.code).toBe(code);
  });

  it('names the invariant and the rule set in the message, and the backed invariant in the suppression error', async () => {
    const cwd = workspace({ insecure: INSECURE });
    const run = await bakery(['validate', 'recipes/insecure', '--format', 'json'], { cwd });
    const messages = (JSON.parse(run.stdout) as { Rule: { Id: string }; Message: string }[]).filter((m) => m.Rule.Id.startsWith('RB6'));
    expect(messages.find((m) => m.Rule.Id === 'RB6001')?.Message).toMatch(/public to every AWS account.*no suppression switches it off/);
    expect(messages.filter((m) => m.Rule.Id === 'RB6000').map((m) => m.Message.split(',')[0])).toEqual([
      'RB3003 is backed by the security invariant RB6002 (imdsv2-required)',
      'RB3004 is backed by the security invariant RB6003 (encrypted-volumes)',
      'RB3006 is backed by the security invariant RB6001 (no-public-launch-permission)',
    ]);
  });

  it('refuses the recipe when the rule set cannot run (RB0002 on its template)', async () => {
    const cwd = workspace({ insecure: SECURE });
    const run = await bakery(['validate', 'recipes/insecure', '--format', 'json'], {
      cwd,
      env: { BAKERY_CFN_GUARD: path.join(cwd, 'no-such-cfn-guard') },
    });
    expect(significant(run.stdout)).toEqual(['dist/bundle/recipes/insecure/template.yaml:1:1 RB0002']);
    expect(run.code).toBe(1);
  });
});

describe('Security invariants in bakery lint and build', () => {
  it('lint reports them at the recipe lines, with the suppression errors', async () => {
    const cwd = workspace({ insecure: INSECURE });
    const run = await bakery(['lint', 'recipes/insecure', '--format', 'json'], {
      cwd,
      env: { BAKERY_CFN_LINT: path.join(cwd, 'no-cfn-lint') },
    });
    // The recipe rules themselves are validate's (lint shows a recipe's errors only when it does not bundle).
    expect(significant(run.stdout).filter((f) => / RB[36]\d{3}$/.test(f))).toEqual(INSECURE_FINDINGS.filter((f) => f.includes(' RB6')));
    expect(run.code).toBe(1);
  });

  it('build writes no bundle for a recipe that breaks one, and the clean recipe next to it', async () => {
    const cwd = workspace({ insecure: INSECURE, secure: SECURE });
    const run = await bakery(['build', '--out', 'out'], { cwd, env: { BAKERY_CFN_LINT: path.join(cwd, 'no-cfn-lint') } });
    expect(run.code).toBe(1);
    expect(existsSync(path.join(cwd, 'out/recipes/insecure'))).toBe(false);
    expect(existsSync(path.join(cwd, 'out/recipes/secure/template.yaml'))).toBe(true);
  });
});
