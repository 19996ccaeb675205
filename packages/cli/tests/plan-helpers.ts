/** A git workspace for the plan tests: three recipes committed on main (the base). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';
import { afterEach } from 'vitest';

const GITOPS = fileURLToPath(new URL('./fixtures/gitops/recipes/', import.meta.url));

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** git with a fixed identity and dates, so commit ids are the same on every run. */
function git(cwd: string, ...args: string[]): string {
  const date = '2026-01-01T00:00:00Z';
  return execaSync('git', args, {
    cwd,
    env: {
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  }).stdout;
}

/** al2023-batch, al2023-db and al2023-web committed on main. */
function planWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bakery-plan-test-'));
  temps.push(dir);
  writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), 'packages: []\n');
  for (const name of ['al2023-batch', 'al2023-db', 'al2023-web'])
    cpSync(path.join(GITOPS, name), path.join(dir, 'recipes', name), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'recipes');
  return dir;
}

/** Rewrites a file of the workspace through `edit`. */
function edit(dir: string, file: string, change: (text: string) => string): void {
  const target = path.join(dir, file);
  writeFileSync(target, change(readFileSync(target, 'utf8')));
}

/** The changes every plan test starts from: one recipe added, one changed in place, one bumped with a replacement, one removed. */
function typicalChange(dir: string): void {
  cpSync(path.join(dir, 'recipes/al2023-web'), path.join(dir, 'recipes/al2023-new'), { recursive: true });
  edit(dir, 'recipes/al2023-new/recipe.yaml', (t) => t.replace('name: al2023-web', 'name: al2023-new'));
  edit(dir, 'recipes/al2023-web/recipe.yaml', (t) => t.replace('- m7i.large', '- m7i.xlarge'));
  edit(dir, 'recipes/al2023-db/recipe.yaml', (t) =>
    t.replace('version: 1.0.0', 'version: 1.1.0').replace(/(file: components\/cleanup.yaml\n\s+version: )1.0.0/, '$11.0.1'),
  );
  edit(dir, 'recipes/al2023-db/components/cleanup.yaml', (t) => t.replace('dnf clean all', 'dnf clean all && rm -rf /var/cache/dnf'));
  rmSync(path.join(dir, 'recipes/al2023-batch'), { recursive: true });
}

/** Commit ids differ between machines only if git does: still, keep them out of exact comparisons. */
function withoutCommits(text: string): string {
  return text.replace(/\b[0-9a-f]{7}\b/g, '<commit>');
}

export { edit, git, planWorkspace, typicalChange, withoutCommits };
