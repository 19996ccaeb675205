import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { endOfLife, isEndOfLife, NODE_MINIMUM, NODE_RECOMMENDED } from '../node-support.js';

export { NODE_MINIMUM } from '../node-support.js';

/** The pnpm the lockfile is written by; root package.json pins the same in `packageManager`. */
export const PNPM_VERSION = '12.4.2';
/** The cfn-lint CI installs; findings of another 1.x differ a little but are read the same way. */
export const CFN_LINT_CI_VERSION = '1.51.0';
const AWS_TIMEOUT_MS = 5_000;
const TOOL_TIMEOUT_MS = 15_000;

export interface ToolRun {
  /** False when the executable is not on PATH (or could not be started). */
  found: boolean;
  /** Exit code; a pyenv shim for a tool the active Python lacks exits 127. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
}

export interface AggregatorFound {
  name: string;
  region: string;
  regions: 'all' | readonly string[];
}

/** Everything doctor looks at, injected so tests decide what the machine has. */
export interface DoctorProbes {
  nodeVersion(): string;
  run(command: string, args: readonly string[]): Promise<ToolRun>;
  fileExists(file: string): boolean;
  homeDir(): string;
  /** STS GetCallerIdentity, only with --aws; rejects after `timeoutMs`. */
  callerIdentity(region: string, timeoutMs: number): Promise<CallerIdentity>;
  /** Amazon Inspector's EC2 scanning state in the caller's account, only with --aws. */
  inspectorEc2Status(region: string, timeoutMs: number): Promise<{ account: string; status: string }>;
  /** Today, for the end-of-life check. */
  /** The AWS Config organization aggregator `bakery usage` queries (named, or the only one), only with --aws. */
  configAggregator?(region: string, timeoutMs: number, name: string | undefined): Promise<AggregatorFound>;
  /** Today, for the end-of-life check. */
  today(): Date;
}

function runTool(command: string, args: readonly string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: TOOL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = (error as (Error & { code?: unknown }) | null)?.code;
      if (code === 'ENOENT' || code === 'EACCES') resolve({ found: false, code: null, stdout: '', stderr: '' });
      else resolve({ found: true, code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });
}

async function stsCallerIdentity(region: string, timeoutMs: number): Promise<CallerIdentity> {
  // Loaded here so a doctor run without --aws never pays for the SDK. The CLI's own module (ESM,
  // so the bundle keeps its named exports): the client has the CLI's timeouts, and a timeout names
  // the endpoint. (bin.ts has turned the SDK's own Node.js notice off: the Node.js row says it once.)
  const { callerIdentity } = await import('../aws-clients.js');
  return callerIdentity(region, timeoutMs);
}

async function inspectorStatus(region: string, timeoutMs: number): Promise<{ account: string; status: string }> {
  const { inspectorEc2Status } = await import('../aws-clients.js');
  return inspectorEc2Status(region, timeoutMs);
}

async function findConfigAggregator(region: string, timeoutMs: number, name: string | undefined): Promise<AggregatorFound> {
  // Loaded here, like the STS client: a doctor run without --aws never pays for the SDK.
  const { catalogClients } = await import('../catalog/aws.js');
  const { findAggregator } = await import('../catalog/aggregator.js');
  const clients = catalogClients(process.env, { connectTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, maxAttempts: 1 });
  try {
    return await findAggregator(clients, region, name);
  } finally {
    clients.destroy();
  }
}

/** What doctor looks at on the real machine. */
export const defaultProbes: DoctorProbes = {
  nodeVersion: () => process.versions.node,
  run: runTool,
  fileExists: existsSync,
  homeDir: homedir,
  callerIdentity: stsCallerIdentity,
  inspectorEc2Status: inspectorStatus,
  configAggregator: findConfigAggregator,
  today: () => new Date(),
};

/** `end of life` works but is a warning: the run is still ready. */
type Status = 'ok' | 'missing' | 'wrong version' | 'optional' | 'end of life' | 'not enabled' | 'unknown';

interface Check {
  name: string;
  status: Status;
  found: string;
  /** How to get it; shown when the status is not ok. */
  how: string;
  required: boolean;
  /** A warning printed once, under the table. */
  warning?: string;
}

function versionParts(text: string): number[] | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

function atLeast(found: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i += 1) {
    const a = found[i] ?? 0;
    const b = minimum[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** A tool that must be there, or (optional) one whose absence only skips something. */
function absent(name: string, how: string, required: boolean): Check {
  return { name, status: required ? 'missing' : 'optional', found: 'not found', how, required };
}

function checkNode(probes: DoctorProbes): Check {
  const name = `Node.js >= ${NODE_MINIMUM}`;
  const version = probes.nodeVersion().replace(/^v/, '');
  const parts = versionParts(version);
  const lts = NODE_RECOMMENDED.join(' or ');
  if (parts === undefined || !atLeast(parts, versionParts(NODE_MINIMUM) as number[])) {
    return {
      name,
      status: 'wrong version',
      found: version,
      how: `install Node.js ${lts} LTS (nodejs.org or your package manager); ${NODE_MINIMUM} is the oldest that runs bakery`,
      required: true,
    };
  }
  const major = parts[0] as number;
  if (isEndOfLife(major, probes.today())) {
    const ended = endOfLife(major);
    return {
      name,
      status: 'end of life',
      found: version,
      how: `upgrade to Node.js ${lts} LTS (nodejs.org or your package manager)`,
      required: true,
      warning:
        `Warning: Node.js ${major} reached end of life${ended ? ` on ${ended}` : ''} and gets no security fixes; ` +
        `bakery still runs on it, but AWS SDK releases after the first week of January 2027 need Node.js 22. Upgrade to Node.js ${lts}.`,
    };
  }
  return { name, status: 'ok', found: version, how: '', required: true };
}

async function checkPnpm(probes: DoctorProbes): Promise<Check> {
  const name = `pnpm ${PNPM_VERSION}`;
  const how = `npm i -g pnpm@${PNPM_VERSION} (pnpm refuses to run in this workspace at any other version)`;
  const run = await probes.run('pnpm', ['--version']);
  if (!run.found || run.code !== 0) return absent(name, how, true);
  const version = run.stdout.trim();
  return { name, status: version === PNPM_VERSION ? 'ok' : 'wrong version', found: version, how, required: true };
}

async function checkGit(probes: DoctorProbes): Promise<Check> {
  const how = 'install git (apt-get install git, brew install git, or git-scm.com)';
  const run = await probes.run('git', ['--version']);
  if (!run.found || run.code !== 0) return absent('git', how, true);
  return { name: 'git', status: 'ok', found: versionParts(run.stdout)?.join('.') ?? run.stdout.trim(), how, required: true };
}

async function checkCfnLint(probes: DoctorProbes, ci: boolean): Promise<Check> {
  const how = ci
    ? `pip install cfn-lint==${CFN_LINT_CI_VERSION} (CI=true: lint fails without it)`
    : `pip install cfn-lint (without it lint runs the built-in template checks only; CI pins ${CFN_LINT_CI_VERSION})`;
  const run = await probes.run('cfn-lint', ['--version']);
  if (!run.found || run.code !== 0) return absent('cfn-lint', how, ci);
  const parts = versionParts(`${run.stdout} ${run.stderr}`);
  const found = parts?.join('.') ?? run.stdout.trim();
  // The finding mapper reads cfn-lint 1.x JSON; 0.x prints another shape.
  const status: Status = parts?.[0] === 1 ? 'ok' : 'wrong version';
  return { name: 'cfn-lint', status, found, how: `pip install cfn-lint==${CFN_LINT_CI_VERSION} (1.x is required)`, required: ci };
}

async function checkMoto(probes: DoctorProbes, ci: boolean): Promise<Check> {
  const how = `pip install 'moto[server]' (only for the integration tests, which ${ci ? 'fail without it when CI=true' : 'are skipped without it'})`;
  // moto_server has no --version; -h proves the executable and its Python package are both there.
  const run = await probes.run('moto_server', ['-h']);
  if (!run.found || run.code !== 0) return absent('moto_server', how, ci);
  return { name: 'moto_server', status: 'ok', found: 'installed', how, required: ci };
}

/** Where the SDK's default chain would find credentials, from the environment and files alone. */
function credentialSources(io: Io, probes: DoctorProbes): string[] {
  const env = io.env;
  const sources: string[] = [];
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) sources.push('access key in the environment');
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) sources.push('web identity token (OIDC)');
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) sources.push('container credentials');
  if (env.AWS_PROFILE) sources.push(`profile ${env.AWS_PROFILE}`);
  const home = probes.homeDir();
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
    env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
  ];
  const present = files.filter((file) => probes.fileExists(file));
  if (present.length > 0) sources.push(present.map((file) => file.replace(home, '~')).join(' and '));
  return sources;
}

async function checkAws(io: Io, probes: DoctorProbes, verify: boolean): Promise<Check> {
  const name = 'AWS credentials';
  const how =
    'only bakery publish needs them: aws configure sso (or set AWS_PROFILE); on CI, OIDC with aws-actions/configure-aws-credentials';
  const sources = credentialSources(io, probes);
  if (!verify) {
    if (sources.length === 0) return absent(name, how, false);
    return { name, status: 'ok', found: `${sources.join(', ')} (not verified; --aws checks)`, how, required: false };
  }
  const region = io.env.BAKERY_REGION || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'us-east-1';
  try {
    const identity = await probes.callerIdentity(region, AWS_TIMEOUT_MS);
    return { name, status: 'ok', found: `account ${identity.account}, ${identity.arn}`, how, required: true };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name, status: 'missing', found: `sts:GetCallerIdentity in ${region} failed (${reason.split('\n')[0]})`, how, required: true };
  }
}

/**
 * With --aws: Image Builder refuses a pipeline with image scanning (every bakery recipe has it)
 * unless Amazon Inspector scans EC2 in the account. Not required here: the caller is often not
 * in the bakery account (a CI publish role), so the row informs and the deploy would fail later.
 */
async function checkInspector(io: Io, probes: DoctorProbes): Promise<Check> {
  const name = 'Inspector EC2 scanning';
  const region = io.env.BAKERY_REGION || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'us-east-1';
  const how = `in the bakery account: aws inspector2 enable --resource-types EC2 --region ${region} (README, "Prerequisite: Amazon Inspector EC2 scanning")`;
  try {
    const { account, status } = await probes.inspectorEc2Status(region, AWS_TIMEOUT_MS);
    const found = `${status} in account ${account}, ${region}`;
    return { name, status: status === 'ENABLED' ? 'ok' : 'not enabled', found, how, required: false };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      name,
      status: 'unknown',
      found: `inspector2:BatchGetAccountStatus in ${region} failed (${reason.split('\n')[0]})`,
      how,
      required: false,
    };
  }
}

/** With --aws: the Config organization aggregator `bakery usage` needs (optional: nothing else does). */
async function checkAggregator(io: Io, probes: DoctorProbes): Promise<Check> {
  const name = 'Config aggregator';
  const how =
    'only bakery usage needs it: an AWS Config organization aggregator in the management or a delegated administrator account (README "Rolling images out and back"); BAKERY_CONFIG_AGGREGATOR names it, BAKERY_CONFIG_AGGREGATOR_REGION gives its region';
  const region =
    io.env.BAKERY_CONFIG_AGGREGATOR_REGION || io.env.BAKERY_REGION || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'us-east-1';
  const wanted = io.env.BAKERY_CONFIG_AGGREGATOR || undefined;
  const probe = probes.configAggregator ?? defaultProbes.configAggregator;
  try {
    const found = await (probe as NonNullable<DoctorProbes['configAggregator']>)(region, AWS_TIMEOUT_MS, wanted);
    const regions = found.regions === 'all' ? 'all regions' : found.regions.join(', ');
    return { name, status: 'ok', found: `${found.name} in ${found.region} (organization, ${regions})`, how, required: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { name, status: 'optional', found: reason.split('\n')[0]?.split('; see README')[0] ?? reason, how, required: false };
  }
}

function table(checks: readonly Check[]): string {
  const rows = [
    ['Tool', 'Status', 'Found', 'How to get it'],
    ...checks.map((c) => [c.name, c.status, c.found, c.status === 'ok' ? '' : c.how]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function createDoctorCommand(overrides: Partial<DoctorProbes> = {}): Command {
  const probes: DoctorProbes = { ...defaultProbes, ...overrides };
  return defineCommand({
    name: 'doctor',
    summary: 'Check the tools this workspace needs (Node.js, pnpm, git, cfn-lint, moto_server, AWS credentials).',
    usage: 'bakery doctor [--aws]',
    details: [
      'Prints one row per tool: ok, missing, wrong version, or optional (not found, and only some',
      'features need it), with how to get what is not ok. A Node.js past its end of life (20 since',
      'April 2026) still runs bakery: its row says end of life, with one warning under the table; the',
      'other commands say nothing about it. cfn-lint and moto_server are required when',
      'CI=true, as the CI run fails without them. AWS credentials are looked for in the environment',
      'and the ~/.aws files only; no AWS call is made unless --aws is given. With --aws, rows for',
      'Amazon Inspector EC2 scanning (image scanning needs it) and the AWS Config organization',
      'aggregator that bakery usage queries; neither fails doctor.',
      '',
      'Exit code: 0 when every required tool is there, 1 when one is missing or the wrong version.',
    ].join('\n'),
    options: {
      aws: {
        type: 'boolean',
        description: `Also call sts:GetCallerIdentity (${AWS_TIMEOUT_MS / 1000} s timeout) and require it to succeed; report Amazon Inspector EC2 scanning (inspector2:BatchGetAccountStatus), which image scanning needs, and look for the Config organization aggregator bakery usage needs.`,
      },
    },
    async run(args, io) {
      if (args.positionals.length > 0) throw new UsageError(`doctor takes no arguments, got: ${args.positionals.join(' ')}`);
      const ci = io.env.CI === 'true';
      const checks = await Promise.all([
        checkNode(probes),
        checkPnpm(probes),
        checkGit(probes),
        checkCfnLint(probes, ci),
        checkMoto(probes, ci),
        checkAws(io, probes, args.values.aws === true),
        ...(args.values.aws === true ? [checkInspector(io, probes), checkAggregator(io, probes)] : []),
      ]);
      io.stdout.write(`${table(checks)}\n\n`);
      for (const { warning } of checks) if (warning) io.stdout.write(`${warning}\n\n`);
      const failing = checks.filter((c) => c.required && c.status !== 'ok' && c.status !== 'end of life');
      if (failing.length === 0) {
        io.stdout.write('Ready: every required tool is there.\n');
        return 0;
      }
      io.stdout.write(`Not ready: ${failing.map((c) => c.name).join(', ')}. See "How to get it" above.\n`);
      return 1;
    },
  });
}

export default createDoctorCommand();
