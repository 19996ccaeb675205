import {
  CodeCommitClient,
  CreateCommitCommand,
  type CreateCommitInput,
  GetBranchCommand,
  GetFileCommand,
  GetFolderCommand,
  MaximumFileEntriesExceededException,
} from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AwsTimeoutError,
  BranchMissingError,
  CommitLimitExceededError,
  ConcurrentUpdateError,
  DriftDetectedError,
  FileTooLargeError,
  formatPlan,
  InvalidRecordError,
  PartialBundleError,
  type PublishOptions,
  type PublishResult,
  publish,
  RECORD_PATH,
} from '../src/index.js';
import { BRANCH, FakeRepository, REPOSITORY } from '../testing/fake-codecommit.js';
import { AL2023, bundleFiles, bytes, removeBundles, SOURCE, TEMPLATE_BODY, UBUNTU, WINDOWS, writeBundle } from './helpers/bundle.js';
import { blobIds, filesOf, noSleep, putEntries, recordOf } from './helpers/publish.js';

const codeCommit = mockClient(CodeCommitClient);
let repo: FakeRepository;

beforeEach(() => {
  codeCommit.reset();
  repo = new FakeRepository();
  repo.install(codeCommit);
});
afterAll(removeBundles);

const target = { kind: 'codecommit', repositoryName: REPOSITORY, branch: BRANCH } as const;

async function run(files: ReadonlyMap<string, Uint8Array>, options: Partial<PublishOptions> = {}): Promise<PublishResult> {
  const bundleDir = await writeBundle(files);
  return publish({ bundleDir, target, region: 'eu-west-1', ...options }, { sleep: noSleep });
}

/** Publishes `files` as the previous publish, then forgets the calls it made. */
async function seed(files: ReadonlyMap<string, Uint8Array>): Promise<string> {
  await run(files);
  codeCommit.resetHistory();
  return repo.head as string;
}

const commits = (): CreateCommitInput[] => codeCommit.commandCalls(CreateCommitCommand).map((call) => call.args[0].input);

const TWO_RECIPES = bundleFiles([
  { name: AL2023, version: '1.0.0' },
  { name: UBUNTU, version: '1.0.0' },
]);

describe('Function: publish (CodeCommit)', () => {
  it('starts the branch with one parentless commit holding the bundle and the record on the first publish', async () => {
    // Act
    const result = await run(TWO_RECIPES);

    // Assess
    expect(codeCommit).toHaveReceivedCommandExactlyOnceWith(GetBranchCommand, { repositoryName: REPOSITORY, branchName: BRANCH });
    expect(codeCommit).toHaveReceivedCommandTimes(GetFolderCommand, 0);
    expect(codeCommit).toHaveReceivedCommandExactlyOnceWith(CreateCommitCommand, {
      repositoryName: REPOSITORY,
      branchName: BRANCH,
      authorName: 'AMI Bakery',
      commitMessage:
        `bakery publish: ${AL2023} 1.0.0, ${UBUNTU} 1.0.0 (source 1a2b3c4)\n\n` +
        `Source commit: ${SOURCE}\nRecipes:\n  ${AL2023} 1.0.0 (added)\n  ${UBUNTU} 1.0.0 (added)\n`,
      putFiles: putEntries(TWO_RECIPES, [
        `recipes/${AL2023}/manifest.json`,
        `recipes/${AL2023}/template.yaml`,
        `recipes/${UBUNTU}/manifest.json`,
        `recipes/${UBUNTU}/template.yaml`,
        'manifest.json',
      ]),
    });
    const [input] = commits();
    expect(input).not.toHaveProperty('parentCommitId');
    expect(input).not.toHaveProperty('deleteFiles');
    expect(recordOf(input as CreateCommitInput)).toEqual({
      complete: true,
      files: blobIds(TWO_RECIPES),
      formatVersion: 1,
      recipes: [
        { name: AL2023, version: '1.0.0' },
        { name: UBUNTU, version: '1.0.0' },
      ],
      sourceCommit: SOURCE,
    });
    expect(result).toMatchObject({ committed: true, dryRun: false, attempts: 1, commitIds: [repo.head] });
    expect(result.plan.base).toBeNull();
    expect(result.plan.add.map((f) => f.path)).toEqual([...TWO_RECIPES.keys()].sort());
  });

  it('sends no commit when the bundle is unchanged, even from a newer source commit, and downloads only the record', async () => {
    // Prepare
    const head = await seed(TWO_RECIPES);
    const sameBundle = new Map(TWO_RECIPES);

    // Act
    const result = await run(sameBundle, { sourceCommit: 'ffffffffffffffffffffffffffffffffffffffff' });

    // Assess
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 0);
    expect(codeCommit).toHaveReceivedCommandExactlyOnceWith(GetFileCommand, {
      repositoryName: REPOSITORY,
      commitSpecifier: head,
      filePath: RECORD_PATH,
    });
    expect(codeCommit.commandCalls(GetFolderCommand).map((call) => call.args[0].input)).toEqual(
      ['/', '/.bakery', '/recipes', `/recipes/${AL2023}`, `/recipes/${UBUNTU}`].map((folderPath) => ({
        repositoryName: REPOSITORY,
        commitSpecifier: head,
        folderPath,
      })),
    );
    expect(result).toMatchObject({
      committed: false,
      commitIds: [],
      plan: { base: head, add: [], change: [], delete: [], unchanged: 5, writes: 0 },
    });
  });

  it.each([
    {
      case: 'a changed recipe',
      next: bundleFiles([
        { name: AL2023, version: '1.1.0', template: '# hardened further\n' },
        { name: UBUNTU, version: '1.0.0' },
      ]),
      put: [`recipes/${AL2023}/manifest.json`, `recipes/${AL2023}/template.yaml`, 'manifest.json'],
      delete: [],
      subject: `bakery publish: ${AL2023} 1.1.0 (source 1a2b3c4)`,
    },
    {
      case: 'a removed recipe',
      next: bundleFiles([{ name: AL2023, version: '1.0.0' }]),
      put: ['manifest.json'],
      delete: [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`],
      subject: `bakery publish: remove ${UBUNTU} (source 1a2b3c4)`,
    },
    {
      case: 'an added recipe',
      next: bundleFiles([
        { name: AL2023, version: '1.0.0' },
        { name: UBUNTU, version: '1.0.0' },
        { name: WINDOWS, version: '0.1.0' },
      ]),
      put: [`recipes/${WINDOWS}/manifest.json`, `recipes/${WINDOWS}/template.yaml`, 'manifest.json'],
      delete: [],
      subject: `bakery publish: ${WINDOWS} 0.1.0 (source 1a2b3c4)`,
    },
  ])('commits only the files of $case, on the head it read, leaving files publish never wrote alone', async (scenario) => {
    // Prepare
    await seed(TWO_RECIPES);
    const head = repo.commitAs({ put: { 'README.md': '# bakery account\n', [`recipes/${UBUNTU}/NOTES.md`]: 'notes\n' } });

    // Act
    const result = await run(scenario.next);

    // Assess
    expect(codeCommit).toHaveReceivedCommandExactlyOnceWith(CreateCommitCommand, {
      parentCommitId: head,
      putFiles: putEntries(scenario.next, scenario.put),
      ...(scenario.delete.length > 0 ? { deleteFiles: scenario.delete.map((filePath) => ({ filePath })) } : {}),
    });
    const [input] = commits() as [CreateCommitInput];
    expect(filesOf(input)).toEqual({ put: [...scenario.put, RECORD_PATH], delete: scenario.delete });
    expect(input.commitMessage?.split('\n')[0]).toBe(scenario.subject);
    expect(recordOf(input).files).toEqual(blobIds(scenario.next));
    expect(repo.text('README.md')).toBe('# bakery account\n');
    expect(repo.text(`recipes/${UBUNTU}/NOTES.md`)).toBe('notes\n');
    expect(result.commitIds).toEqual([repo.head]);
  });

  it('re-reads and retries on the new head when another commit lands first (ParentCommitIdOutdatedException)', async () => {
    // Prepare
    const before = await seed(TWO_RECIPES);
    const next = bundleFiles([
      { name: AL2023, version: '1.1.0', template: '# hardened further\n' },
      { name: UBUNTU, version: '1.0.0' },
    ]);
    let theirs = '';
    repo.beforeCreateCommit = (call) => {
      if (call === 1) theirs = repo.commitAs({ put: { 'README.md': 'someone else\n' } });
    };

    // Act
    const result = await run(next);

    // Assess
    const put = putEntries(next, [`recipes/${AL2023}/manifest.json`, `recipes/${AL2023}/template.yaml`, 'manifest.json']);
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 2);
    expect(codeCommit).toHaveReceivedNthCommandWith(CreateCommitCommand, 1, { parentCommitId: before, putFiles: put });
    expect(codeCommit).toHaveReceivedNthCommandWith(CreateCommitCommand, 2, { parentCommitId: theirs, putFiles: put });
    expect(codeCommit).toHaveReceivedCommandTimes(GetBranchCommand, 2);
    expect(result).toMatchObject({ committed: true, attempts: 2, commitIds: [repo.head], plan: { base: theirs } });
    expect(repo.text('README.md')).toBe('someone else\n');
    expect(repo.text(`recipes/${AL2023}/template.yaml`)).toBe(`# hardened further\n${TEMPLATE_BODY}`);
  });

  it('refuses on the retry when the concurrent commit changed a file publish wrote', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    const next = bundleFiles([
      { name: AL2023, version: '1.1.0', template: '# hardened further\n' },
      { name: UBUNTU, version: '1.0.0' },
    ]);
    repo.beforeCreateCommit = (call) => {
      if (call === 1) repo.commitAs({ put: { [`recipes/${AL2023}/template.yaml`]: '# hot fix in the console\n' } });
    };

    // Act
    const error = await run(next).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DriftDetectedError);
    expect((error as DriftDetectedError).drift).toEqual([{ path: `recipes/${AL2023}/template.yaml`, kind: 'modified' }]);
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
    expect(repo.text(`recipes/${AL2023}/template.yaml`)).toBe('# hot fix in the console\n');
  });

  it('gives up with ConcurrentUpdateError after maxRetries, overwriting nothing', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    const next = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    repo.beforeCreateCommit = (call) => {
      repo.commitAs({ put: { [`other/${call}.txt`]: 'busy\n' } });
    };

    // Act
    const error = await run(next, { maxRetries: 2 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConcurrentUpdateError);
    expect((error as Error).message).toBe(
      `codecommit://${REPOSITORY}/${BRANCH} changed during each of 3 attempts to publish. Nothing was overwritten. ` +
        'Wait for the other publisher to finish and run `bakery publish` again, or raise maxRetries.',
    );
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 3);
    expect(repo.files().has(`recipes/${UBUNTU}/template.yaml`)).toBe(true);
  });

  interface DriftScenario {
    case: string;
    tamper: { put?: Record<string, string>; delete?: string[] };
    next: ReadonlyMap<string, Uint8Array>;
    drift: { path: string; kind: string }[];
    put: string[];
    delete: string[];
  }
  it.each<DriftScenario>([
    {
      case: 'a published file edited by hand',
      tamper: { put: { [`recipes/${AL2023}/template.yaml`]: '# edited in the console\n' } },
      next: TWO_RECIPES,
      drift: [{ path: `recipes/${AL2023}/template.yaml`, kind: 'modified' }],
      put: [`recipes/${AL2023}/template.yaml`],
      delete: [],
    },
    {
      case: 'a published file deleted by hand',
      tamper: { delete: [`recipes/${AL2023}/template.yaml`] },
      next: TWO_RECIPES,
      drift: [{ path: `recipes/${AL2023}/template.yaml`, kind: 'deleted' }],
      put: [`recipes/${AL2023}/template.yaml`],
      delete: [],
    },
    {
      case: 'a file publish never wrote, at a path the bundle now needs',
      tamper: { put: { [`recipes/${WINDOWS}/template.yaml`]: '# someone else\n' } },
      next: bundleFiles([
        { name: AL2023, version: '1.0.0' },
        { name: UBUNTU, version: '1.0.0' },
        { name: WINDOWS, version: '0.1.0' },
      ]),
      drift: [{ path: `recipes/${WINDOWS}/template.yaml`, kind: 'untracked' }],
      put: [`recipes/${WINDOWS}/manifest.json`, `recipes/${WINDOWS}/template.yaml`, 'manifest.json'],
      delete: [],
    },
    {
      case: 'a published file edited by hand that the bundle drops',
      tamper: { put: { [`recipes/${UBUNTU}/template.yaml`]: '# edited in the console\n' } },
      next: bundleFiles([{ name: AL2023, version: '1.0.0' }]),
      drift: [{ path: `recipes/${UBUNTU}/template.yaml`, kind: 'modified' }],
      put: ['manifest.json'],
      delete: [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`],
    },
  ])('refuses drift from $case, listing the file, and overwrites it with force', async (scenario) => {
    // Prepare
    await seed(TWO_RECIPES);
    const tampered = repo.commitAs(scenario.tamper);

    // Act
    const refused = await run(scenario.next).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(DriftDetectedError);
    expect((refused as DriftDetectedError).drift).toEqual(scenario.drift);
    expect((refused as Error).message).toContain(`  - ${scenario.drift[0]?.path} (`);
    expect((refused as Error).message).toContain('pass --force to overwrite them');
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 0);
    expect(repo.head).toBe(tampered);

    // Act
    const forced = await run(scenario.next, { force: true });

    // Assess
    expect(codeCommit).toHaveReceivedCommandExactlyOnceWith(CreateCommitCommand, { parentCommitId: tampered });
    expect(filesOf(commits()[0] as CreateCommitInput)).toEqual({ put: [...scenario.put, RECORD_PATH], delete: scenario.delete });
    expect(forced.plan.drift).toEqual(scenario.drift);
    for (const [filePath, content] of scenario.next) expect(repo.files().get(filePath)).toEqual(content);
  });

  it('accepts a hand edit that already equals the bundle, since publishing loses nothing', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    const next = bundleFiles([
      { name: AL2023, version: '1.0.0', template: '# fixed by hand, then in the monorepo\n' },
      { name: UBUNTU, version: '1.0.0' },
    ]);
    repo.commitAs({ put: { [`recipes/${AL2023}/template.yaml`]: next.get(`recipes/${AL2023}/template.yaml`) as Uint8Array } });

    // Act
    const result = await run(next);

    // Assess: no drift; only the index changes (its templateHash follows the template)
    expect(result.plan.drift).toEqual([]);
    expect(commits().map((input) => filesOf(input))).toEqual([{ put: ['manifest.json', RECORD_PATH], delete: [] }]);
  });

  it.each([
    {
      case: 'its size (three 400 kB templates, 900 kB per commit)',
      files: bundleFiles([
        { name: AL2023, version: '1.0.0', size: 400_000 },
        { name: UBUNTU, version: '1.0.0', size: 400_000 },
        { name: WINDOWS, version: '1.0.0', size: 400_000 },
      ]),
      limits: { maxCommitBytes: 900_000 },
      commits: [
        [
          `recipes/${AL2023}/manifest.json`,
          `recipes/${AL2023}/template.yaml`,
          `recipes/${UBUNTU}/manifest.json`,
          `recipes/${UBUNTU}/template.yaml`,
          `recipes/${WINDOWS}/manifest.json`,
        ],
        [`recipes/${WINDOWS}/template.yaml`, 'manifest.json'],
      ],
    },
    {
      case: 'its number of files (maxFilesPerCommit 3, the record included)',
      files: TWO_RECIPES,
      limits: { maxFilesPerCommit: 3 },
      commits: [
        [`recipes/${AL2023}/manifest.json`, `recipes/${AL2023}/template.yaml`],
        [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`],
        ['manifest.json'],
      ],
    },
  ])('splits a bundle too big for one commit by $case into sequential commits, manifest.json last', async (scenario) => {
    // Act
    const result = await run(scenario.files, { limits: scenario.limits });

    // Assess
    const inputs = commits();
    expect(inputs.map((input) => filesOf(input).put)).toEqual(scenario.commits.map((paths) => [...paths, RECORD_PATH]));
    expect(inputs.map((input) => input.parentCommitId)).toEqual([undefined, ...result.commitIds.slice(0, -1)]);
    expect(result.commitIds).toHaveLength(scenario.commits.length);
    expect(result.commitIds.at(-1)).toBe(repo.head);
    const count = scenario.commits.length;
    expect(inputs.map((input) => input.commitMessage?.split('\n')[0]?.match(/\[part \d+\/\d+\]$/)?.[0])).toEqual(
      scenario.commits.map((_, i) => `[part ${i + 1}/${count}]`),
    );
    // Each commit's record lists exactly what is published once it lands.
    const written: string[] = [];
    inputs.forEach((input, i) => {
      written.push(...(scenario.commits[i] as string[]));
      expect(recordOf(input)).toMatchObject({ complete: i === count - 1, files: blobIds(scenario.files, written) });
    });
  });

  it('continues an interrupted split publish without reporting its own commits as drift', async () => {
    // Prepare
    repo.beforeCreateCommit = (call) => {
      if (call === 2) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    };
    const interrupted = await run(TWO_RECIPES, { limits: { maxFilesPerCommit: 3 } }).catch((e: unknown) => e);
    expect(interrupted).toBeInstanceOf(AwsTimeoutError);
    repo.beforeCreateCommit = undefined;
    codeCommit.resetHistory();

    // Act
    const result = await run(TWO_RECIPES, { limits: { maxFilesPerCommit: 3 } });

    // Assess
    expect(result.plan.drift).toEqual([]);
    expect(commits().map((input) => filesOf(input).put)).toEqual([
      [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`, RECORD_PATH],
      ['manifest.json', RECORD_PATH],
    ]);
  });

  it('refuses a single file over the CodeCommit file limit before writing anything', async () => {
    // Prepare: templates stay within CloudFormation's 1 MB, so the limit is lowered to reach it.
    const files = bundleFiles([{ name: AL2023, version: '1.0.0', size: 500_001 }]);

    // Act
    const error = await run(files, { limits: { maxFileBytes: 500_000 } }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as Error).message).toBe(
      `recipes/${AL2023}/template.yaml is 500001 bytes, over the 500000-byte limit for one file in a CodeCommit commit made through the API. ` +
        'Make the file smaller (for example move large component data to S3), or publish to the S3 source instead.',
    );
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 0);
  });

  it('tells how to lower the limits when CodeCommit still finds a commit too large', async () => {
    // Prepare
    codeCommit.on(CreateCommitCommand).rejects(new MaximumFileEntriesExceededException({ message: 'too many files', $metadata: {} }));

    // Act
    const error = await run(TWO_RECIPES).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CommitLimitExceededError);
    expect((error as Error).message).toBe(
      `CodeCommit rejected the commit to ${REPOSITORY} as too large (MaximumFileEntriesExceededException, 6 files). ` +
        'Lower the per-commit limits (`limits.maxFilesPerCommit`, `limits.maxCommitBytes`) and publish again; ' +
        'commits already made are recorded, so the next run continues where this one stopped.',
    );
  });

  it('returns the plan of a dry run without writing, drift included', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    repo.commitAs({ put: { [`recipes/${UBUNTU}/template.yaml`]: '# edited\n' } });
    const next = bundleFiles([{ name: AL2023, version: '1.1.0', template: '# new\n' }]);

    // Act
    const result = await run(next, { dryRun: true });

    // Assess
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 0);
    expect(result).toMatchObject({ committed: false, dryRun: true, commitIds: [] });
    expect(result.plan).toMatchObject({
      add: [],
      change: [
        { path: 'manifest.json' },
        { path: `recipes/${AL2023}/manifest.json` },
        { path: `recipes/${AL2023}/template.yaml`, size: '# new\n'.length + TEMPLATE_BODY.length },
      ],
      delete: [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`],
      drift: [{ path: `recipes/${UBUNTU}/template.yaml`, kind: 'modified' }],
      recipes: [
        { name: AL2023, version: '1.1.0', kind: 'changed' },
        { name: UBUNTU, version: null, kind: 'removed' },
      ],
      unchanged: 0,
      writes: 1,
    });
  });

  it.each([
    { case: 'listed in the record of a format 1 publish', recorded: true, edited: false },
    { case: 'not in the record (the bootstrap seed of format 1)', recorded: false, edited: false },
    { case: 'changed by hand since', recorded: true, edited: true },
  ])('deletes the bakery/ folder of bundle format 1, $case, and says why', async ({ recorded, edited }) => {
    // Prepare: a target a format 1 publish left, with the bakery stack template in bakery/
    await seed(TWO_RECIPES);
    const v1Template = '{"Resources":{}}\n';
    const record = JSON.parse(repo.text(RECORD_PATH) as string) as { files: Record<string, string> };
    if (recorded) record.files['bakery/bakery-stack.template.json'] = blobIds(new Map([['x', bytes(v1Template)]])).x as string;
    repo.commitAs({
      put: {
        'bakery/bakery-stack.template.json': edited ? '{"Resources":{"Edited":{}}}\n' : v1Template,
        'bakery/parameters/stack.json': '{}\n',
        [RECORD_PATH]: `${JSON.stringify(record, null, 2)}\n`,
      },
    });
    codeCommit.resetHistory();

    // Act
    const result = await run(TWO_RECIPES);

    // Assess
    expect(result.plan).toMatchObject({
      add: [],
      change: [],
      delete: ['bakery/bakery-stack.template.json', 'bakery/parameters/stack.json'],
      obsolete: ['bakery/bakery-stack.template.json', 'bakery/parameters/stack.json'],
      drift: [],
    });
    expect(commits().map((input) => filesOf(input).delete)).toEqual([
      ['bakery/bakery-stack.template.json', 'bakery/parameters/stack.json'],
    ]);
    expect([...repo.files().keys()]).not.toContain('bakery/bakery-stack.template.json');
    expect(Object.keys(recordOf(commits()[0] as CreateCommitInput).files as object)).toEqual([...TWO_RECIPES.keys()].sort());
    expect(formatPlan(result.plan)).toContain(
      'Removed: bakery/bakery-stack.template.json, bakery/parameters/stack.json: bundle format 1 carried the bakery stack there; format 2 has no bakery/ folder',
    );
    expect(formatPlan(result.plan)).toContain('the deployer refuses a source that still holds one (BUNDLE011)');
  });

  it('refuses a partial bundle, naming what the target would lose, and publishes it with allowDelete', async () => {
    // Prepare: a bundle of one recipe built in a fresh clone, the target holding two
    await seed(TWO_RECIPES);
    const partial = bundleFiles([{ name: AL2023, version: '1.0.0' }], { partial: true });

    // Act
    const refused = await run(partial).catch((e: unknown) => e);
    const dryRun = await run(partial, { dryRun: true });
    const allowed = await run(partial, { allowDelete: true });

    // Assess
    expect(refused).toBeInstanceOf(PartialBundleError);
    expect((refused as PartialBundleError).removed).toEqual([UBUNTU]);
    expect((refused as Error).message).toContain(`holds ${UBUNTU}, which it would remove`);
    expect(dryRun.plan).toMatchObject({ partial: true, allowDelete: false, recipes: [{ name: UBUNTU, kind: 'removed' }] });
    expect(formatPlan(dryRun.plan)).toContain('Refused: partial bundle without --allow-delete.');
    expect(commits().map((input) => filesOf(input).delete)).toEqual([
      [`recipes/${UBUNTU}/manifest.json`, `recipes/${UBUNTU}/template.yaml`],
    ]);
    expect(formatPlan(allowed.plan)).toContain('Partial bundle, published because of --allow-delete');
  });

  it('explains how to create the branch when the repository has other branches but not this one', async () => {
    // Prepare
    repo.otherBranches = true;

    // Act
    const error = await run(TWO_RECIPES).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BranchMissingError);
    expect((error as Error).message).toContain(
      `Branch ${BRANCH} does not exist in ${REPOSITORY}, and the repository already has other branches`,
    );
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
  });

  it('refuses an unreadable publish record instead of treating every file as foreign', async () => {
    // Prepare
    await seed(TWO_RECIPES);
    const head = repo.commitAs({ put: { [RECORD_PATH]: bytes('{ not json') } });

    // Act
    const error = await run(TWO_RECIPES).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toBe(
      `The publish record ${RECORD_PATH} at commit ${head} of codecommit://${REPOSITORY}/${BRANCH} is unreadable (it is not UTF-8 JSON). ` +
        "Restore it from the target's history (a previous commit or object version); publishing without it would treat every file as written by someone else.",
    );
  });
});
