import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bumpRecipe, ConcurrentEditError, checkVersions, type GitRunner, InvalidArgumentError, runGit } from '../src/index.js';
import { copyFixture, tempDir } from './helpers/fixtures.js';
import { RecipeRepo } from './helpers/recipe-repo.js';

const RECIPE = 'recipe.yaml';
const CLEANUP = 'components/cleanup.yaml';

let current: RecipeRepo | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

function repo(fixture = 'full-linux'): RecipeRepo {
  current = new RecipeRepo(fixture);
  return current;
}

describe('bumpRecipe', () => {
  it.each([
    { level: 'patch' as const, recipe: '1.2.1', component: '2.0.1' },
    { level: 'minor' as const, recipe: '1.3.0', component: '2.1.0' },
    { level: 'major' as const, recipe: '2.0.0', component: '3.0.0' },
  ])('$level: bumps the recipe and the changed component only, changing nothing else in the file', ({ level, recipe, component }) => {
    // Prepare
    const r = repo();
    r.edit(CLEANUP, (t) => t.replace('dnf clean all', 'dnf clean packages'));
    const before = r.read(RECIPE);

    // Act
    const result = bumpRecipe(r.relativeDir, { level, base: r.base, cwd: r.dir });

    // Assess
    expect(result).toEqual({
      file: 'recipes/full-linux/recipe.yaml',
      base: r.base,
      written: true,
      changes: [
        { path: ['version'], subject: 'recipe', from: '1.2.0', to: recipe },
        { path: ['components', 3, 'version'], subject: CLEANUP, from: '2.0.0', to: component },
      ],
    });
    // Component first: after a major bump the recipe's new 2.0.0 would match the component's old one.
    expect(r.read(RECIPE)).toBe(before.replace('version: 2.0.0', `version: ${component}`).replace('version: 1.2.0', `version: ${recipe}`));
    expect(checkVersions(r.relativeDir, { base: r.base, cwd: r.dir })).toEqual([]);
  });

  it('keeps comments, quoting and blank lines', () => {
    // Prepare
    const r = repo('minimal');
    r.write(RECIPE, r.read(RECIPE).replace('version: 0.1.0', "# the image version\nversion: '0.1.0' # bump on every change\n"));
    r.repo.commitAll('quote the version');
    const base = r.repo.git('rev-parse', 'HEAD');
    r.edit(RECIPE, (t) => t.replace('t4g.medium', 't4g.large'));

    // Act
    bumpRecipe(r.relativeDir, { level: 'patch', base, cwd: r.dir });

    // Assess
    expect(r.read(RECIPE)).toContain("# the image version\nversion: '0.1.1' # bump on every change\n\nplatform: linux");
  });

  it('is idempotent: a second run finds every version high enough', () => {
    const r = repo();
    r.edit(CLEANUP, (t) => t.replace('dnf clean all', 'dnf clean packages'));
    bumpRecipe(r.relativeDir, { level: 'minor', base: r.base, cwd: r.dir });
    const once = r.read(RECIPE);
    expect(bumpRecipe(r.relativeDir, { level: 'minor', base: r.base, cwd: r.dir })).toMatchObject({ written: false, changes: [] });
    expect(r.read(RECIPE)).toBe(once);
  });

  it('raises a smaller earlier bump to the requested level', () => {
    const r = repo();
    r.edit(RECIPE, (t) => t.replace('version: 1.2.0', 'version: 1.2.1'));
    expect(bumpRecipe(r.relativeDir, { level: 'minor', base: r.base, cwd: r.dir }).changes).toEqual([
      { path: ['version'], subject: 'recipe', from: '1.2.1', to: '1.3.0' },
    ]);
  });

  it('bumps only the recipe when no base can be resolved', () => {
    const { dir, cleanup } = tempDir('bump-nogit');
    try {
      copyFixture('full-linux', path.join(dir, 'full-linux'));
      const result = bumpRecipe('full-linux', { level: 'patch', cwd: dir, env: {} });
      expect(result).toMatchObject({
        base: undefined,
        written: true,
        changes: [{ path: ['version'], subject: 'recipe', from: '1.2.0', to: '1.2.1' }],
      });
    } finally {
      cleanup();
    }
  });

  it('never overwrites an edit made while it was working', () => {
    // Prepare: a git runner that edits the recipe while the bump compares with the base
    const r = repo('minimal');
    const recipePath = path.join(r.recipeDir, RECIPE);
    const editingGit: GitRunner = (args, cwd) => {
      if (args[0] === 'show') writeFileSync(recipePath, `${readFileSync(recipePath, 'utf8')}# edited meanwhile\n`);
      return runGit(args, cwd);
    };

    // Act + Assess
    expect(() => bumpRecipe(r.relativeDir, { level: 'patch', base: r.base, cwd: r.dir, git: editingGit })).toThrow(ConcurrentEditError);
    expect(r.read(RECIPE)).toContain('version: 0.1.0');
    expect(r.read(RECIPE).endsWith('# edited meanwhile\n')).toBe(true);
  });

  it('rejects an unknown level', () => {
    const r = repo('minimal');
    expect(() => bumpRecipe(r.relativeDir, { level: 'huge' as 'patch', base: r.base, cwd: r.dir })).toThrow(InvalidArgumentError);
  });
});
