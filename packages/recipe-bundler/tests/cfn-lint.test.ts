/**
 * The generated templates against the real Python cfn-lint: zero errors, warnings and
 * informational findings. Without cfn-lint the tests are skipped with a notice, except on CI.
 * All templates go through one cfn-lint process: each start costs seconds.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRecipe } from '../src/index.js';
import { bundleFixture, REPO_ROOT, tempDir } from './helpers/fixtures.js';

const available = execaSync('cfn-lint', ['--version'], { reject: false }).exitCode === 0;
const onCi = process.env.CI === 'true';
const FIXTURES = ['full-linux', 'minimal', 'windows-managed', 'pinned-ami'];
const REAL_RECIPE = 'recipes/amazon-linux-2023-stig-high';
const realRecipeExists = existsSync(path.join(REPO_ROOT, REAL_RECIPE, 'recipe.yaml'));

if (!available) console.warn('cfn-lint is not on PATH: the cfn-lint tests of recipe-bundler are skipped (they fail with CI=true).');

interface CfnLintFinding {
  Rule: { Id: string };
  Level: string;
  Message: string;
  Filename: string;
  Location: { Path: (string | number)[] };
}

describe.skipIf(!available)('cfn-lint on bundled templates', () => {
  const out = tempDir('bundler-cfn-lint');
  const files = new Map<string, string>();
  let findings: CfnLintFinding[] = [];
  let exitCode: number | undefined;

  beforeAll(() => {
    for (const name of FIXTURES) files.set(name, bundleFixture(name).templateText ?? '');
    if (realRecipeExists) files.set('real', bundleRecipe(REAL_RECIPE, { cwd: REPO_ROOT, sourceCommit: null }).templateText ?? '');
    // A template with a known defect proves the run really checks something.
    const broken = structuredClone(bundleFixture('minimal').template) as {
      Resources: { ImageRecipe: { Properties: Record<string, unknown> } };
    };
    delete broken.Resources.ImageRecipe.Properties.ParentImage;
    files.set('broken', `${JSON.stringify(broken, null, 2)}\n`);
    const paths = [...files.entries()].map(([name, text]) => {
      const file = path.join(out.dir, `${name}.yaml`);
      writeFileSync(file, text);
      return file;
    });
    const run = execaSync('cfn-lint', ['--format', 'json', '--', ...paths], { reject: false });
    exitCode = run.exitCode;
    findings = JSON.parse(run.stdout || '[]') as CfnLintFinding[];
  }, 240_000);
  afterAll(() => out.cleanup());

  const of = (name: string) =>
    findings
      .filter((f) => path.basename(f.Filename) === `${name}.yaml`)
      .map((f) => `${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`);

  it.each(FIXTURES)('reports nothing for the %s fixture', (name) => {
    expect(files.get(name)).toMatch(/^AWSTemplateFormatVersion/);
    expect(of(name)).toEqual([]);
  });

  it.skipIf(!realRecipeExists)(`reports nothing for ${REAL_RECIPE}`, () => {
    expect(files.get('real')).toMatch(/^AWSTemplateFormatVersion/);
    expect(of('real')).toEqual([]);
  });

  it('flags the broken template (and only it), with the error exit bit set', () => {
    expect(of('broken')).toContainEqual(
      expect.stringMatching(/^E3003 Resources\/ImageRecipe\/Properties: 'ParentImage' is a required property/),
    );
    expect(new Set(findings.map((f) => path.basename(f.Filename)))).toEqual(new Set(['broken.yaml']));
    expect((exitCode ?? 0) & 2).toBe(2);
  });
});

describe.runIf(!available && onCi)('cfn-lint on CI', () => {
  it('is installed', () => {
    expect.fail('cfn-lint is not on PATH; CI must run the real cfn-lint (pyenv Python with cfn-lint 1.51).');
  });
});
