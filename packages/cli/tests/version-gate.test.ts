import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bakery, located } from './helpers.js';
import { git, gitWorkspace, workspaceCopy } from './pipeline-helpers.js';

const RECIPE = 'recipes/al2023-hardened/recipe.yaml';
const COMPONENT = 'recipes/al2023-hardened/components/harden-ssh.yaml';

function edit(root: string, file: string, change: (text: string) => string): void {
  const absolute = path.join(root, file);
  const before = readFileSync(absolute, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(absolute, after);
}

describe('Command: validate, version gate', () => {
  it.each([
    {
      name: 'a recipe value changed, version not raised',
      edits: [[RECIPE, (t: string) => t.replace('sizeGiB: 30', 'sizeGiB: 40')]],
      findings: [`${RECIPE}:3:10 RB4001`],
      code: 1,
    },
    {
      name: 'a component changed, its version not raised',
      edits: [[COMPONENT, (t: string) => t.replace('PasswordAuthentication no', 'PermitRootLogin no')]],
      findings: [`${RECIPE}:14:14 RB4001`],
      code: 1,
    },
    {
      name: 'a component changed and both versions raised',
      edits: [
        [COMPONENT, (t: string) => t.replace('PasswordAuthentication no', 'PermitRootLogin no')],
        [RECIPE, (t: string) => t.replace('version: 1.2.0', 'version: 1.2.1').replace('    version: 1.0.0', '    version: 1.0.1')],
      ],
      findings: [],
      code: 0,
    },
    {
      name: 'only comments and indentation changed',
      edits: [
        [RECIPE, (t: string) => `# reviewed\n${t}`],
        [COMPONENT, (t: string) => t.replaceAll('\n  ', '\n    ').replace('schemaVersion: 1.0', 'schemaVersion: 1.0 # AWSTOE')],
      ],
      findings: [],
      code: 0,
    },
    {
      name: 'a version lowered',
      edits: [[RECIPE, (t: string) => t.replace('version: 1.2.0', 'version: 1.1.9')]],
      findings: [`${RECIPE}:3:10 RB4002`],
      code: 1,
    },
  ] as { name: string; edits: [string, (t: string) => string][]; findings: string[]; code: number }[])(
    '$name',
    async ({ edits, findings, code }) => {
      // Prepare
      const root = gitWorkspace();
      for (const [file, change] of edits) edit(root, file, change);

      // Act
      const result = await bakery(['validate', 'recipes/al2023-hardened', '--format', 'json'], { cwd: root });

      // Assess
      expect(located(result.stdout)).toEqual(findings);
      expect(result.code).toBe(code);
    },
  );

  it('honours a recipe suppression of RB4001 without calling it unused', async () => {
    // Prepare
    const root = gitWorkspace();
    edit(root, RECIPE, (t) => `${t}suppressions:\n  - id: RB4001\n    reason: Rebuilt under the same version on purpose (test)\n`);
    git(root, 'commit', '-q', '-am', 'suppress the gate');
    edit(root, RECIPE, (t) => t.replace('sizeGiB: 30', 'sizeGiB: 40'));

    // Act
    const result = await bakery(['validate', 'recipes/al2023-hardened', '--format', 'json'], { cwd: root });

    // Assess
    const matches = JSON.parse(result.stdout) as { Rule: { Id: string }; Suppressed?: { Reason: string } }[];
    expect(matches.map((m) => `${m.Rule.Id} ${m.Suppressed?.Reason}`)).toEqual(['RB4001 Rebuilt under the same version on purpose (test)']);
    expect(result.code).toBe(0);
  });

  it('says how to fix it at the version line', async () => {
    // Prepare
    const root = gitWorkspace();
    edit(root, RECIPE, (t) => t.replace('sizeGiB: 30', 'sizeGiB: 40'));

    // Act
    const result = await bakery(['validate', 'recipes/al2023-hardened'], { cwd: root });

    // Assess
    expect(result.stdout).toBe(
      [
        RECIPE,
        '  3:10  error  The image recipe changed since merge-base(HEAD, main) (build.rootVolume) but its version is still 1.2.0; Image Builder recipes are immutable per version. Run `pnpm bakery bump al2023-hardened`.  RB4001',
        '        3 | version: 1.2.0',
        '          |          ^^^^^',
        '',
        '1 problem (1 error, 0 warnings) in 1 file.',
        '',
      ].join('\n'),
    );
  });

  it.each([
    { name: 'the default base (merge-base with main) is the last commit', argv: [], env: {}, findings: [] },
    { name: '--base names an older commit', argv: ['--base', 'HEAD~1'], env: {}, findings: [`${RECIPE}:3:10 RB4001`] },
    { name: 'BAKERY_BASE names it', argv: [], env: { BAKERY_BASE: 'HEAD~1' }, findings: [`${RECIPE}:3:10 RB4001`] },
    {
      name: 'NX_BASE names it (what nx affected compares with)',
      argv: [],
      env: { NX_BASE: 'HEAD~1' },
      findings: [`${RECIPE}:3:10 RB4001`],
    },
    { name: '--base wins over BAKERY_BASE', argv: ['--base', 'HEAD'], env: { BAKERY_BASE: 'HEAD~1' }, findings: [] },
  ])('compares with the right base: $name', async ({ argv, env, findings }) => {
    // Prepare: a committed change that did not raise the version
    const root = gitWorkspace();
    edit(root, RECIPE, (t) => t.replace('sizeGiB: 30', 'sizeGiB: 40'));
    git(root, 'commit', '-q', '-am', 'bigger volume');

    // Act
    const result = await bakery(['validate', 'recipes/al2023-hardened', '--format', 'json', ...argv], { cwd: root, env });

    // Assess
    expect(located(result.stdout)).toEqual(findings);
  });

  it('reports RB4003 (info, not failing) outside a git work tree', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['validate', 'recipes/al2023-hardened', '--format', 'json'], { cwd: root });

    // Assess
    expect(located(result.stdout)).toEqual([`${RECIPE}:3:10 RB4003`]);
    expect(JSON.parse(result.stdout)[0].Message).toBe(
      `Version gate skipped: ${path.join(root, 'recipes/al2023-hardened')} is not inside a git work tree (or git is not installed). Set BAKERY_BASE to the ref to compare with.`,
    );
    expect(result.code).toBe(0);
  });

  it('rejects a --base git does not know with exit code 2', async () => {
    // Prepare
    const root = gitWorkspace();

    // Act
    const result = await bakery(['validate', 'recipes/al2023-hardened', '--base', 'nope'], { cwd: root });

    // Assess
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'bakery: git does not know the base ref "nope"; check --base\n' });
  });
});
