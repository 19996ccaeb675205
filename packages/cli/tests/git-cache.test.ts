import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type GitRunner, runGit } from '@ami-bakery/recipe-bundler';
import { describe, expect, it } from 'vitest';
import { cachingGit } from '../src/git-cache.js';
import { git, gitWorkspace, tempDir } from './pipeline-helpers.js';

function counting(): { runner: GitRunner; calls: string[] } {
  const calls: string[] = [];
  return { calls, runner: (args, cwd) => (calls.push(args.join(' ')), runGit(args, cwd)) };
}

describe('cachingGit', () => {
  it('answers every question as git does', () => {
    // Prepare
    const root = gitWorkspace();
    mkdirSync(path.join(root, 'recipes/al2023-hardened/docs'));
    writeFileSync(path.join(root, 'recipes/al2023-hardened/docs/ünïcode name.txt'), 'bytes: \u00e9\n\n');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'docs');
    const head = git(root, 'rev-parse', 'HEAD');
    const questions: [string[], string][] = [
      [['rev-parse', '--show-toplevel'], path.join(root, 'recipes/al2023-hardened')],
      [['rev-parse', '--verify', '--quiet', 'main^{commit}'], root],
      [['rev-parse', '--verify', '--quiet', 'nope^{commit}'], root],
      [['show', `${head}:recipes/al2023-hardened/recipe.yaml`], root],
      [['show', `${head}:recipes/al2023-hardened/components/harden-ssh.yaml`], root],
      [['show', `${head}:recipes/al2023-hardened/docs/ünïcode name.txt`], root],
      [['show', `${head}:recipes/missing.yaml`], root],
      [['show', `${head}:recipes/al2023-hardened`], root],
    ];
    const cached = cachingGit();

    // Act
    const answers = questions.map(([args, cwd]) => cached(args, cwd));

    // Assess
    expect(answers).toEqual(questions.map(([args, cwd]) => runGit(args, cwd)));
  });

  it('asks git once per question and reads the committed files of a folder in one batch', () => {
    // Prepare
    const root = gitWorkspace();
    const head = git(root, 'rev-parse', 'HEAD');
    const { runner, calls } = counting();
    const cached = cachingGit(runner, {});

    // Act
    for (let i = 0; i < 3; i++) {
      cached(['rev-parse', '--show-toplevel'], path.join(root, 'recipes/al2023-hardened'));
      cached(['rev-parse', '--show-toplevel'], path.join(root, 'recipes/imds-optional'));
      cached(['show', `${head}:recipes/al2023-hardened/recipe.yaml`], root);
      cached(['show', `${head}:recipes/imds-optional/recipe.yaml`], root);
    }

    // Assess
    expect(calls).toEqual(['rev-parse --show-toplevel', `ls-tree -r -z -l --full-tree ${head}`]);
  });

  it('answers outside a work tree without starting git', () => {
    // Prepare
    const dir = tempDir();
    const { runner, calls } = counting();

    // Act
    const answer = cachingGit(runner, {})(['rev-parse', '--show-toplevel'], dir);

    // Assess
    expect(answer).toEqual({ ok: false, stdout: '' });
    expect(calls).toEqual([]);
  });
});
