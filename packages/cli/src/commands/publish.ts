import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  AccessDeniedError,
  AwsRequestError,
  AwsTimeoutError,
  type ClientFactory,
  DriftDetectedError,
  formatPlan,
  PartialBundleError,
  PublishError,
  type PublishResult,
  type PublishTarget,
  publish,
  requiredPermissions,
} from '@ami-bakery/publisher';
import { awsClients } from '../aws-clients.js';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

/** What `bakery publish` reaches outside its arguments, so tests run it against mocked AWS clients. */
export interface PublishCommandDeps {
  /** Builds the SDK clients; the default makes real ones with the default credential chain. */
  readonly clients?: ClientFactory;
  /** The monorepo commit being published; the default asks `git rev-parse HEAD` in `cwd`. */
  readonly headCommit?: (cwd: string) => Promise<string | undefined>;
  /** Waits between retries after a concurrent write; the default backs off with jitter. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// The partition is left open so the same check accepts aws-us-gov and aws-cn roles.
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const COMMIT = /^[0-9a-f]{7,64}$/i;

function gitHead(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd, timeout: 10_000 }, (error, stdout) => {
      const sha = String(stdout).trim();
      // Outside a checkout (an unpacked bundle) the manifest's sourceCommit is the best we know.
      resolve(error || !COMMIT.test(sha) ? undefined : sha);
    });
  });
}

/** A flag wins over its environment variable; an empty variable counts as unset. */
function setting(flag: string | undefined, io: Io, variable: string): string | undefined {
  if (flag !== undefined) return flag;
  const value = io.env[variable];
  return value === undefined || value === '' ? undefined : value;
}

interface TargetFlags {
  repository: string | undefined;
  branch: string | undefined;
  s3: string | undefined;
}

function resolveTarget(flags: TargetFlags, io: Io): PublishTarget {
  if (flags.s3 !== undefined && flags.repository !== undefined) {
    throw new UsageError('give either --repository (CodeCommit) or --s3 (S3 source object), not both');
  }
  if (flags.s3 !== undefined) {
    if (flags.branch !== undefined) throw new UsageError('--branch applies to --repository only; an S3 source has no branch');
    const match = S3_URL.exec(flags.s3);
    if (!match)
      throw new UsageError(`--s3 must look like s3://BUCKET/KEY (for example s3://bakery-artifacts/source/bundle.zip), got '${flags.s3}'`);
    return { kind: 's3', bucket: match[1] as string, key: match[2] as string };
  }
  const repository = setting(flags.repository, io, 'BAKERY_REPOSITORY');
  if (repository === undefined) {
    throw new UsageError(
      'name the target: --repository NAME (or BAKERY_REPOSITORY) for CodeCommit, or --s3 s3://BUCKET/KEY for an S3 source',
    );
  }
  const branch = setting(flags.branch, io, 'BAKERY_BRANCH') ?? 'main';
  return { kind: 'codecommit', repositoryName: repository, branch };
}

/** The permissions of `requiredPermissions` in one line, for an access-denied hint. */
function permissionsLine(target: PublishTarget, roleArn: string | undefined): string {
  const statements = requiredPermissions(target).map((s) => `${s.actions.join(', ')} on ${s.resource}`);
  if (roleArn) statements.push(`and, for the caller, sts:AssumeRole on ${roleArn}`);
  return statements.join('; ');
}

/** The line after an error message: the next thing to try, when the message does not already say it. */
function hintFor(error: PublishError, target: PublishTarget, roleArn: string | undefined): string | undefined {
  if (error instanceof AccessDeniedError) return `publishing needs exactly: ${permissionsLine(target, roleArn)}`;
  if (error instanceof AwsTimeoutError) return "'bakery doctor --aws' checks that AWS answers from here";
  if (error instanceof AwsRequestError) return "check --region and the credentials ('bakery doctor --aws' shows who you are)";
  if (error instanceof DriftDetectedError || error instanceof PartialBundleError)
    return "'bakery publish --dry-run' shows the whole plan without writing";
  return undefined;
}

function report(result: PublishResult, io: Io): number {
  const { plan } = result;
  io.stdout.write(formatPlan(plan));
  if (result.dryRun) {
    io.stdout.write(`Dry run: nothing was written to ${plan.target}.\n`);
    return (plan.drift.length > 0 && !plan.force) || (plan.partial && !plan.allowDelete) ? 1 : 0;
  }
  if (result.attempts > 1) io.stdout.write(`${plan.target} changed while publishing; planned again (${result.attempts} attempts).\n`);
  for (const id of result.commitIds) io.stdout.write(`Committed ${id}\n`);
  if (plan.target.startsWith('s3://') && result.committed) {
    io.stdout.write(`Uploaded ${plan.target}${result.objectVersionId ? ` (version ${result.objectVersionId})` : ''}\n`);
  }
  return 0;
}

export function createPublishCommand(deps: PublishCommandDeps = {}): Command {
  return defineCommand({
    name: 'publish',
    summary: "Publish the bundle to the bakery account's CodeCommit branch or S3 source object.",
    usage: 'bakery publish (--repository NAME [--branch BRANCH] | --s3 s3://BUCKET/KEY) --region REGION [options]',
    details: [
      'Reads the target, prints the plan (+ add, ~ change, - delete, ! drift) and writes only what',
      'changed, as one commit (or several within the CodeCommit limits) on the head it read, or one',
      'conditional S3 upload. A file changed in the target outside publish is drift: publish refuses',
      'and lists it, unless --force. The record of what was published is kept in the target, in',
      '.bakery/published.json.',
      '',
      'The bundle is verified first (every manifest entry has its folder, manifest and template,',
      'hashes match, nothing else is there; each problem is named). A partial bundle (one that lacks',
      'recipes of the workspace) is refused unless --allow-delete: the deployer deletes the stacks of',
      'the recipes a bundle lacks.',
      '',
      'Every AWS call has a connect timeout (5 s), a request timeout (30 s) and 3 attempts with',
      'backoff (BAKERY_AWS_CONNECT_TIMEOUT_MS, BAKERY_AWS_REQUEST_TIMEOUT_MS, BAKERY_AWS_MAX_ATTEMPTS);',
      'the whole publish stops after --timeout (600 s). AWS_ENDPOINT_URL sends every call to one',
      'endpoint (a VPC endpoint, a local test server).',
      '',
      'Environment: BAKERY_REPOSITORY, BAKERY_BRANCH, BAKERY_REGION and BAKERY_PUBLISH_ROLE_ARN stand',
      'in for the options of the same meaning; an option wins over its variable. Credentials come',
      "from the AWS SDK's default chain (environment, profile, SSO, web identity on CI).",
      '',
      'Exit code: 0 published (or nothing to publish), 1 refused or failed, 2 usage error.',
    ].join('\n'),
    options: {
      bundle: { type: 'string', valueName: 'DIR', description: 'The bundle folder (default dist/bundle).' },
      repository: { type: 'string', valueName: 'NAME', description: 'CodeCommit repository in the bakery account.' },
      branch: { type: 'string', valueName: 'BRANCH', description: 'Branch the pipeline watches (default main).' },
      s3: { type: 'string', valueName: 'URL', description: 'Publish as a zip to this S3 source object instead of CodeCommit.' },
      region: { type: 'string', valueName: 'REGION', description: 'The bakery region.' },
      'role-arn': { type: 'string', valueName: 'ARN', description: 'Role to assume for publishing (session name bakery-publish).' },
      'dry-run': {
        type: 'boolean',
        description: 'Read the target and print the plan; write nothing. Exit 1 when drift would refuse the publish.',
      },
      force: { type: 'boolean', description: 'Overwrite files changed in the target outside publish (they stay in its history).' },
      'allow-delete': {
        type: 'boolean',
        description: 'Publish a partial bundle: the deployer then deletes the stacks of the recipes it lacks.',
      },
      timeout: { type: 'string', valueName: 'SECONDS', description: 'Stop the whole publish after this long (default 600).' },
      'source-commit': { type: 'string', valueName: 'SHA', description: 'Monorepo commit to record (default: git rev-parse HEAD).' },
    },
    async run(args, io) {
      if (args.positionals.length > 0) throw new UsageError(`publish takes no PATH arguments, got: ${args.positionals.join(' ')}`);
      const { values } = args;
      const target = resolveTarget({ repository: values.repository, branch: values.branch, s3: values.s3 }, io);

      const region = setting(values.region, io, 'BAKERY_REGION');
      if (region === undefined) throw new UsageError('name the bakery region: --region REGION (or BAKERY_REGION)');
      if (!REGION.test(region)) throw new UsageError(`--region '${region}' is not an AWS region name such as eu-central-1`);

      const roleArn = setting(values['role-arn'], io, 'BAKERY_PUBLISH_ROLE_ARN');
      if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) throw new UsageError(`--role-arn '${roleArn}' is not an IAM role ARN`);

      const givenCommit = values['source-commit'];
      if (givenCommit !== undefined && !COMMIT.test(givenCommit))
        throw new UsageError(`--source-commit '${givenCommit}' is not a git commit id`);
      const sourceCommit = givenCommit ?? (await (deps.headCommit ?? gitHead)(io.cwd));
      const timeout = values.timeout;
      if (timeout !== undefined && !/^[1-9]\d{0,5}$/.test(timeout))
        throw new UsageError(`--timeout '${timeout}' is not a whole number of seconds`);
      let clients: ClientFactory;
      try {
        clients = deps.clients ?? awsClients(io.env);
      } catch (error) {
        if (error instanceof PublishError) throw new UsageError(error.message, { cause: error });
        throw error;
      }

      try {
        const result = await publish(
          {
            bundleDir: path.resolve(io.cwd, values.bundle ?? 'dist/bundle'),
            target,
            region,
            ...(roleArn !== undefined ? { roleArn } : {}),
            ...(sourceCommit !== undefined ? { sourceCommit } : {}),
            dryRun: values['dry-run'] === true,
            force: values.force === true,
            allowDelete: values['allow-delete'] === true,
            ...(timeout !== undefined ? { deadlineMs: Number(timeout) * 1000 } : {}),
          },
          { clients, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
        );
        return report(result, io);
      } catch (error) {
        if (!(error instanceof PublishError)) throw error;
        io.stderr.write(`bakery: ${error.message}\n`);
        const hint = hintFor(error, target, roleArn);
        if (hint !== undefined) io.stderr.write(`hint: ${hint}\n`);
        return 1;
      }
    },
  });
}

export default createPublishCommand();
