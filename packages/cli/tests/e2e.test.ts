/**
 * END TO END (about 30 s): the GitOps flow in a throwaway git repository that carries this
 * workspace's toolchain (node_modules, packages and tools are links into the checkout) and three
 * recipes. A commit that changes one recipe's component must make `nx affected` run that recipe's
 * validate, lint and bundle tasks and nothing else, and `bakery publish --dry-run` must then plan
 * only that recipe's files against the branch holding the previous publish (CodeCommit mocked
 * in-process).
 */
import 'aws-sdk-client-mock-vitest/extend';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeRepository } from '@ami-bakery/publisher/testing';
import { CreateCommitCommand } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublishCommand } from '../src/commands/publish.js';
import { type Io, main, parseCommandArgs } from '../src/index.js';
import { type FakeAws, fakeAws } from './fixtures/gitops/fake-aws.js';
import type { RunResult } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECIPES = fileURLToPath(new URL('./fixtures/gitops/recipes', import.meta.url));
const NX = path.join(ROOT, 'node_modules/nx/dist/bin/nx.js');
const REPOSITORY = 'ami-bakery-recipes';
const CHANGED = 'al2023-db';

let workspace: string;
let aws: FakeAws;
let branch: FakeRepository;

/** Only this test's settings: variables of an outer Nx or git run would steer the inner ones. */
function env(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(NX_|GIT_|npm_|pnpm_)/i.test(key)) clean[key] = value;
  return {
    ...clean,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NO_COLOR: '1',
    // Nx sets FORCE_COLOR for its tasks; next to NO_COLOR it makes Node print a warning on stderr.
    FORCE_COLOR: undefined,
    // The linked node_modules belong to the checkout; pnpm must run scripts, never re-install there.
    pnpm_config_verify_deps_before_run: 'false',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
}

function run(command: string, args: string[]): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: workspace, env: env(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

function io(): { io: Io; output: () => Omit<RunResult, 'code'> } {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: workspace, env: env() },
    output: () => ({ stdout, stderr }),
  };
}

async function publish(argv: string[]): Promise<RunResult> {
  const { io: streams, output } = io();
  const command = createPublishCommand({ clients: aws.clients, sleep: async () => {} });
  const code = await command.run(parseCommandArgs(command, ['--repository', REPOSITORY, '--region', 'eu-central-1', ...argv]), streams);
  return { code, ...output() };
}

function edit(file: string, change: (text: string) => string): void {
  const absolute = path.join(workspace, file);
  writeFileSync(absolute, change(readFileSync(absolute, 'utf8')));
}

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'bakery-e2e-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'nx.json', 'tsconfig.base.json', 'pnpm-lock.yaml']) {
    copyFileSync(path.join(ROOT, file), path.join(workspace, file));
  }
  // Nx does not follow these links, so the graph holds just the recipes; the plugin and the CLI
  // load from the checkout through them.
  for (const link of ['node_modules', 'packages', 'tools']) symlinkSync(path.join(ROOT, link), path.join(workspace, link));
  writeFileSync(path.join(workspace, '.gitignore'), 'node_modules\ndist\nreports\n.nx\n');
  cpSync(RECIPES, path.join(workspace, 'recipes'), { recursive: true });
  run('git', ['init', '-q', '-b', 'main']);
  run('git', ['add', '-A']);
  run('git', ['commit', '-q', '-m', 'three recipes']);
  aws = fakeAws();
  branch = new FakeRepository();
  branch.install(aws.codeCommit);
});

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

describe('GitOps flow (e2e: git, Nx and the bakery CLI in a temporary workspace)', () => {
  it('runs only the changed recipe through nx affected, and publish plans only its files', async () => {
    // Prepare: the bakery branch holds the publish of the first commit.
    const { io: bundleIo, output: bundleOutput } = io();
    expect(await main(['bundle', '--out', 'dist/bundle'], bundleIo), bundleOutput().stdout + bundleOutput().stderr).toBe(0);
    const first = await publish([]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const published = branch.head;
    edit(`recipes/${CHANGED}/components/cleanup.yaml`, (text) =>
      text.replace('- dnf clean all', '- dnf clean all\n            - rm -rf /var/cache/dnf'),
    );
    edit(`recipes/${CHANGED}/recipe.yaml`, (text) =>
      text.replace('version: 1.0.0\ndescription', 'version: 1.0.1\ndescription').replace('    version: 1.0.0', '    version: 1.0.1'),
    );
    run('git', ['commit', '-q', '-am', `${CHANGED}: clean the dnf cache folder too`]);

    // Act
    const affected = run(process.execPath, [NX, 'affected', '-t', 'validate', 'lint', 'bundle', '--base=HEAD~1', '--output-style=static']);
    const plan = await publish(['--dry-run']);

    // Assess: Nx ran exactly the changed recipe's tasks (bundle-recipe writes its folder, bundle the index).
    const tasks = [...affected.stdout.matchAll(/^> nx run (\S+:\S+)/gm)].map((m) => m[1]).sort();
    expect(tasks).toEqual([`${CHANGED}:bundle`, `${CHANGED}:bundle-recipe`, `${CHANGED}:lint`, `${CHANGED}:validate`]);
    expect(affected.stdout).toContain(`Successfully ran targets validate, lint, bundle for project ${CHANGED}`);

    // Assess: the plan touches that recipe and the manifest listing its new version, nothing else.
    const head = run('git', ['rev-parse', 'HEAD']).stdout.trim();
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout.replace(/ \(\d+(\.\d)? k?B\)$/gm, '')).toBe(
      [
        `Publish to codecommit://${REPOSITORY}/main`,
        `  base: ${published}`,
        `  source commit: ${head}`,
        'Files:',
        '  ~ manifest.json',
        `  ~ recipes/${CHANGED}/manifest.json`,
        `  ~ recipes/${CHANGED}/template.yaml`,
        'Recipes:',
        `  ${CHANGED} 1.0.1 (changed)`,
        '0 to add, 3 to change, 0 to delete, 4 unchanged; 1 commit.',
        `Dry run: nothing was written to codecommit://${REPOSITORY}/main.`,
        '',
      ].join('\n'),
    );
    expect(aws.codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
    expect(branch.head).toBe(published);
  }, 300_000);
});
