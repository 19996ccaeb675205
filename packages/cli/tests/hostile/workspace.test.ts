/**
 * Hostile workspaces: two recipe folders with one name, a shallow clone on CI, an unknown base
 * on CI, Latin-1 bytes in a recipe, names and documents past the AWS limits. In process, with an
 * empty environment except what each case sets.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakery, located } from '../helpers.js';
import { git, gitWorkspace, NO_CFN_LINT, tempDir, workspaceCopy } from '../pipeline-helpers.js';

const SOURCE = 'recipes/al2023-hardened';

/** A copy of the fixture recipe in `folder`, giving the recipe name `name`. */
function copyRecipe(root: string, folder: string, name: string): void {
  cpSync(path.join(root, SOURCE), path.join(root, 'recipes', folder), { recursive: true });
  const file = path.join(root, 'recipes', folder, 'recipe.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('name: al2023-hardened', `name: ${name}`));
}

describe('Hostile: two recipe folders giving the same name', () => {
  const both = 'recipes/al2023-hardened and recipes/copy-of-hardened';

  it.each([
    { target: 'validate (Nx validate)', argv: ['validate', '--format', 'json'] },
    { target: 'validate of one folder', argv: ['validate', 'recipes/copy-of-hardened', '--format', 'json'] },
    { target: 'lint (Nx lint)', argv: ['lint', 'recipes/copy-of-hardened', '--format', 'json'] },
  ])('$target: an error at the name, naming both folders', async ({ argv }) => {
    // Prepare
    const root = workspaceCopy();
    copyRecipe(root, 'copy-of-hardened', 'al2023-hardened');

    // Act
    const result = await bakery(argv, { cwd: root, env: NO_CFN_LINT });

    // Assess
    expect(result.code).toBe(1);
    expect(located(result.stdout)).toContain('recipes/copy-of-hardened/recipe.yaml:2:7 RB0023');
    const messages = (JSON.parse(result.stdout) as { Rule: { Id: string }; Message: string }[])
      .filter((m) => m.Rule.Id === 'RB0023')
      .map((m) => m.Message);
    expect(messages.every((m) => m.includes(both))).toBe(true);
  });

  it.each([
    { target: 'bundle-recipe (Nx, --no-index)', argv: ['bundle', 'recipes/copy-of-hardened', '--no-index'] },
    { target: 'bundle of both', argv: ['bundle'] },
    { target: 'build', argv: ['build', 'recipes/copy-of-hardened'] },
  ])('$target: refused, naming both folders, and neither overwrites the other', async ({ argv }) => {
    // Prepare
    const root = workspaceCopy();
    copyRecipe(root, 'copy-of-hardened', 'al2023-hardened');

    // Act
    const result = await bakery(argv, { cwd: root, env: NO_CFN_LINT });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Recipe name 'al2023-hardened' is given by 2 folders: ${both}.`);
    expect(result.stdout).toContain('RB0023');
    expect(readDir(path.join(root, 'dist/bundle/recipes'))).not.toContain('al2023-hardened');
  });

  it('bundle --index-only (Nx bundle): writes no index, naming both folders', async () => {
    // Prepare
    const root = workspaceCopy();
    await bakery(['bundle', SOURCE, '--no-index'], { cwd: root });
    copyRecipe(root, 'copy-of-hardened', 'al2023-hardened');

    // Act
    const result = await bakery(['bundle', '--index-only'], { cwd: root });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('bakery: manifest.json not written: 1 error in the workspace (below).\n');
    expect(result.stdout).toContain(`Recipe name 'al2023-hardened' is given by 2 folders: ${both}.`);
  });
});

function readDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A shallow clone (depth 1) of only the feature branch of a repository with history: what actions/checkout gives by default. */
function shallowFeatureClone(): string {
  const origin = gitWorkspace();
  git(origin, 'checkout', '-q', '-b', 'feature');
  const recipe = path.join(origin, SOURCE, 'recipe.yaml');
  writeFileSync(recipe, readFileSync(recipe, 'utf8').replace('version: 1.2.0', 'version: 1.2.1'));
  git(origin, 'commit', '-q', '-am', 'bump');
  const root = path.join(tempDir(), 'clone');
  git(path.dirname(root), 'clone', '-q', '--depth', '1', '--single-branch', '--branch', 'feature', `file://${origin}`, root);
  return root;
}

describe('Hostile: the version gate on CI without a usable base', () => {
  it.each([
    { case: 'a shallow clone of one branch (actions/checkout with fetch-depth: 1)', shallow: true, env: { CI: 'true' } },
    { case: 'an NX_BASE git does not know', shallow: false, env: { CI: 'true', NX_BASE: '0123456789abcdef0123456789abcdef01234567' } },
  ])('$case: an error (RB4004) that names the fix, not a skipped gate', async ({ shallow, env }) => {
    // Prepare
    const root = shallow ? shallowFeatureClone() : gitWorkspace();

    // Act
    const result = await bakery(['validate', SOURCE, '--format', 'json'], { cwd: root, env });

    // Assess
    expect(result.code).toBe(1);
    expect(located(result.stdout)).toContain(`${SOURCE}/recipe.yaml:3:10 RB4004`);
    expect(result.stdout).toContain('fetch-depth: 0');
  });

  it('outside CI the same clone skips the gate with a notice and passes', async () => {
    // Prepare
    const root = shallowFeatureClone();

    // Act
    const result = await bakery(['validate', SOURCE, '--format', 'json'], { cwd: root, env: {} });

    // Assess
    expect(result.code).toBe(0);
    expect(located(result.stdout)).toEqual([`${SOURCE}/recipe.yaml:3:10 RB4003`]);
  });
});

describe('Hostile: bytes that are not UTF-8', () => {
  it('a Latin-1 byte is an error at its line and column, and the recipe is not bundled (nothing replaced)', async () => {
    // Prepare: "café" in Latin-1 (0xE9) in the description on line 4
    const root = workspaceCopy();
    const file = path.join(root, SOURCE, 'recipe.yaml');
    const text = readFileSync(file, 'utf8').replace(/^description: .*$/m, 'description: caf\u0000');
    const bytes = Buffer.from(text, 'utf8');
    bytes[bytes.indexOf(0)] = 0xe9;
    writeFileSync(file, bytes);

    // Act
    const validate = await bakery(['validate', SOURCE, '--format', 'json'], { cwd: root });
    const bundle = await bakery(['bundle', SOURCE], { cwd: root });

    // Assess
    expect(located(validate.stdout)).toEqual([`${SOURCE}/recipe.yaml:4:17 RB0022`]);
    expect(validate.code).toBe(1);
    expect(bundle.code).toBe(1);
    expect(bundle.stdout).toContain('RB0022');
    expect(readDir(path.join(root, 'dist/bundle/recipes'))).toEqual([]);
  });

  it('finds the first invalid byte wherever it is (generated)', async () => {
    // Prepare
    const root = workspaceCopy();
    const file = path.join(root, SOURCE, 'recipe.yaml');
    const original = readFileSync(file);
    const lines = original.toString('utf8').split('\n');

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: lines.length - 2 }),
        fc.nat(),
        fc.constantFrom(0x80, 0xc0, 0xe9, 0xff, 0xf5),
        async (line, at, byte) => {
          const text = lines[line] as string;
          const column = text.length === 0 ? 0 : at % text.length;
          const before = Buffer.from(`${lines.slice(0, line).join('\n')}${line > 0 ? '\n' : ''}${text.slice(0, column)}`, 'utf8');
          writeFileSync(file, Buffer.concat([before, Buffer.from([byte]), original.subarray(before.length)]));
          const result = await bakery(['validate', SOURCE, '--format', 'json'], { cwd: root });
          expect(located(result.stdout)).toEqual([`${SOURCE}/recipe.yaml:${line + 1}:${column + 1} RB0022`]);
        },
      ),
      { seed: 20261202, numRuns: 25 },
    );
  });
});

describe('Hostile: names and documents past the AWS limits, found offline before cfn-lint', () => {
  it('a 147-character component name and a 22 KB component document are errors at the recipe and component lines', async () => {
    // Prepare: a long recipe name (its folder named alike) and a long component file name give a 147-character component name
    const root = workspaceCopy();
    const name = `hardened-${'n'.repeat(54)}`;
    const stem = `harden-ssh-${'s'.repeat(54)}`;
    const folder = `recipes/${name}`;
    cpSync(path.join(root, SOURCE), path.join(root, folder), { recursive: true });
    const recipeFile = path.join(root, folder, 'recipe.yaml');
    writeFileSync(
      recipeFile,
      readFileSync(recipeFile, 'utf8').replaceAll('al2023-hardened', name).replace('components/harden-ssh.yaml', `components/${stem}.yaml`),
    );
    const component = readFileSync(path.join(root, folder, 'components/harden-ssh.yaml'), 'utf8');
    writeFileSync(
      path.join(root, folder, `components/${stem}.yaml`),
      component.replace(/^description: .*$/m, `description: ${'d'.repeat(22_000)}`),
    );

    // Act
    const result = await bakery(['lint', folder, '--format', 'json'], { cwd: root, env: NO_CFN_LINT });

    // Assess
    expect(`ami-bakery-recipe-${name}-${stem}`).toHaveLength(147);
    expect(located(result.stdout)).toEqual([`${folder}/components/${stem}.yaml:1:1 RB5010`, `${folder}/recipe.yaml:13:11 RB5009`]);
    expect(result.code).toBe(1);
  });
});
