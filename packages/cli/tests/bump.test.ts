import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';
import { git, gitWorkspace, REPO_ROOT, workspaceCopy } from './pipeline-helpers.js';

const RECIPE = 'recipes/al2023-hardened/recipe.yaml';
const COMPONENT = 'recipes/al2023-hardened/components/harden-ssh.yaml';

function edit(root: string, file: string, change: (text: string) => string): void {
  const absolute = path.join(root, file);
  writeFileSync(absolute, change(readFileSync(absolute, 'utf8')));
}

const changeComponent = (t: string) => t.replace('PasswordAuthentication no', 'PermitRootLogin no');

describe('Command: bump', () => {
  it.each([
    { name: 'patch (the default)', flags: [], recipe: '1.2.1', component: '1.0.1' },
    { name: '--minor', flags: ['--minor'], recipe: '1.3.0', component: '1.1.0' },
    { name: '--major', flags: ['--major'], recipe: '2.0.0', component: '2.0.0' },
  ])(
    'raises the recipe and the changed component, $name, and touches nothing else in recipe.yaml',
    async ({ flags, recipe, component }) => {
      // Prepare
      const root = gitWorkspace();
      edit(root, COMPONENT, changeComponent);
      const before = readFileSync(path.join(root, RECIPE), 'utf8');

      // Act
      const result = await bakery(['bump', 'al2023-hardened', ...flags], { cwd: root });

      // Assess
      expect(result).toEqual({
        code: 0,
        stdout: `Bumped ${RECIPE} (compared with merge-base(HEAD, main)):\n  recipe                      1.2.0 → ${recipe}\n  components/harden-ssh.yaml  1.0.0 → ${component}\n`,
        stderr: '',
      });
      expect(readFileSync(path.join(root, RECIPE), 'utf8')).toBe(
        before.replace('version: 1.2.0', `version: ${recipe}`).replace('    version: 1.0.0', `    version: ${component}`),
      );
      expect((await bakery(['validate', 'recipes/al2023-hardened'], { cwd: root })).code).toBe(0);
    },
  );

  it('raises only the recipe when only recipe.yaml changed', async () => {
    // Prepare
    const root = gitWorkspace();
    edit(root, RECIPE, (t) => t.replace('sizeGiB: 30', 'sizeGiB: 40'));

    // Act
    const result = await bakery(['bump', 'recipes/al2023-hardened'], { cwd: root });

    // Assess
    expect(result.stdout).toBe(`Bumped ${RECIPE} (compared with merge-base(HEAD, main)):\n  recipe  1.2.0 → 1.2.1\n`);
    expect(result.code).toBe(0);
  });

  it('changes nothing the second time: versions are raised from their value at the base', async () => {
    // Prepare
    const root = gitWorkspace();
    edit(root, COMPONENT, changeComponent);
    await bakery(['bump', 'al2023-hardened'], { cwd: root });
    const bumped = readFileSync(path.join(root, RECIPE), 'utf8');

    // Act
    const result = await bakery(['bump', 'al2023-hardened'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout: `${RECIPE}: every changed version is already above its value at the base (compared with merge-base(HEAD, main)); nothing to bump.\n`,
      stderr: '',
    });
    expect(readFileSync(path.join(root, RECIPE), 'utf8')).toBe(bumped);
  });

  it.each([
    { name: 'nothing changed', change: (t: string) => t },
    { name: 'only comments and layout changed', change: (t: string) => `# reviewed\n${t.replace('sizeGiB: 30', 'sizeGiB:   30   # GiB')}` },
  ])('refuses with exit code 1 when $name since the base', async ({ change }) => {
    // Prepare
    const root = gitWorkspace();
    edit(root, RECIPE, change);
    const before = readFileSync(path.join(root, RECIPE), 'utf8');

    // Act
    const result = await bakery(['bump', 'al2023-hardened'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'bakery: nothing in recipes/al2023-hardened changed since merge-base(HEAD, main) (comments and layout do not count); there is nothing to bump.\n',
    });
    expect(readFileSync(path.join(root, RECIPE), 'utf8')).toBe(before);
  });

  it('raises a generated component whose table changed, as the version gate asks', async () => {
    // Prepare
    const root = workspaceCopy();
    const name = 'windows-server-2022-cis-level1';
    cpSync(path.join(REPO_ROOT, `recipes/${name}`), path.join(root, `recipes/${name}`), { recursive: true });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'recipes');
    edit(root, `recipes/${name}/controls/cis-level1.yaml`, (t) => t.replace('title: "Ensure', 'title: "Check'));

    // Act
    const result = await bakery(['bump', name], { cwd: root });

    // Assess: patch bumps of the shipped recipe's own versions.
    const shipped = readFileSync(path.join(REPO_ROOT, 'recipes/windows-server-2022-cis-level1/recipe.yaml'), 'utf8');
    const recipeVersion = /^version: (\S+)$/m.exec(shipped)?.[1] ?? '';
    const tableVersion = /table: controls\/cis-level1\.yaml\n\s+version: (\S+)/.exec(shipped)?.[1] ?? '';
    const next = (v: string) => v.replace(/\d+$/, (n) => String(Number(n) + 1));
    expect(result).toEqual({
      code: 0,
      stdout: `Bumped recipes/${name}/recipe.yaml (compared with merge-base(HEAD, main)):\n  recipe                    ${recipeVersion} → ${next(recipeVersion)}\n  controls/cis-level1.yaml  ${tableVersion} → ${next(tableVersion)}\n`,
      stderr: '',
    });
    expect((await bakery(['validate', `recipes/${name}`], { cwd: root })).code).toBe(0);
  });

  it('refuses with exit code 1 for a recipe that is not at the base yet', async () => {
    // Prepare
    const root = gitWorkspace();
    cpSync(path.join(root, 'recipes/al2023-hardened'), path.join(root, 'recipes/brand-new'), { recursive: true });

    // Act
    const result = await bakery(['bump', 'brand-new'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'bakery: recipes/brand-new/recipe.yaml is new since merge-base(HEAD, main): its first version needs no bump.\n',
    });
  });

  it('compares with --base', async () => {
    // Prepare: the change is committed, so only an older base sees it
    const root = gitWorkspace();
    edit(root, COMPONENT, changeComponent);
    git(root, 'commit', '-q', '-am', 'ssh');

    // Act
    const result = await bakery(['bump', 'al2023-hardened', '--base', 'HEAD~1'], { cwd: root });

    // Assess
    expect(result.stdout).toBe(
      `Bumped ${RECIPE} (compared with HEAD~1):\n  recipe                      1.2.0 → 1.2.1\n  components/harden-ssh.yaml  1.0.0 → 1.0.1\n`,
    );
  });

  it('outside git bumps the recipe version only, and says why', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['bump', 'al2023-hardened', '--minor'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout: `Bumped ${RECIPE}:\n  recipe  1.2.0 → 1.3.0\n`,
      stderr: `bakery: no git base (${path.join(root, 'recipes/al2023-hardened')} is not inside a git work tree (or git is not installed)); bumping the recipe version only.\n`,
    });
  });

  it('fails with exit code 1 and one line for a recipe.yaml that does not parse', async () => {
    // Prepare
    const root = gitWorkspace();
    edit(root, RECIPE, (t) => `${t}name: twice\n`);

    // Act
    const result = await bakery(['bump', 'al2023-hardened'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `bakery: ${RECIPE} is not valid YAML; fix it (bakery validate) before bumping\n`,
    });
  });

  describe('usage errors: one line on stderr, exit code 2', () => {
    it.each([
      { name: 'no recipe', argv: ['bump'], stderr: "bakery: bump needs the recipe to bump. Run 'bakery bump --help'.\n" },
      { name: 'two recipes', argv: ['bump', 'a', 'b'], stderr: 'bakery: bump takes one recipe, got: a b\n' },
      {
        name: 'two levels',
        argv: ['bump', 'al2023-hardened', '--major', '--patch'],
        stderr: 'bakery: choose one of --major, --minor, --patch, not --major and --patch\n',
      },
      {
        name: 'an unknown recipe',
        argv: ['bump', 'nope'],
        stderr: "bakery: no recipe 'nope': name a recipe folder, its recipe.yaml, or a recipe under recipes/.\n",
      },
      {
        name: 'a base git does not know',
        argv: ['bump', 'al2023-hardened', '--base', 'v9'],
        stderr: 'bakery: git does not know the base ref "v9"; check --base\n',
      },
    ])('$name', async ({ argv, stderr }) => {
      // Prepare
      const root = gitWorkspace();

      // Act
      const result = await bakery(argv, { cwd: root });

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr });
    });
  });
});
