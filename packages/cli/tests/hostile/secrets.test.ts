/**
 * Hostile inputs: links that lead to a secret. Whatever a recipe, component, standalone document
 * or template links to outside its folder (a credentials file, /proc/self/environ) is never read:
 * the secret appears in no output, no report and no bundle, and a finding names the link.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, workspaceCopy } from '../pipeline-helpers.js';
import { ensureShippedBundle, runShipped } from './helpers.js';

const RECIPE = 'recipes/al2023-hardened/recipe.yaml';
const COMPONENT = 'recipes/al2023-hardened/components/harden-ssh.yaml';

beforeAll(ensureShippedBundle, 300_000);

/** Every file under `dir` as text (what a run wrote), for the secret search. */
function written(dir: string): string {
  let all = '';
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, entry);
    // The planted link itself is not output: only regular files count.
    if (lstatSync(file).isFile()) all += readFileSync(file, 'utf8');
  }
  return all;
}

interface Case {
  case: string;
  /** Make the hostile link in the workspace copy; returns the secret it leads to. */
  plant(root: string, secretFile: string): void;
  args: string[];
  /** `file:line ruleId` that must be reported. */
  finding: string;
}

const CASES: Case[] = [
  {
    case: 'recipe.yaml links to a credentials file',
    plant: (root, secret) => {
      rmSync(path.join(root, RECIPE));
      symlinkSync(secret, path.join(root, RECIPE));
    },
    args: ['validate', 'recipes/al2023-hardened', '--format', 'json'],
    finding: `${RECIPE}:1 RB0020`,
  },
  {
    case: 'recipe.yaml links to /proc/self/environ (the secret is in the environment)',
    plant: (root) => {
      rmSync(path.join(root, RECIPE));
      symlinkSync('/proc/self/environ', path.join(root, RECIPE));
    },
    args: ['validate', 'recipes/al2023-hardened', '--format', 'json'],
    finding: `${RECIPE}:1 RB0020`,
  },
  {
    case: 'a component links to a credentials file, RB3009 suppressed',
    plant: (root, secret) => {
      rmSync(path.join(root, COMPONENT));
      symlinkSync(secret, path.join(root, COMPONENT));
      const recipe = path.join(root, RECIPE);
      writeFileSync(recipe, `${readFileSync(recipe, 'utf8')}suppressions:\n  - id: RB3009\n    reason: shared component\n`);
    },
    args: ['build', 'recipes/al2023-hardened', '--report', 'reports/build.json'],
    finding: `${RECIPE}:13 RB0020`,
  },
  {
    case: 'a standalone document named on the command line links outside the workspace',
    plant: (root, secret) => symlinkSync(secret, path.join(root, 'extra', 'shared.yaml')),
    args: ['validate', 'extra/shared.yaml', '--format', 'json'],
    finding: 'extra/shared.yaml:1 RB0020',
  },
  {
    case: 'a template named for lint links to a credentials file (cfn-lint would quote it)',
    plant: (root, secret) => symlinkSync(secret, path.join(root, 'templates', 'stolen.template.yaml')),
    args: ['lint', 'templates/stolen.template.yaml', '--format', 'json'],
    finding: 'templates/stolen.template.yaml:1 RB0020',
  },
];

describe('Hostile: links to secrets (shipped CLI)', () => {
  it.each(CASES)('$case: the secret is never read or shown', ({ plant, args, finding }) => {
    // Prepare
    const root = workspaceCopy();
    const secret = `bakery-test-secret-${randomBytes(12).toString('hex')}`;
    const secretFile = path.join(tempDir(), 'credentials');
    writeFileSync(secretFile, `[default]\naws_secret_access_key = ${secret}\n`);
    plant(root, secretFile);

    // Act
    const run = runShipped(args, {
      cwd: root,
      env: { BAKERY_TEST_SECRET: secret, BAKERY_CFN_LINT: '/nonexistent/cfn-lint' },
    });

    // Assess
    expect(run.status).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(written(root)).not.toContain(secret);
    const reported = args[0] === 'build' ? readFileSync(path.join(root, 'reports/build.json'), 'utf8') : run.stdout;
    const findings = (
      JSON.parse(reported) as { Filename: string; Location: { Start: { LineNumber: number } }; Rule: { Id: string } }[]
    ).map((m) => `${m.Filename}:${m.Location.Start.LineNumber} ${m.Rule.Id}`);
    expect(findings).toContain(finding);
  });
});
