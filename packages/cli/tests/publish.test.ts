import 'aws-sdk-client-mock-vitest/extend';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitBlobId } from '@ami-bakery/publisher';
import { FakeRepository } from '@ami-bakery/publisher/testing';
import { CreateCommitCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublishCommand } from '../src/commands/publish.js';
import { type Io, parseCommandArgs } from '../src/index.js';
import { type FakeAws, FakeObject, fakeAws } from './fixtures/gitops/fake-aws.js';
import { bakery, type RunResult } from './helpers.js';

const GITOPS = fileURLToPath(new URL('./fixtures/gitops/', import.meta.url)).replace(/\/$/, '');
const BUNDLE = path.join(GITOPS, 'bundle');
const HEAD = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const REPOSITORY = 'ami-bakery-recipes';
const REGION = 'eu-central-1';
// Built from parts so no partition is written out; the value only has to look like a role ARN.
const ROLE_ARN = ['arn', 'aws-us-gov', 'iam', '', '111122223333', 'role/ami-bakery-publish'].join(':');

const BUNDLE_FILES = [
  'manifest.json',
  'recipes/al2023-stig/manifest.json',
  'recipes/al2023-stig/template.yaml',
  'recipes/ubuntu-2204-cis/manifest.json',
  'recipes/ubuntu-2204-cis/template.yaml',
];

/** What CodeCommit answers a caller without the permission (a generic error code, not a modelled exception). */
function accessDenied(): Error {
  return Object.assign(new Error('User is not authorized to perform codecommit:GetBranch'), {
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 400 },
  });
}

function blob(file: string): string {
  return gitBlobId(readFileSync(path.join(BUNDLE, file)));
}

/** Runs the publish command the way `main` does, with the fake AWS clients injected. */
async function publishWith(
  aws: FakeAws,
  argv: string[],
  env: Record<string, string> = {},
  options: { cwd?: string; gitHead?: boolean } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: options.cwd ?? GITOPS,
    env,
  };
  const command = createPublishCommand({
    clients: aws.clients,
    ...(options.gitHead ? {} : { headCommit: async () => HEAD }),
    sleep: async () => {},
  });
  const code = await command.run(parseCommandArgs(command, argv), io);
  return { code, stdout, stderr };
}

const TO_BRANCH = ['--bundle', 'bundle', '--repository', REPOSITORY, '--region', REGION];

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Command: publish', () => {
  let aws: FakeAws;
  let branch: FakeRepository;
  beforeEach(() => {
    aws = fakeAws();
    branch = new FakeRepository();
    branch.install(aws.codeCommit);
  });

  describe('usage errors (exit 2, before any AWS call)', () => {
    it.each([
      {
        name: 'no target',
        argv: ['publish', '--region', REGION],
        stderr:
          'bakery: name the target: --repository NAME (or BAKERY_REPOSITORY) for CodeCommit, or --s3 s3://BUCKET/KEY for an S3 source\n',
      },
      {
        name: 'both targets',
        argv: ['publish', '--repository', REPOSITORY, '--s3', 's3://bucket-a/source/bundle.zip', '--region', REGION],
        stderr: 'bakery: give either --repository (CodeCommit) or --s3 (S3 source object), not both\n',
      },
      {
        name: 'a branch with an S3 target',
        argv: ['publish', '--s3', 's3://bucket-a/source/bundle.zip', '--branch', 'main', '--region', REGION],
        stderr: 'bakery: --branch applies to --repository only; an S3 source has no branch\n',
      },
      {
        name: 'an S3 URL without a key',
        argv: ['publish', '--s3', 's3://bucket-a', '--region', REGION],
        stderr: "bakery: --s3 must look like s3://BUCKET/KEY (for example s3://bakery-artifacts/source/bundle.zip), got 's3://bucket-a'\n",
      },
      {
        name: 'no region',
        argv: ['publish', '--repository', REPOSITORY],
        stderr: 'bakery: name the bakery region: --region REGION (or BAKERY_REGION)\n',
      },
      {
        name: 'a malformed region',
        argv: ['publish', '--repository', REPOSITORY, '--region', 'Frankfurt'],
        stderr: "bakery: --region 'Frankfurt' is not an AWS region name such as eu-central-1\n",
      },
      {
        name: 'a role that is not an IAM role ARN',
        argv: ['publish', '--repository', REPOSITORY, '--region', REGION, '--role-arn', 'ami-bakery-publish'],
        stderr: "bakery: --role-arn 'ami-bakery-publish' is not an IAM role ARN\n",
      },
      {
        name: 'a source commit that is not a sha',
        argv: ['publish', '--repository', REPOSITORY, '--region', REGION, '--source-commit', 'main'],
        stderr: "bakery: --source-commit 'main' is not a git commit id\n",
      },
      {
        name: 'a positional argument',
        argv: ['publish', 'dist/bundle'],
        stderr: 'bakery: publish takes no PATH arguments, got: dist/bundle\n',
      },
      {
        name: 'an unknown option',
        argv: ['publish', '--dryrun'],
        stderr: "bakery: unknown option '--dryrun' (did you mean '--dry-run'?). Run 'bakery publish --help'.\n",
      },
    ])('$name', async ({ argv, stderr }) => {
      // Act
      const result = await bakery(argv, { cwd: GITOPS });

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr });
    });
  });

  it('prints the plan on a dry run and writes nothing', async () => {
    // Act
    const result = await publishWith(aws, [...TO_BRANCH, '--dry-run']);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        `Publish to codecommit://${REPOSITORY}/main`,
        '  base: none (first publish)',
        `  source commit: ${HEAD}`,
        'Files:',
        '  + manifest.json (1.0 kB)',
        '  + recipes/al2023-stig/manifest.json (190 B)',
        '  + recipes/al2023-stig/template.yaml (434 B)',
        '  + recipes/ubuntu-2204-cis/manifest.json (198 B)',
        '  + recipes/ubuntu-2204-cis/template.yaml (455 B)',
        'Recipes:',
        '  al2023-stig 1.2.0 (added)',
        '  ubuntu-2204-cis 2.0.1 (added)',
        '5 to add, 0 to change, 0 to delete, 0 unchanged; 1 commit.',
        `Dry run: nothing was written to codecommit://${REPOSITORY}/main.`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    expect(aws.codeCommit).not.toHaveReceivedCommand(CreateCommitCommand);
    expect(branch.head).toBeNull();
  });

  it('commits the bundle and its publish record on the branch and prints the commit id', async () => {
    // Act
    const result = await publishWith(aws, TO_BRANCH);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith(`1 commit.\nCommitted ${branch.head}\n`)).toBe(true);
    expect(aws.codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
    const input = aws.codeCommit.commandCalls(CreateCommitCommand)[0]?.args[0].input;
    expect(input?.repositoryName).toBe(REPOSITORY);
    expect(input?.branchName).toBe('main');
    expect(input?.parentCommitId).toBeUndefined();
    // The manifest goes last, so a pipeline never sees a manifest naming templates not yet there.
    expect(input?.putFiles?.map((f) => f.filePath)).toEqual([
      'recipes/al2023-stig/manifest.json',
      'recipes/al2023-stig/template.yaml',
      'recipes/ubuntu-2204-cis/manifest.json',
      'recipes/ubuntu-2204-cis/template.yaml',
      'manifest.json',
      '.bakery/published.json',
    ]);
    expect(input?.commitMessage?.split('\n')[0]).toBe('bakery publish: al2023-stig 1.2.0, ubuntu-2204-cis 2.0.1 (source 4b825dc)');
    expect(JSON.parse(branch.text('.bakery/published.json') as string)).toEqual({
      complete: true,
      files: Object.fromEntries(BUNDLE_FILES.map((f) => [f, blob(f)])),
      formatVersion: 1,
      recipes: [
        { name: 'al2023-stig', version: '1.2.0' },
        { name: 'ubuntu-2204-cis', version: '2.0.1' },
      ],
      sourceCommit: HEAD,
    });
    expect(aws.requested).toEqual([{ kind: 'codeCommit', region: REGION }]);
  });

  it('says there is nothing to publish when the branch already holds the bundle', async () => {
    // Prepare
    await publishWith(aws, TO_BRANCH);
    const head = branch.head;

    // Act
    const result = await publishWith(aws, TO_BRANCH);

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout: [
        `Publish to codecommit://${REPOSITORY}/main`,
        `  base: ${head}`,
        `  source commit: ${HEAD}`,
        `Nothing to publish: codecommit://${REPOSITORY}/main already holds this bundle (5 files).`,
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(aws.codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
  });

  it('takes the target, branch, region and role from the environment and assumes the role', async () => {
    // Act
    const result = await publishWith(aws, ['--bundle', 'bundle', '--source-commit', 'a'.repeat(40)], {
      BAKERY_REPOSITORY: REPOSITORY,
      BAKERY_BRANCH: 'release',
      BAKERY_REGION: 'us-gov-west-1',
      BAKERY_PUBLISH_ROLE_ARN: ROLE_ARN,
    });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(aws.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE_ARN, RoleSessionName: 'bakery-publish' });
    expect(aws.codeCommit).toHaveReceivedCommandWith(CreateCommitCommand, { repositoryName: REPOSITORY, branchName: 'release' });
    expect(aws.requested).toEqual([
      { kind: 'sts', region: 'us-gov-west-1' },
      {
        kind: 'codeCommit',
        region: 'us-gov-west-1',
        credentials: { accessKeyId: 'ASIAFAKE', secretAccessKey: 'fake-secret', sessionToken: 'fake-token', expiration: new Date(0) },
      },
    ]);
    expect(result.stdout).toContain(
      `Publish to codecommit://${REPOSITORY}/release\n  base: none (first publish)\n  source commit: ${'a'.repeat(40)}\n`,
    );
  });

  it('refuses to overwrite a file changed in the branch by hand, then overwrites it with --force', async () => {
    // Prepare
    await publishWith(aws, TO_BRANCH);
    const edited = branch.commitAs({ put: { 'recipes/al2023-stig/template.yaml': 'edited in the console\n' } });

    // Act
    const refused = await publishWith(aws, TO_BRANCH);
    const forced = await publishWith(aws, [...TO_BRANCH, '--force']);

    // Assess
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `bakery: Refusing to publish to codecommit://${REPOSITORY}/main: 1 file(s) were changed there outside \`bakery publish\`:`,
        '  - recipes/al2023-stig/template.yaml (changed since the last publish)',
        'Move those changes into the monorepo (the source of truth) and publish again, or pass --force to overwrite them (the target keeps them in its history).',
        "hint: 'bakery publish --dry-run' shows the whole plan without writing",
        '',
      ].join('\n'),
    });
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(
      [
        `Publish to codecommit://${REPOSITORY}/main`,
        `  base: ${edited}`,
        `  source commit: ${HEAD}`,
        'Drift (overwritten because of --force):',
        '  ! recipes/al2023-stig/template.yaml: changed outside publish',
        'Files:',
        '  ~ recipes/al2023-stig/template.yaml (434 B)',
        'Recipes:',
        '  al2023-stig 1.2.0 (changed)',
        '0 to add, 1 to change, 0 to delete, 4 unchanged; 1 commit.',
        `Committed ${branch.head}`,
        '',
      ].join('\n'),
    );
    expect(aws.codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 2);
    expect(aws.codeCommit).toHaveReceivedNthCommandWith(CreateCommitCommand, 2, { parentCommitId: edited });
    expect(branch.text('recipes/al2023-stig/template.yaml')).toBe(
      readFileSync(path.join(BUNDLE, 'recipes/al2023-stig/template.yaml'), 'utf8'),
    );
  });

  it('shows drift in a dry run and exits 1, since the publish would be refused', async () => {
    // Prepare
    await publishWith(aws, TO_BRANCH);
    branch.commitAs({ delete: ['recipes/ubuntu-2204-cis/manifest.json'] });

    // Act
    const result = await publishWith(aws, [...TO_BRANCH, '--dry-run']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Drift (publish refuses; fix it in the monorepo or pass --force):\n  ! recipes/ubuntu-2204-cis/manifest.json: deleted outside publish\n',
    );
    expect(
      result.stdout.endsWith('Refused: 1 file drifted.\nDry run: nothing was written to codecommit://ami-bakery-recipes/main.\n'),
    ).toBe(true);
    expect(aws.codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
  });

  it('names the denied action and the exact permissions publishing needs', async () => {
    // Prepare
    aws.codeCommit.on(GetBranchCommand).rejects(accessDenied());

    // Act
    const result = await publishWith(aws, TO_BRANCH);

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `bakery: Access denied: the default AWS credentials (no role given to assume) may not call codecommit:GetBranch on repository ${REPOSITORY} in ${REGION}. ` +
          `Grant codecommit:GetBranch on that resource to the default AWS credentials (no role given to assume).`,
        `hint: publishing needs exactly: codecommit:CreateCommit, codecommit:GetBranch, codecommit:GetFile, codecommit:GetFolder on repository ${REPOSITORY}`,
        '',
      ].join('\n'),
    });
  });

  it('adds sts:AssumeRole to the permissions hint when a role is assumed', async () => {
    // Prepare
    aws.codeCommit.on(GetBranchCommand).rejects(accessDenied());

    // Act
    const result = await publishWith(aws, [...TO_BRANCH, '--role-arn', ROLE_ARN]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[1]).toBe(
      `hint: publishing needs exactly: codecommit:CreateCommit, codecommit:GetBranch, codecommit:GetFile, codecommit:GetFolder on repository ${REPOSITORY}; ` +
        `and, for the caller, sts:AssumeRole on ${ROLE_ARN}`,
    );
  });

  it('uploads the bundle as one zip to an S3 source object', async () => {
    // Prepare
    const object = new FakeObject('bakery-artifacts-111122223333', 'source/bundle.zip');
    object.install(aws.s3);

    // Act
    const result = await publishWith(aws, [
      '--bundle',
      'bundle',
      '--s3',
      's3://bakery-artifacts-111122223333/source/bundle.zip',
      '--region',
      REGION,
    ]);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(
      result.stdout.startsWith('Publish to s3://bakery-artifacts-111122223333/source/bundle.zip\n  base: none (first publish)\n'),
    ).toBe(true);
    expect(
      result.stdout.endsWith(
        '5 to add, 0 to change, 0 to delete, 0 unchanged; 1 upload.\nUploaded s3://bakery-artifacts-111122223333/source/bundle.zip (version v2)\n',
      ),
    ).toBe(true);
    expect(aws.s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(aws.s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'bakery-artifacts-111122223333',
      Key: 'source/bundle.zip',
      IfNoneMatch: '*',
      ContentType: 'application/zip',
    });
    expect([...object.entries().keys()]).toEqual(['.bakery/published.json', ...BUNDLE_FILES]);
    expect(object.metadata['bakery-source-commit']).toBe(HEAD);
    expect(aws.codeCommit).not.toHaveReceivedCommand(GetBranchCommand);
  });

  it.each([
    { name: 'the checkout HEAD inside a git repository', git: true },
    { name: "the manifest's sourceCommit outside one", git: false },
  ])('records $name as the source commit by default', async ({ git }) => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'bakery-publish-'));
    temps.push(dir);
    let expected = '0000000000000000000000000000000000000000';
    if (git) {
      const run = (...args: string[]) =>
        execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } }).trim();
      run('init', '-q', '-b', 'main');
      run('commit', '-q', '--allow-empty', '-m', 'recipes');
      expected = run('rev-parse', 'HEAD');
    }

    // Act
    const result = await publishWith(
      aws,
      ['--bundle', BUNDLE, '--repository', REPOSITORY, '--region', REGION],
      {},
      { cwd: dir, gitHead: true },
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(branch.text('.bakery/published.json') as string).sourceCommit).toBe(expected);
  });

  it('tells how to produce a missing bundle', async () => {
    // Act
    const result = await publishWith(aws, ['--bundle', 'no-such-bundle', '--repository', REPOSITORY, '--region', REGION]);

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `bakery: No bundle at ${path.join(GITOPS, 'no-such-bundle')}: manifest.json is missing. Run \`bakery bundle\` (or \`bakery build\`) first.\n`,
    });
    expect(aws.codeCommit).not.toHaveReceivedCommand(GetBranchCommand);
  });
});
