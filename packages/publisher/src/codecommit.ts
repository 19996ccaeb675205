import {
  type CodeCommitClient,
  CreateCommitCommand,
  type CreateCommitInput,
  GetBranchCommand,
  GetFileCommand,
  GetFolderCommand,
  type GetFolderOutput,
} from '@aws-sdk/client-codecommit';
import { type CallContext, call, errorName } from './aws.js';
import type { Bundle } from './bundle.js';
import {
  AwsRequestError,
  BranchMissingError,
  CommitLimitExceededError,
  ConcurrentUpdateError,
  DriftDetectedError,
  PublishError,
} from './errors.js';
import { ancestorFolders, comparePaths, FORMAT1_FOLDER } from './paths.js';
import { type BundleFile, commitMessage, diffBundle, hasChanges, makePlan, refusePartial, type TargetState } from './plan.js';
import { type PublishRecord, parseRecord, RECORD_PATH, serializeRecord } from './record.js';
import { type Change, splitIntoCommits } from './split.js';
import type { CodeCommitTarget, CommitLimits, PublishPlan, PublishResult } from './types.js';

const AUTHOR_NAME = 'AMI Bakery';

interface CodeCommitPublish {
  readonly client: CodeCommitClient;
  readonly target: CodeCommitTarget;
  readonly region: string;
  readonly bundle: Bundle;
  readonly files: ReadonlyMap<string, BundleFile>;
  readonly sourceCommit: string | null;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly maxRetries: number;
  readonly allowDelete: boolean;
  readonly limits: CommitLimits;
  readonly context: CallContext;
  readonly backoff: (attempt: number) => Promise<void>;
}

/** A concurrent writer moved the branch; the attempt is retried from a fresh read. */
const RACE_ERRORS = ['ParentCommitIdOutdatedException'];
/** Errors meaning a commit was too big although split within the configured limits. */
const SIZE_ERRORS = [
  'MaximumFileEntriesExceededException',
  'FileContentSizeLimitExceededException',
  'FolderContentSizeLimitExceededException',
];

function targetName(target: CodeCommitTarget): string {
  return `codecommit://${target.repositoryName}/${target.branch}`;
}

/**
 * Publishes the bundle as commits on the branch. Every commit names the head it was planned
 * against as its parent, so CodeCommit rejects it if anyone else committed in between; the
 * publish then reads the branch again and re-plans, and never overwrites what it has not read.
 */
async function publishToCodeCommit(job: CodeCommitPublish): Promise<PublishResult> {
  const commitIds: string[] = [];
  let sawMissingBranchRejected = false;
  for (let attempt = 1; ; attempt += 1) {
    const state = await readBranch(job);
    if (state.base === null && sawMissingBranchRejected) {
      throw new BranchMissingError(job.target.repositoryName, job.target.branch);
    }
    const diff = diffBundle(job.files, state);
    const reserve = { bytes: recordSizeBound(job, state), entries: 1 };
    const batches = hasChanges(diff) ? splitIntoCommits(diff, reserve, job.limits) : [];
    const plan = makePlan({
      target: targetName(job.target),
      bundle: job.bundle,
      state,
      diff,
      sourceCommit: job.sourceCommit,
      force: job.force,
      writes: batches.length,
      allowDelete: job.allowDelete,
    });
    const done = (committed: boolean): PublishResult => ({
      plan,
      committed,
      dryRun: job.dryRun,
      attempts: attempt,
      commitIds: [...commitIds],
    });
    if (job.dryRun) return done(false);
    if (plan.drift.length > 0 && !job.force) throw new DriftDetectedError(plan.target, plan.drift);
    refusePartial(plan);
    if (batches.length === 0) return done(commitIds.length > 0);

    const records = recordsAfterEachBatch(job, state, batches, diff.unchanged);
    let parent = state.base;
    try {
      for (const [index, batch] of batches.entries()) {
        parent = await createCommit(job, plan, parent, batch, records[index] as Uint8Array, { index: index + 1, count: batches.length });
        commitIds.push(parent);
      }
      return done(true);
    } catch (error) {
      const name = errorName(error);
      const raced = name !== undefined && RACE_ERRORS.includes(name);
      // With no branch to name as parent, CodeCommit answers this when the branch appeared meanwhile
      // (a race, retried) or when other branches exist (BranchMissingError on the next read).
      const branchAppeared = name === 'ParentCommitIdRequiredException' && parent === null;
      if (!raced && !branchAppeared) {
        if (error instanceof PublishError) throw error;
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new AwsRequestError('codecommit:CreateCommit', repositoryResource(job), detail, undefined, { cause: error });
      }
      if (branchAppeared) sawMissingBranchRejected = true;
      if (attempt > job.maxRetries) throw new ConcurrentUpdateError(plan.target, attempt, { cause: error });
      await job.backoff(attempt);
    }
  }
}

function repositoryResource(job: CodeCommitPublish): string {
  return `repository ${job.target.repositoryName} in ${job.region}`;
}

async function readBranch(job: CodeCommitPublish): Promise<TargetState> {
  const { client, target } = job;
  const resource = repositoryResource(job);
  let head: string | null = null;
  try {
    const output = await call(
      job.context,
      { action: 'codecommit:GetBranch', resource, expected: ['BranchDoesNotExistException'], client },
      (options) => client.send(new GetBranchCommand({ repositoryName: target.repositoryName, branchName: target.branch }), options),
    );
    head = output.branch?.commitId ?? null;
  } catch (error) {
    if (errorName(error) !== 'BranchDoesNotExistException') throw error;
  }
  if (head === null) return { base: null, current: new Map(), record: null };

  const tree = new TreeReader(job, head);
  let record: PublishRecord | null = null;
  if ((await tree.blobAt(RECORD_PATH)) !== undefined) {
    const output = await call(job.context, { action: 'codecommit:GetFile', resource, client }, (options) =>
      client.send(new GetFileCommand({ repositoryName: target.repositoryName, commitSpecifier: head, filePath: RECORD_PATH }), options),
    );
    record = parseRecord(`${RECORD_PATH} at commit ${head} of ${targetName(target)}`, output.fileContent ?? new Uint8Array());
  }
  const wanted = new Set([...job.files.keys(), ...Object.keys(record?.files ?? {}), ...(await tree.filesUnder(FORMAT1_FOLDER))]);
  const current = new Map<string, string>();
  for (const filePath of [...wanted].sort(comparePaths)) {
    const blobId = await tree.blobAt(filePath);
    if (blobId !== undefined) current.set(filePath, blobId);
  }
  return { base: head, current, record };
}

interface Listing {
  readonly files: ReadonlyMap<string, string>;
  readonly folders: ReadonlySet<string>;
}

/**
 * Looks up blob ids at one commit with GetFolder, opening only the folders on the way to a path
 * publish cares about, each once. No file content is downloaded.
 */
class TreeReader {
  readonly #job: CodeCommitPublish;
  readonly #commitId: string;
  readonly #listings = new Map<string, Listing>();

  constructor(job: CodeCommitPublish, commitId: string) {
    this.#job = job;
    this.#commitId = commitId;
  }

  async blobAt(filePath: string): Promise<string | undefined> {
    const folders = ancestorFolders(filePath);
    for (let i = 1; i < folders.length; i += 1) {
      const parent = await this.#list(folders[i - 1] as string);
      if (!parent.folders.has(baseName(folders[i] as string))) return undefined;
    }
    const listing = await this.#list(folders[folders.length - 1] as string);
    return listing.files.get(baseName(filePath));
  }

  /** Every file under `folder` (a top-level folder name), or none when the commit has no such folder. */
  async filesUnder(folder: string): Promise<string[]> {
    const root = await this.#list('');
    if (!root.folders.has(folder)) return [];
    const out: string[] = [];
    const walk = async (at: string): Promise<void> => {
      const listing = await this.#list(at);
      for (const name of listing.files.keys()) out.push(`${at}/${name}`);
      for (const sub of listing.folders) await walk(`${at}/${sub}`);
    };
    await walk(folder);
    return out.sort(comparePaths);
  }

  async #list(folder: string): Promise<Listing> {
    const cached = this.#listings.get(folder);
    if (cached) return cached;
    const { client, target } = this.#job;
    const output: GetFolderOutput = await call(
      this.#job.context,
      { action: 'codecommit:GetFolder', resource: repositoryResource(this.#job), client },
      (options) =>
        client.send(
          new GetFolderCommand({ repositoryName: target.repositoryName, commitSpecifier: this.#commitId, folderPath: `/${folder}` }),
          options,
        ),
    );
    const files = new Map<string, string>();
    for (const entry of [...(output.files ?? []), ...(output.symbolicLinks ?? [])]) {
      const name = entryName(entry);
      if (name && entry.blobId) files.set(name, entry.blobId);
    }
    const folders = new Set((output.subFolders ?? []).map(entryName).filter((name): name is string => Boolean(name)));
    const listing = { files, folders };
    this.#listings.set(folder, listing);
    return listing;
  }
}

function baseName(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf('/') + 1);
}

function entryName(entry: { relativePath?: string | undefined; absolutePath?: string | undefined }): string | undefined {
  const raw = entry.relativePath ?? entry.absolutePath;
  return raw === undefined ? undefined : baseName(raw.replace(/\/+$/, ''));
}

/** An upper bound on the record's size, so each commit keeps room for it. */
function recordSizeBound(job: CodeCommitPublish, state: TargetState): number {
  const paths = new Set([...job.files.keys(), ...Object.keys(state.record?.files ?? {})]);
  const placeholder = '0'.repeat(40);
  return serializeRecord({
    formatVersion: 1,
    complete: false,
    sourceCommit: job.sourceCommit,
    recipes: [...job.bundle.manifest.recipes, ...(state.record?.recipes ?? [])],
    files: Object.fromEntries([...paths].map((p) => [p, placeholder])),
  }).byteLength;
}

/**
 * The record each commit carries: what publish has written once that commit lands. An
 * interrupted split publish therefore leaves a record that matches the branch, and the next run
 * continues instead of reporting its own files as drift.
 */
function recordsAfterEachBatch(
  job: CodeCommitPublish,
  state: TargetState,
  batches: readonly Change[][],
  unchanged: readonly string[],
): Uint8Array[] {
  const files: Record<string, string> = {};
  for (const [filePath, blobId] of Object.entries(state.record?.files ?? {})) {
    if (state.current.has(filePath)) files[filePath] = blobId;
  }
  for (const filePath of unchanged) files[filePath] = (job.files.get(filePath) as BundleFile).blobId;
  return batches.map((batch, index) => {
    for (const change of batch) {
      if (change.kind === 'put') files[change.file.path] = change.file.blobId;
      else delete files[change.path];
    }
    const complete = index === batches.length - 1;
    return serializeRecord({
      formatVersion: 1,
      complete,
      sourceCommit: job.sourceCommit,
      recipes: complete ? job.bundle.manifest.recipes : (state.record?.recipes ?? []),
      files: { ...files },
    });
  });
}

async function createCommit(
  job: CodeCommitPublish,
  plan: PublishPlan,
  parent: string | null,
  batch: readonly Change[],
  record: Uint8Array,
  part: { index: number; count: number },
): Promise<string> {
  const putFiles = [
    ...batch.flatMap((c) => (c.kind === 'put' ? [{ filePath: c.file.path, fileContent: c.file.content }] : [])),
    { filePath: RECORD_PATH, fileContent: record },
  ];
  const deleteFiles = batch.flatMap((c) => (c.kind === 'delete' ? [{ filePath: c.path }] : []));
  const input: CreateCommitInput = {
    repositoryName: job.target.repositoryName,
    branchName: job.target.branch,
    ...(parent !== null ? { parentCommitId: parent } : {}),
    authorName: AUTHOR_NAME,
    commitMessage: commitMessage(plan, part),
    putFiles,
    ...(deleteFiles.length > 0 ? { deleteFiles } : {}),
  };
  try {
    const output = await call(
      job.context,
      {
        action: 'codecommit:CreateCommit',
        resource: repositoryResource(job),
        expected: [...RACE_ERRORS, 'ParentCommitIdRequiredException', ...SIZE_ERRORS],
        client: job.client,
      },
      (options) => job.client.send(new CreateCommitCommand(input), options),
    );
    if (!output.commitId)
      throw new AwsRequestError('codecommit:CreateCommit', repositoryResource(job), 'the response carried no commit id', undefined);
    return output.commitId;
  } catch (error) {
    const name = errorName(error);
    if (name !== undefined && SIZE_ERRORS.includes(name)) {
      throw new CommitLimitExceededError(job.target.repositoryName, `${name}, ${putFiles.length + deleteFiles.length} files`, {
        cause: error,
      });
    }
    throw error;
  }
}

export type { CodeCommitPublish };
export { publishToCodeCommit, targetName as codeCommitTargetName };
