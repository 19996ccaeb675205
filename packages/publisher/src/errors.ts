import { type BundleProblem, formatProblems } from '@ami-bakery/bundle';

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

/**
 * The bundle is not one publish may use, for the reasons the deployer would refuse it: every
 * problem, named with its id (`BUNDLE0nn`, `@ami-bakery/bundle`), path and recipe.
 */
class InvalidBundleError extends PublishError {
  readonly problems: readonly BundleProblem[];
  constructor(bundleDir: string, problems: readonly BundleProblem[]) {
    super(
      `The bundle at ${bundleDir} is not complete and consistent; nothing was published:\n${formatProblems(problems)
        .split('\n')
        .map((line) => `  - ${line}`)
        .join('\n')}\n` + 'Run `bakery bundle` (or `bakery build`) again; it writes the whole bundle at once.',
    );
    this.name = 'InvalidBundleError';
    this.problems = problems;
  }
}

/**
 * The bundle lacks recipes of the workspace (`partial: true`): published, it would let the
 * deployer delete their stacks. Refused unless `allowDelete`.
 */
class PartialBundleError extends PublishError {
  readonly target: string;
  readonly removed: readonly string[];
  constructor(target: string, removed: readonly string[]) {
    super(
      `Refusing to publish a partial bundle to ${target}: it lacks recipes of the workspace (a bundle of some recipes only, ` +
        'or one with refused recipes), so the deployer would delete their stacks' +
        `${removed.length > 0 ? `; ${target} holds ${removed.join(', ')}, which it would remove` : ''}. ` +
        'Run `bakery bundle` without PATH for the whole workspace, or pass --allow-delete if those recipes are to go.',
    );
    this.name = 'PartialBundleError';
    this.target = target;
    this.removed = removed;
  }
}

/** An AWS call got no answer in time (connect or request timeout, after the retries). */
class AwsTimeoutError extends PublishError {
  readonly action: string;
  readonly endpoint: string;
  constructor(action: string, resource: string, endpoint: string, detail: string, options?: ErrorOptions) {
    super(
      `${action} on ${resource} timed out: ${endpoint} ${detail}. Check the network path to it (proxy, VPC endpoint, firewall) ` +
        'or raise BAKERY_AWS_CONNECT_TIMEOUT_MS / BAKERY_AWS_REQUEST_TIMEOUT_MS.',
      options,
    );
    this.name = 'AwsTimeoutError';
    this.action = action;
    this.endpoint = endpoint;
  }
}

/** The whole publish ran past its deadline; the call in flight is named. */
class PublishDeadlineError extends PublishError {
  readonly action: string;
  constructor(deadlineMs: number, action: string, resource: string, endpoint: string, options?: ErrorOptions) {
    super(
      `bakery publish stopped after its deadline of ${deadlineMs < 10_000 ? (deadlineMs / 1000).toFixed(1) : Math.round(deadlineMs / 1000)} s, during ${action} on ${resource} (${endpoint}). ` +
        'A commit or upload is never half made: publish again, or raise --timeout.',
      options,
    );
    this.name = 'PublishDeadlineError';
    this.action = action;
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

export type { DriftEntry, DriftKind };
export {
  AccessDeniedError,
  AwsRequestError,
  AwsTimeoutError,
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
  PartialBundleError,
  PublishDeadlineError,
  PublishError,
  ZipFormatError,
};
