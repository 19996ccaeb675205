import type { DriftEntry } from './errors.js';

interface CodeCommitTarget {
  readonly kind: 'codecommit';
  readonly repositoryName: string;
  readonly branch: string;
}

interface S3Target {
  readonly kind: 's3';
  readonly bucket: string;
  readonly key: string;
}

type PublishTarget = CodeCommitTarget | S3Target;

/**
 * What one CodeCommit CreateCommit call may carry. The defaults follow the CodeCommit quotas
 * (6 MB per file, 7 MB of file content per commit); CodeCommit documents no number for files per
 * commit beyond MaximumFileEntriesExceededException, so 100 keeps well clear of it.
 */
interface CommitLimits {
  readonly maxFileBytes: number;
  readonly maxCommitBytes: number;
  readonly maxFilesPerCommit: number;
}

interface PublishOptions {
  /** The bundle folder, normally `dist/bundle`. */
  readonly bundleDir: string;
  readonly target: PublishTarget;
  readonly region: string;
  /** Role to assume (session name `bakery-publish`); without it the default credentials are used. */
  readonly roleArn?: string;
  /** Git commit of the monorepo; defaults to the manifest's `sourceCommit`. */
  readonly sourceCommit?: string;
  /** Read the target and return the plan without writing. */
  readonly dryRun?: boolean;
  /** Overwrite files changed in the target outside publish (drift) instead of refusing. */
  readonly force?: boolean;
  /** Retries after a concurrent write to the target; 3 when not given. */
  readonly maxRetries?: number;
  /** CodeCommit per-commit limits; defaults in DEFAULT_COMMIT_LIMITS. */
  readonly limits?: Partial<CommitLimits>;
  /**
   * Publish a partial bundle (`partial: true`: it lacks recipes of the workspace), so the
   * deployer deletes the stacks of the recipes it lacks. Refused without it.
   */
  readonly allowDelete?: boolean;
  /** The whole publish (reads, commits or upload, retries) ends within this; default DEFAULT_DEADLINE_MS. */
  readonly deadlineMs?: number;
}

interface PlannedFile {
  readonly path: string;
  readonly size: number;
  readonly blobId: string;
}

interface RecipeChange {
  readonly name: string;
  /** The version being published; null for a removed recipe. */
  readonly version: string | null;
  readonly kind: 'added' | 'changed' | 'removed';
}

/** What a publish does (or, for a dry run, would do). Paths are sorted. */
interface PublishPlan {
  /** `codecommit://<repository>/<branch>` or `s3://<bucket>/<key>`. */
  readonly target: string;
  /** The commit (CodeCommit) or ETag (S3) the plan was made against; null when the target is empty. */
  readonly base: string | null;
  readonly sourceCommit: string | null;
  readonly add: readonly PlannedFile[];
  readonly change: readonly PlannedFile[];
  readonly delete: readonly string[];
  /**
   * Of `delete`: files of bundle format 1's `bakery/` folder (the bakery stack template), removed
   * even when the record does not list them: the deployer refuses a source with them (BUNDLE011).
   */
  readonly obsolete: readonly string[];
  readonly unchanged: number;
  /** Files changed in the target outside publish that this plan would overwrite or delete. */
  readonly drift: readonly DriftEntry[];
  readonly force: boolean;
  readonly recipes: readonly RecipeChange[];
  /** Commits (CodeCommit) or uploads (S3) needed; 0 when nothing changed. */
  readonly writes: number;
  /** The bundle lacks recipes of the workspace (manifest.json `partial`). */
  readonly partial: boolean;
  /** A partial bundle may be published (`--allow-delete`). */
  readonly allowDelete: boolean;
}

interface PublishResult {
  /** The plan of the attempt that completed (after a retry, what that attempt wrote). */
  readonly plan: PublishPlan;
  readonly committed: boolean;
  readonly dryRun: boolean;
  /** Reads of the target, 1 plus the retries after concurrent writes. */
  readonly attempts: number;
  /** CodeCommit commits made, oldest first. */
  readonly commitIds: readonly string[];
  /** S3 version id of the uploaded object, when the bucket is versioned. */
  readonly objectVersionId?: string;
}

export type {
  CodeCommitTarget,
  CommitLimits,
  PlannedFile,
  PublishOptions,
  PublishPlan,
  PublishResult,
  PublishTarget,
  RecipeChange,
  S3Target,
};
