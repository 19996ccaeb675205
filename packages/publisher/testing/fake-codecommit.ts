import { createHash } from 'node:crypto';
import {
  BranchDoesNotExistException,
  type CodeCommitClient,
  CreateCommitCommand,
  FileDoesNotExistException,
  FolderDoesNotExistException,
  GetBranchCommand,
  GetFileCommand,
  GetFolderCommand,
  ParentCommitIdOutdatedException,
  ParentCommitIdRequiredException,
} from '@aws-sdk/client-codecommit';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { gitBlobId } from '../src/hash.js';

const REPOSITORY = 'ami-bakery-recipes';
const BRANCH = 'main';

type Tree = Map<string, Uint8Array>;

const encoder = new TextEncoder();
const bytes = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? encoder.encode(value) : value);

/**
 * An in-memory CodeCommit repository with one branch, served through aws-sdk-client-mock. It
 * enforces what the service enforces for publish: the parent must be the branch head. Exported as
 * `@ami-bakery/publisher/testing` for the CLI's publish tests; outside tests/ so their cached
 * results follow changes here.
 */
class FakeRepository {
  readonly #commits = new Map<string, Tree>();
  head: string | null = null;
  /** Other branches exist: starting this branch without a parent is refused. */
  otherBranches = false;
  #hook: ((call: number) => void) | undefined;
  #createCalls = 0;
  #counter = 0;

  /**
   * Runs before each CreateCommit is applied, with the call number counted from when the hook was
   * set (1-based), e.g. to commit as someone else in between.
   */
  set beforeCreateCommit(hook: ((call: number) => void) | undefined) {
    this.#hook = hook;
    this.#createCalls = 0;
  }

  /** A commit made by someone else (the console, a git push) on top of the head. */
  commitAs(change: { put?: Record<string, string | Uint8Array>; delete?: readonly string[] }): string {
    const tree: Tree = new Map(this.head ? this.#commits.get(this.head) : []);
    for (const [filePath, content] of Object.entries(change.put ?? {})) tree.set(filePath, bytes(content));
    for (const filePath of change.delete ?? []) tree.delete(filePath);
    return this.#store(tree);
  }

  files(commitId: string | null = this.head): Tree {
    return new Map(commitId ? this.#commits.get(commitId) : []);
  }

  text(filePath: string): string | undefined {
    const content = this.files().get(filePath);
    return content ? new TextDecoder().decode(content) : undefined;
  }

  #store(tree: Tree): string {
    this.#counter += 1;
    const id = createHash('sha1').update(`commit ${this.#counter}`).digest('hex');
    this.#commits.set(id, tree);
    this.head = id;
    return id;
  }

  #tree(commitSpecifier: string | undefined): Tree {
    const tree = commitSpecifier ? this.#commits.get(commitSpecifier) : undefined;
    if (!tree) throw new Error(`fake: unknown commit ${commitSpecifier}`);
    return tree;
  }

  install(mock: AwsClientStub<CodeCommitClient>): void {
    mock.on(GetBranchCommand).callsFake((input) => {
      if (input.repositoryName !== REPOSITORY || input.branchName !== BRANCH || this.head === null) {
        throw new BranchDoesNotExistException({ message: `Branch ${input.branchName} does not exist`, $metadata: {} });
      }
      return { branch: { branchName: BRANCH, commitId: this.head } };
    });
    mock.on(GetFolderCommand).callsFake((input) => {
      const tree = this.#tree(input.commitSpecifier);
      const folder = (input.folderPath ?? '').replace(/^\/+|\/+$/g, '');
      const prefix = folder === '' ? '' : `${folder}/`;
      const files = [];
      const subFolders = new Set<string>();
      for (const [filePath, content] of tree) {
        if (!filePath.startsWith(prefix)) continue;
        const rest = filePath.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash === -1)
          files.push({ absolutePath: filePath, relativePath: rest, blobId: gitBlobId(content), fileMode: 'NORMAL' as const });
        else subFolders.add(rest.slice(0, slash));
      }
      if (folder !== '' && files.length === 0 && subFolders.size === 0) {
        throw new FolderDoesNotExistException({ message: `Folder ${folder} does not exist`, $metadata: {} });
      }
      return {
        commitId: input.commitSpecifier,
        folderPath: input.folderPath,
        files,
        subFolders: [...subFolders].map((name) => ({ absolutePath: `${prefix}${name}`, relativePath: name, treeId: 'tree' })),
      };
    });
    mock.on(GetFileCommand).callsFake((input) => {
      const content = this.#tree(input.commitSpecifier).get(input.filePath ?? '');
      if (!content) throw new FileDoesNotExistException({ message: `File ${input.filePath} does not exist`, $metadata: {} });
      return {
        commitId: input.commitSpecifier,
        blobId: gitBlobId(content),
        filePath: input.filePath,
        fileMode: 'NORMAL',
        fileSize: content.byteLength,
        fileContent: content,
      };
    });
    mock.on(CreateCommitCommand).callsFake((input) => {
      this.#createCalls += 1;
      this.#hook?.(this.#createCalls);
      if (input.parentCommitId === undefined && this.head === null && this.otherBranches) {
        throw new ParentCommitIdRequiredException({ message: 'A parent commit ID is required', $metadata: {} });
      }
      if (input.parentCommitId === undefined && this.head !== null) {
        throw new ParentCommitIdRequiredException({ message: 'A parent commit ID is required', $metadata: {} });
      }
      if (input.parentCommitId !== undefined && input.parentCommitId !== this.head) {
        throw new ParentCommitIdOutdatedException({ message: 'The parent commit ID is not the head of the branch', $metadata: {} });
      }
      const tree: Tree = new Map(this.head ? this.#commits.get(this.head) : []);
      for (const entry of input.putFiles ?? []) tree.set(entry.filePath as string, entry.fileContent as Uint8Array);
      for (const entry of input.deleteFiles ?? []) {
        if (!tree.delete(entry.filePath as string)) {
          throw new FileDoesNotExistException({ message: `File ${entry.filePath} does not exist`, $metadata: {} });
        }
      }
      return { commitId: this.#store(tree), treeId: 'tree' };
    });
  }
}

export { BRANCH, FakeRepository, REPOSITORY };
