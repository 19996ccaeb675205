/**
 * Runs the real Python cfn-lint once over many templates and turns everything it can do (report,
 * be missing, fail, hang, print garbage) into findings.
 */
import path from 'node:path';
import { type Finding, sortFindings } from '@ami-bakery/recipe-schema';
import { type ReadSource, readSourceFrom, type SourceLink } from '@ami-bakery/template-checks';
import { execa } from 'execa';
import { CfnLintOptionsError } from './errors.js';
import { mapCfnLintOutput, toolFinding } from './map.js';
import { CFN_LINT_RULES } from './rules.js';

export interface CfnLintResult {
  /** `skipped` when cfn-lint did not run (not installed, nothing to lint); `skippedReason` says why. */
  status: 'ran' | 'skipped';
  findings: Finding[];
  skippedReason?: string;
  /** cfn-lint's exit status, when it exited. */
  exitCode?: number;
}

export interface CfnLintOptions {
  /** Folder cfn-lint runs in; templates, links and findings are relative to it. Default `process.cwd()`. */
  cwd?: string;
  /** Default 120 000 ms. */
  timeoutMs?: number;
  /** A missing cfn-lint is an error (RB5091) instead of a skip. Default `process.env.CI === 'true'`. */
  ci?: boolean;
  /** Executable to run. Default `cfn-lint` (from PATH). */
  binary?: string;
  /** Regions to validate against (`--regions`); cfn-lint's default (us-east-1) when absent. */
  regions?: readonly string[];
  /** Source links per template file: findings under a link move to the recipe or component file. */
  links?: ReadonlyMap<string, readonly SourceLink[]>;
  /** Reads link files; default: from disk relative to `cwd`. */
  readSource?: ReadSource;
  /** Replaces the process launcher (tests, or callers that run cfn-lint elsewhere). */
  runner?: CfnLintRunner;
}

/** What a launcher reports about one cfn-lint process. */
export interface RunnerResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Spawn error code such as `ENOENT` when the process could not start. */
  errorCode?: string;
  /** Signal that ended the process, when one did. */
  signal?: string;
}

export type CfnLintRunner = (binary: string, args: readonly string[], options: { cwd: string; timeoutMs: number }) => Promise<RunnerResult>;

export const DEFAULT_TIMEOUT_MS = 120_000;

/** Lines of stderr quoted in an RB5090 finding (head and tail; a Python traceback ends with the cause). */
const STDERR_HEAD = 4;
const STDERR_TAIL = 2;

/** Process groups of the cfn-lint runs of this process that have not ended yet. */
const running = new Set<number>();

/**
 * Stops every cfn-lint this process started, with everything cfn-lint started in turn: each runs
 * as its own process group, so a shim (pyenv) or a worker pool goes too. For a signal handler.
 */
export function stopCfnLint(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const group of running) killGroup(group, signal);
}

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // the group is gone already
  }
}

export const execaRunner: CfnLintRunner = async (binary, args, { cwd, timeoutMs }) => {
  const subprocess = execa(binary, args, {
    cwd,
    timeout: timeoutMs,
    reject: false,
    stdin: 'ignore',
    // cfn-lint prints JSON that may hold non-ASCII template text; a C locale in CI would make Python fail to encode it.
    env: { PYTHONIOENCODING: 'utf-8' },
    forceKillAfterDelay: 5_000,
    maxBuffer: 512 * 1024 * 1024,
    // Its own process group, so stopping it (timeout, Ctrl-C, a signal to bakery) stops all of it.
    detached: process.platform !== 'win32',
  });
  const group = subprocess.pid;
  if (group !== undefined && process.platform !== 'win32') running.add(group);
  let result: Awaited<typeof subprocess>;
  try {
    result = await subprocess;
  } finally {
    if (group !== undefined && running.delete(group)) killGroup(group, 'SIGKILL');
  }
  const outcome: RunnerResult = {
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
  };
  if (result.exitCode !== undefined) outcome.exitCode = result.exitCode;
  if ('code' in result && typeof result.code === 'string') outcome.errorCode = result.code;
  if (result.signal !== undefined) outcome.signal = result.signal;
  return outcome;
};

/** Lint `templates` with one cfn-lint process. Never throws for anything cfn-lint does. */
export async function runCfnLint(templates: readonly string[], options: CfnLintOptions = {}): Promise<CfnLintResult> {
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new CfnLintOptionsError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  const ci = options.ci ?? process.env.CI === 'true';
  const binary = options.binary ?? 'cfn-lint';
  const runner = options.runner ?? execaRunner;
  if (templates.length === 0) return { status: 'skipped', findings: [], skippedReason: 'no templates to lint' };

  // `informational` makes the exit status the full severity bit mask, whatever .cfnlintrc says;
  // `--` keeps template names that start with a dash from being read as options.
  const args = ['--format', 'json', '--non-zero-exit-code', 'informational'];
  if (options.regions && options.regions.length > 0) args.push('--regions', ...options.regions);
  args.push('--', ...templates);

  const where = { cwd, templates };
  const run = await runner(binary, args, { cwd: path.resolve(cwd), timeoutMs });

  if (run.errorCode === 'ENOENT') {
    const found = binary === 'cfn-lint' ? 'cfn-lint not found on PATH' : `cfn-lint not found at '${binary}'`;
    const reason = `${found}; install it with \`pip install cfn-lint\` (Python 3.9+) to run the full CloudFormation linter.`;
    if (!ci) return { status: 'skipped', findings: [], skippedReason: reason };
    const finding = toolFinding(CFN_LINT_RULES.missing, `${reason} CI (CI=true) requires it: add it to the CI image.`, where);
    return { status: 'skipped', findings: [finding], skippedReason: reason };
  }
  if (run.timedOut) {
    const finding = toolFinding(
      CFN_LINT_RULES.timeout,
      `cfn-lint did not finish within ${formatDuration(timeoutMs)} (timeoutMs) on ${templates.length} template(s) and was stopped; raise timeoutMs or lint fewer templates per run.`,
      where,
    );
    return { status: 'ran', findings: [finding] };
  }
  if (run.exitCode === undefined) {
    const cause = run.signal
      ? `was killed by ${run.signal}`
      : run.errorCode
        ? `could not start (${run.errorCode})`
        : 'ended without an exit status';
    return {
      status: 'ran',
      findings: [
        toolFinding(
          CFN_LINT_RULES.failed,
          `cfn-lint ${cause}${stderrExcerpt(run.stderr)}. Run it by hand on the same templates to see why.`,
          where,
        ),
      ],
    };
  }

  const exitCode = run.exitCode;
  if (!isLintOutcome(exitCode)) {
    const meaning =
      exitCode === 1
        ? 'reported a usage or configuration error (check .cfnlintrc, custom rules and the options passed)'
        : exitCode === 32
          ? `rejected the region list (${(options.regions ?? []).join(', ') || 'default'}); use region codes such as us-east-1`
          : `exited with status ${exitCode}, which is not a lint result`;
    return {
      status: 'ran',
      exitCode,
      findings: [toolFinding(CFN_LINT_RULES.failed, `cfn-lint ${meaning}${stderrExcerpt(run.stderr)}.`, where)],
    };
  }

  const readSource = options.readSource ?? readSourceFrom(cwd);
  const mapOptions = options.links ? { ...where, links: options.links, readSource } : where;
  return { status: 'ran', exitCode, findings: sortFindings(mapCfnLintOutput(run.stdout, mapOptions)) };
}

/** 0 or an OR of 2 (error), 4 (warning), 8 (informational): cfn-lint ran and reported. */
export function isLintOutcome(exitCode: number): boolean {
  return Number.isInteger(exitCode) && exitCode >= 0 && (exitCode & ~0b1110) === 0;
}

function stderrExcerpt(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return ' (it printed nothing on stderr)';
  const shown = lines.length <= STDERR_HEAD + STDERR_TAIL ? lines : [...lines.slice(0, STDERR_HEAD), '...', ...lines.slice(-STDERR_TAIL)];
  const text = shown.join(' | ');
  return `: ${text.length > 600 ? `${text.slice(0, 600)}...` : text}`;
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
