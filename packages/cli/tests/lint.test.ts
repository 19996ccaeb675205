import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleRecipe } from '@ami-bakery/recipe-bundler';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkBundledTemplate } from '../src/template-lint.js';
import { bakery, located } from './helpers.js';
import { CFN_LINT_MISSING_NOTICE, cfnLintInstalled, NO_CFN_LINT, PIPELINE, tempDir } from './pipeline-helpers.js';

const run = (argv: string[], env: Record<string, string> = NO_CFN_LINT) => bakery(argv, { cwd: PIPELINE, env });

describe('Command: lint', () => {
  describe('what PATH selects (cfn-lint not installed)', () => {
    it.each([
      { name: 'a clean recipe folder', paths: ['recipes/al2023-hardened'], code: 0, findings: [] },
      { name: 'a recipe.yaml', paths: ['recipes/al2023-hardened/recipe.yaml'], code: 0, findings: [] },
      {
        name: 'a recipe with errors: not bundled, so not linted; its errors are shown',
        paths: ['recipes/imds-optional'],
        code: 1,
        findings: ['recipes/imds-optional/recipe.yaml:19:17 RB3003'],
      },
      {
        name: 'an existing CloudFormation template, checked as it is',
        paths: ['templates/topic.template.json'],
        code: 1,
        findings: ['templates/topic.template.json:8:9 RB5001'],
      },
      {
        name: 'a folder: every recipe and template under it',
        paths: ['.'],
        code: 1,
        findings: ['recipes/imds-optional/recipe.yaml:19:17 RB3003', 'templates/topic.template.json:8:9 RB5001'],
      },
      {
        name: 'nothing: every recipes/*/recipe.yaml of the workspace',
        paths: [],
        code: 1,
        findings: ['recipes/imds-optional/recipe.yaml:19:17 RB3003'],
      },
    ])('$name', async ({ paths, code, findings }) => {
      // Act
      const result = await run(['lint', ...paths, '--format', 'json']);

      // Assess
      expect(located(result.stdout)).toEqual(findings);
      expect(result.code).toBe(code);
    });
  });

  describe('cfn-lint missing', () => {
    it('prints stylish output and one line saying cfn-lint was skipped', async () => {
      // Act
      const result = await run(['lint', 'recipes/al2023-hardened']);

      // Assess
      expect(result).toEqual({ code: 0, stdout: 'No problems in 1 file.\n', stderr: CFN_LINT_MISSING_NOTICE });
    });

    it('is an error (RB5091) on CI, placed on the generated template', async () => {
      // Act
      const result = await run(['lint', 'recipes/al2023-hardened', '--format', 'json'], { ...NO_CFN_LINT, CI: 'true' });

      // Assess
      expect(located(result.stdout)).toEqual(['dist/bundle/recipes/al2023-hardened/template.yaml:1:1 RB5091']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
    });
  });

  describe.skipIf(!cfnLintInstalled)('with the real cfn-lint', () => {
    it('maps a cfn-lint finding on the generated template back to the recipe line it came from', async () => {
      // Act
      const result = await run(['lint', 'extra/oversized-volume', '--format', 'json'], {});

      // Assess
      expect(located(result.stdout)).toEqual(['extra/oversized-volume/recipe.yaml:16:14 E3034']);
      expect(JSON.parse(result.stdout)[0].Message).toBe('20000 is greater than the maximum of 16000');
      expect(result.code).toBe(1);
    });

    it('lints clean recipes and existing templates in one run, with both checkers on the template', async () => {
      // Act
      const result = await run(['lint', 'recipes/al2023-hardened', 'templates/topic.template.json', '--format', 'json'], {});

      // Assess
      expect(located(result.stdout)).toEqual(['templates/topic.template.json:8:9 E3002', 'templates/topic.template.json:8:9 RB5001']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
    });
  });

  it('writes --report files complete and --output instead of stdout', async () => {
    // Prepare
    const dir = tempDir();

    // Act
    const result = await run([
      'lint',
      'recipes/imds-optional',
      'templates',
      '--output',
      path.join(dir, 'out.txt'),
      '--report',
      path.join(dir, 'lint.sarif'),
    ]);

    // Assess
    expect(result).toEqual({ code: 1, stdout: '', stderr: CFN_LINT_MISSING_NOTICE });
    expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).toMatch(/\n2 problems \(2 errors, 0 warnings\) in 2 files\.\n$/);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'lint.sarif'), 'utf8'));
    expect(
      sarif.runs[0].results.map(
        (r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          `${r.locations[0]?.physicalLocation.artifactLocation.uri} ${r.ruleId}`,
      ),
    ).toEqual(['recipes/imds-optional/recipe.yaml RB3003', 'templates/topic.template.json RB5001']);
  });

  describe('usage errors: one line on stderr, exit code 2', () => {
    it.each([
      {
        name: 'a file that is neither a recipe nor a template',
        argv: ['lint', 'recipes/al2023-hardened/components/harden-ssh.yaml'],
        stderr:
          'bakery: recipes/al2023-hardened/components/harden-ssh.yaml is not a recipe.yaml or a CloudFormation template (*.template.json, template.yaml)\n',
      },
      { name: 'a missing path', argv: ['lint', 'recipes/nope'], stderr: 'bakery: no such file, folder or recipe: recipes/nope.\n' },
      {
        name: 'an unknown format',
        argv: ['lint', '--format', 'xml'],
        stderr: "bakery: unknown format 'xml'; use one of: stylish, json, sarif, junit\n",
      },
    ])('$name', async ({ argv, stderr }) => {
      // Act
      const result = await run(argv);

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr });
    });

    it('a folder holding neither recipes nor templates', async () => {
      // Prepare
      const dir = tempDir();
      mkdirSync(path.join(dir, 'empty'));

      // Act
      const result = await bakery(['lint', 'empty'], { cwd: dir, env: NO_CFN_LINT });

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr: 'bakery: no recipe or CloudFormation template under empty\n' });
    });
  });
});

describe('checkBundledTemplate: findings on a bundled template', () => {
  it.each([
    {
      name: 'a value taken from the recipe goes to its line',
      at: ['ImageRecipe', 'BlockDeviceMappings', 0, 'Ebs', 'VolumeSize'],
      value: 'thirty',
      expected: 'recipes/al2023-hardened/recipe.yaml:19:14 RB5003',
    },
    {
      name: 'a property under a recipe block goes to that block',
      at: ['InfrastructureConfiguration', 'Colour'],
      value: 'red',
      expected: 'recipes/al2023-hardened/recipe.yaml:15:1 RB5001',
    },
    {
      name: 'a value the bundler made stays on the generated template',
      at: ['InstanceRole', 'Colour'],
      value: 'red',
      expected: 'dist/bundle/recipes/al2023-hardened/template.yaml:75:7 RB5001',
      line: '      Colour: red',
    },
  ])('$name', ({ at, value, expected, line }) => {
    // Prepare
    const result = bundleRecipe(path.join(PIPELINE, 'recipes/al2023-hardened'), { cwd: PIPELINE, sourceCommit: null });
    const [resource, ...property] = at as [string, ...(string | number)[]];
    let node = (result.template as { Resources: Record<string, { Properties: Record<string | number, unknown> }> }).Resources[resource]
      ?.Properties as Record<string | number, unknown>;
    for (const key of property.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[property.at(-1) as string | number] = value;
    const text = stringify(result.template, { version: '1.1', lineWidth: 0 });

    // Act
    const findings = checkBundledTemplate({ ...result, templateText: text }, 'dist/bundle/recipes/al2023-hardened/template.yaml', PIPELINE);

    // Assess
    expect(findings.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId}`)).toEqual([expected]);
    if (line) expect(text.split('\n')[(findings[0]?.range.start.line ?? 0) - 1]).toBe(line);
  });
});
