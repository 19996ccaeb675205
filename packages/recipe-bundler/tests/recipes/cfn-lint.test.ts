/**
 * Every shipped recipe's template against the real Python cfn-lint, in one run (each start costs
 * seconds): no error, warning or informational match. Without cfn-lint the test is skipped with
 * a notice; with CI=true a missing cfn-lint fails the run.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { bundled, SHIPPED } from './helpers.js';

const available = execaSync('cfn-lint', ['--version'], { reject: false }).exitCode === 0;
const onCi = process.env.CI === 'true';

if (!available) console.warn('cfn-lint is not on PATH: the cfn-lint test of the shipped recipes is skipped (it fails with CI=true).');

interface CfnLintMatch {
  Rule: { Id: string };
  Level: string;
  Message: string;
  Filename: string;
  Location: { Path: (string | number)[] };
}

describe.skipIf(!available)('Shipped recipes: real cfn-lint', () => {
  const out = tempDir('shipped-cfn-lint');
  let matches: CfnLintMatch[] = [];
  let exitCode: number | undefined;
  let files: string[] = [];

  beforeAll(() => {
    files = SHIPPED.map((name) => {
      const file = path.join(out.dir, `${name}.yaml`);
      writeFileSync(file, bundled(name).templateText ?? '');
      return file;
    });
    // A copy with a known defect proves the run really checks the generated templates.
    const broken = structuredClone(bundled('windows-server-2022-cis-level1').template);
    delete (broken.Resources.ImageRecipe as { Properties: Record<string, unknown> }).Properties.ParentImage;
    const brokenFile = path.join(out.dir, 'broken.json');
    writeFileSync(brokenFile, JSON.stringify(broken));
    const run = execaSync('cfn-lint', ['--format', 'json', '--', ...files, brokenFile], { reject: false });
    exitCode = run.exitCode;
    matches = JSON.parse(run.stdout || '[]') as CfnLintMatch[];
  }, 300_000);
  afterAll(() => out.cleanup());

  it('reports nothing for any shipped recipe', () => {
    expect(files).toHaveLength(SHIPPED.length);
    const shipped = matches.filter((m) => path.basename(m.Filename) !== 'broken.json');
    expect(shipped.map((m) => `${path.basename(m.Filename)} ${m.Rule.Id} ${m.Level} ${m.Location.Path.join('/')}: ${m.Message}`)).toEqual(
      [],
    );
  });

  it('flags the broken copy, and only it, with the error exit bit', () => {
    expect(new Set(matches.map((m) => path.basename(m.Filename)))).toEqual(new Set(['broken.json']));
    expect(matches.map((m) => `${m.Rule.Id} ${m.Location.Path.join('/')}`)).toContain('E3003 Resources/ImageRecipe/Properties');
    expect((exitCode ?? 0) & 2).toBe(2);
  });
});

describe.runIf(!available && onCi)('Shipped recipes: cfn-lint on CI', () => {
  it('is installed', () => {
    expect.fail('cfn-lint is not on PATH; CI must lint the shipped recipes with the real cfn-lint.');
  });
});
