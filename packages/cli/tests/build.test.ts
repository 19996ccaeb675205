import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';
import {
  CFN_LINT_MISSING_NOTICE,
  cfnLintInstalled,
  git,
  gitWorkspace,
  NO_CFN_LINT,
  snapshotFiles,
  workspaceCopy,
} from './pipeline-helpers.js';

describe('Command: build', () => {
  it('prints a progress line per recipe, the findings and the summary table, and bundles only clean recipes', async () => {
    // Prepare
    const root = gitWorkspace();

    // Act
    const result = await bakery(['build', '--no-stack'], { cwd: root, env: NO_CFN_LINT });

    // Assess
    expect(result.stdout).toBe(
      [
        '✓ al2023-hardened  1.2.0     no findings',
        '✗ imds-optional    2.0.0     1 error',
        '',
        'recipes/imds-optional/recipe.yaml',
        '  19:17  error  httpTokens: optional lets anything on the build instance read its role credentials through IMDSv1; set httpTokens: required, or remove it (required is the default).  RB3003',
        '         19 |     httpTokens: optional',
        '            |                 ^^^^^^^^',
        '',
        '1 problem (1 error, 0 warnings) in 1 file.',
        '',
        'recipe           version  errors  warnings  cfn-lint  bundle',
        'al2023-hardened  1.2.0         0         0  skipped   dist/bundle/recipes/al2023-hardened',
        'imds-optional    2.0.0         1         0  -         -',
        '',
        '1 of 2 recipes bundled to dist/bundle; 1 error.',
        'partial bundle: it lacks imds-optional; bakery publish refuses it unless --allow-delete',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(CFN_LINT_MISSING_NOTICE);
    expect(result.code).toBe(1);
    expect(Object.keys(snapshotFiles(path.join(root, 'dist/bundle')))).toEqual([
      'manifest.json',
      'recipes/al2023-hardened/manifest.json',
      'recipes/al2023-hardened/template.yaml',
    ]);
  });

  it('fails a recipe whose component changed under the same version (version gate) and does not bundle it', async () => {
    // Prepare
    const root = gitWorkspace();
    const component = path.join(root, 'recipes/al2023-hardened/components/harden-ssh.yaml');
    writeFileSync(component, readFileSync(component, 'utf8').replace('PasswordAuthentication no', 'PermitRootLogin no'));

    // Act
    const result = await bakery(['build', 'recipes/al2023-hardened', '--no-stack'], { cwd: root, env: NO_CFN_LINT });

    // Assess
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      '✗ al2023-hardened  1.2.0     1 error',
      '',
      'recipes/al2023-hardened/recipe.yaml',
      `  14:14  error  Component components/harden-ssh.yaml changed since merge-base(HEAD, main) but its version is still 1.0.0; Image Builder components are immutable per version. Run \`pnpm bakery bump al2023-hardened\`.  RB4001`,
      '         14 |     version: 1.0.0',
    ]);
    expect(result.stdout).toContain(
      '\nal2023-hardened  1.2.0         1         0  skipped   -\n\n0 of 1 recipe bundled to dist/bundle; 1 error.\n',
    );
    expect(result.code).toBe(1);
  });

  it('says once that the version gate was skipped outside git, keeps the RB4003 findings in the report, and passes', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['build', 'recipes/al2023-hardened', '--no-stack', '--report', 'build.json'], {
      cwd: root,
      env: NO_CFN_LINT,
    });

    // Assess
    expect(result.stderr).toBe(
      `${CFN_LINT_MISSING_NOTICE}bakery: version gate skipped: ${root} is not inside a git work tree (or git is not installed)\n`,
    );
    expect(result.stdout).toBe(
      [
        '✓ al2023-hardened  1.2.0     no findings',
        '',
        'recipe           version  errors  warnings  cfn-lint  bundle',
        'al2023-hardened  1.2.0         0         0  skipped   dist/bundle/recipes/al2023-hardened',
        '',
        '1 of 1 recipe bundled to dist/bundle; no findings.',
        'partial bundle: it lacks imds-optional; bakery publish refuses it unless --allow-delete',
        '',
      ].join('\n'),
    );
    const report = JSON.parse(readFileSync(path.join(root, 'build.json'), 'utf8')) as { Rule: { Id: string }; Level: string }[];
    expect(report.map((m) => `${m.Rule.Id} ${m.Level}`)).toEqual(['RB4003 Informational']);
    expect(result.code).toBe(0);
  });

  it('fails on CI when cfn-lint is missing (RB5091), naming no recipe, but still bundles the clean ones', async () => {
    // Prepare
    const root = gitWorkspace();

    // Act
    const result = await bakery(['build', 'recipes/al2023-hardened', '--no-stack'], { cwd: root, env: { ...NO_CFN_LINT, CI: 'true' } });

    // Assess
    expect(result.stdout).toContain('RB5091');
    expect(result.stdout).toContain(
      '\nal2023-hardened  1.2.0         0         0  skipped   dist/bundle/recipes/al2023-hardened\n\n1 of 1 recipe bundled to dist/bundle; 1 error.\n',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });

  it.skipIf(!cfnLintInstalled)(
    'runs the real cfn-lint once over every template and charges its findings to the recipe they point into',
    async () => {
      // Prepare
      const root = gitWorkspace();
      git(root, 'rm', '-q', '-r', 'recipes/imds-optional');

      // Act
      const result = await bakery(['build', 'recipes', 'extra', '--no-stack'], { cwd: root, env: {} });

      // Assess
      expect(result.stdout).toContain(
        [
          'recipe            version  errors  warnings  cfn-lint  bundle',
          'al2023-hardened   1.2.0         0         0  ran       dist/bundle/recipes/al2023-hardened',
          'oversized-volume  1.0.0         1         0  ran       -',
          '',
          '1 of 2 recipes bundled to dist/bundle; 1 error.',
        ].join('\n'),
      );
      expect(result.stdout).toContain(
        'extra/oversized-volume/recipe.yaml\n  16:14  error  20000 is greater than the maximum of 16000  E3034\n',
      );
      expect(result.code).toBe(1);
    },
    120_000,
  );

  it('rejects an unknown --base with exit code 2', async () => {
    // Prepare
    const root = gitWorkspace();

    // Act
    const result = await bakery(['build', '--base', 'no-such-ref', '--no-stack'], { cwd: root, env: NO_CFN_LINT });

    // Assess
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'bakery: git does not know the base ref "no-such-ref"; check --base\n' });
  });
});
