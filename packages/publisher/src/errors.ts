/**
 * Errors thrown by the publisher. Every class sets a stable `name`, and every message says what to
 * do next, because `bakery publish` prints the message as is.
 */
class PublishError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** An option given to publish is out of range. */
class InvalidOptionsError extends PublishError {
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`Invalid publish option ${option}: it ${problem}.`);
    this.name = 'InvalidOptionsError';
    this.option = option;
  }
}

/** The bundle folder or its top-level `manifest.json` is missing. */
class BundleNotFoundError extends PublishError {
  readonly bundleDir: string;
  constructor(bundleDir: string, options?: ErrorOptions) {
    super(`No bundle at ${bundleDir}: manifest.json is missing. Run \`bakery bundle\` (or \`bakery build\`) first.`, options);
    this.name = 'BundleNotFoundError';
    this.bundleDir = bundleDir;
  }
}

/** `manifest.json` is not valid JSON or does not have the shape of docs/contracts.md. */
class InvalidManifestError extends PublishError {
  readonly manifestPath: string;
  constructor(manifestPath: string, problem: string, options?: ErrorOptions) {
    super(`${manifestPath} is not a valid bundle manifest: ${problem}. Rebuild the bundle with \`bakery bundle\`.`, options);
    this.name = 'InvalidManifestError';
    this.manifestPath = manifestPath;
  }
}

/** The bundle folder holds files the manifest does not account for, or lacks files it names. */
class InvalidBundleError extends PublishError {
  readonly problems: readonly string[];
  constructor(bundleDir: string, problems: readonly string[]) {
    super(
      `The bundle at ${bundleDir} does not match its manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Delete the bundle folder and run `bakery bundle` again.',
    );
    this.name = 'InvalidBundleError';
    this.problems = problems;
  }
}

/** The publish record stored in the target cannot be read. */
class InvalidRecordError extends PublishError {
  readonly location: string;
  constructor(location: string, problem: string, options?: ErrorOptions) {
    super(
      `The publish record ${location} is unreadable (${problem}). Restore it from the target's history ` +
        '(a previous commit or object version); publishing without it would treat every file as written by someone else.',
      options,
    );
    this.name = 'InvalidRecordError';
    this.location = location;
  }
}

/** The kinds of drift: what publishing would undo. */
type DriftKind = 'modified' | 'deleted' | 'untracked';

interface DriftEntry {
  readonly path: string;
  readonly kind: DriftKind;
}

const DRIFT_WORDS: Record<DriftKind, string> = {
  modified: 'changed since the last publish',
  deleted: 'deleted since the last publish',
  untracked: 'not written by publish and would be overwritten',
};

/** Files in the target were changed by someone else; publishing would overwrite their change. */
class DriftDetectedError extends PublishError {
  readonly target: string;
  readonly drift: readonly DriftEntry[];
  constructor(target: string, drift: readonly DriftEntry[]) {
    super(
      `Refusing to publish to ${target}: ${drift.length} file(s) were changed there outside \`bakery publish\`:\n` +
        `${drift.map((d) => `  - ${d.path} (${DRIFT_WORDS[d.kind]})`).join('\n')}\n` +
        'Move those changes into the monorepo (the source of truth) and publish again, ' +
        'or pass --force to overwrite them (the target keeps them in its history).',
    );
    this.name = 'DriftDetectedError';
    this.target = target;
    this.drift = drift;
  }
}

/** One file is larger than a single CodeCommit API call accepts; splitting commits cannot help. */
class FileTooLargeError extends PublishError {
  readonly path: string;
  readonly size: number;
  readonly limit: number;
  constructor(path: string, size: number, limit: number) {
    super(
      `${path} is ${size} bytes, over the ${limit}-byte limit for one file in a CodeCommit commit made through the API. ` +
        'Make the file smaller (for example move large component data to S3), or publish to the S3 source instead.',
    );
    this.name = 'FileTooLargeError';
    this.path = path;
    this.size = size;
    this.limit = limit;
  }
}

/** CodeCommit rejected a commit for its size or number of files although it was split within the limits. */
class CommitLimitExceededError extends PublishError {
  constructor(repositoryName: string, detail: string, options?: ErrorOptions) {
    super(
      `CodeCommit rejected the commit to ${repositoryName} as too large (${detail}). ` +
        'Lower the per-commit limits (`limits.maxFilesPerCommit`, `limits.maxCommitBytes`) and publish again; ' +
        'commits already made are recorded, so the next run continues where this one stopped.',
      options,
    );
    this.name = 'CommitLimitExceededError';
  }
}

/** Someone else kept writing to the target; every retry found a newer head. */
class ConcurrentUpdateError extends PublishError {
  readonly attempts: number;
  constructor(target: string, attempts: number, options?: ErrorOptions) {
    super(
      `${target} changed during each of ${attempts} attempts to publish. Nothing was overwritten. ` +
        'Wait for the other publisher to finish and run `bakery publish` again, or raise maxRetries.',
      options,
    );
    this.name = 'ConcurrentUpdateError';
    this.attempts = attempts;
  }
}

/** The branch is missing, and CodeCommit refuses to start it without a parent in a non-empty repository. */
class BranchMissingError extends PublishError {
  constructor(repositoryName: string, branch: string, options?: ErrorOptions) {
    super(
      `Branch ${branch} does not exist in ${repositoryName}, and the repository already has other branches, ` +
        `so CodeCommit cannot start it from an empty commit. Create ${branch} (for example ` +
        `\`aws codecommit create-branch --repository-name ${repositoryName} --branch-name ${branch} --commit-id <commit>\`) and publish again.`,
      options,
    );
    this.name = 'BranchMissingError';
  }
}

/** The current S3 source object is not a zip this package can read. */
class InvalidArchiveError extends PublishError {
  readonly location: string;
  constructor(location: string, problem: string, options?: ErrorOptions) {
    super(
      `${location} is not a readable bundle zip (${problem}), so changes made there cannot be checked. ` +
        'Restore a previous version of the object, or pass --force to replace it.',
      options,
    );
    this.name = 'InvalidArchiveError';
    this.location = location;
  }
}

/** A zip archive cannot be written or read; the S3 publisher turns this into InvalidArchiveError. */
class ZipFormatError extends PublishError {
  constructor(problem: string) {
    super(`Zip format: ${problem}`);
    this.name = 'ZipFormatError';
  }
}

/** An AWS call was denied. The message names the IAM action, the resource and the identity used. */
class AccessDeniedError extends PublishError {
  readonly action: string;
  readonly resource: string;
  readonly identity: string;
  constructor(action: string, resource: string, identity: string, hint: string | undefined, options?: ErrorOptions) {
    super(
      `Access denied: ${identity} may not call ${action} on ${resource}. ` +
        `Grant ${action} on that resource to ${identity}${hint ? `; ${hint}` : ''}.`,
      options,
    );
    this.name = 'AccessDeniedError';
    this.action = action;
    this.resource = resource;
    this.identity = identity;
  }
}

/** Any other AWS failure, named by IAM action and resource. */
class AwsRequestError extends PublishError {
  readonly action: string;
  readonly resource: string;
  constructor(action: string, resource: string, detail: string, hint: string | undefined, options?: ErrorOptions) {
    super(`${action} on ${resource} failed: ${detail}${hint ? `. ${hint}` : ''}`, options);
    this.name = 'AwsRequestError';
    this.action = action;
    this.resource = resource;
  }
}

export {
  AccessDeniedError,
  AwsRequestError,
  BranchMissingError,
  BundleNotFoundError,
  CommitLimitExceededError,
  ConcurrentUpdateError,
  DriftDetectedError,
  FileTooLargeError,
  InvalidArchiveError,
  InvalidBundleError,
  InvalidManifestError,
  InvalidOptionsError,
  InvalidRecordError,
  PublishError,
  ZipFormatError,
};
export type { DriftEntry, DriftKind };
