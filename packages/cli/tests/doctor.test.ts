import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AggregatorFound,
  type CallerIdentity,
  createDoctorCommand,
  type DoctorProbes,
  defaultProbes,
  NODE_MINIMUM,
  PNPM_VERSION,
  type ToolRun,
} from '../src/commands/doctor.js';
import { type Io, parseCommandArgs } from '../src/index.js';
import { bakery, type RunResult } from './helpers.js';

const HOME = '/home/dev';
const CALLER: CallerIdentity = { account: '111122223333', arn: 'assumed-role/ami-bakery-publish/ci' };

/** The day the fake machines are asked on: Node.js 20 is past its end of life, 22 and 24 are not. */
const TODAY = new Date('2026-12-01T12:00:00Z');

interface Machine {
  node?: string;
  today?: Date;
  tools?: Record<string, ToolRun | undefined>;
  files?: string[];
  identity?: () => Promise<CallerIdentity>;
  inspector?: () => Promise<{ account: string; status: string }>;
  aggregator?: () => Promise<AggregatorFound>;
}

const found = (stdout: string, code = 0): ToolRun => ({ found: true, code, stdout, stderr: '' });
const notFound: ToolRun = { found: false, code: null, stdout: '', stderr: '' };

const COMPLETE: Record<string, ToolRun> = {
  pnpm: found('12.4.2\n'),
  git: found('git version 2.39.5\n'),
  'cfn-lint': found('cfn-lint 1.51.0\n'),
  moto_server: found('usage: moto_server [-h] [-H HOST] [-p PORT]\n'),
};

function probesFor(machine: Machine) {
  const tools = { ...COMPLETE, ...machine.tools };
  return {
    nodeVersion: vi.fn(() => machine.node ?? '24.22.3'),
    run: vi.fn(async (command: string, _args: readonly string[]) => tools[command] ?? notFound),
    fileExists: vi.fn((file: string) => (machine.files ?? []).includes(file)),
    homeDir: vi.fn(() => HOME),
    callerIdentity: vi.fn(machine.identity ?? (async () => CALLER)),
    inspectorEc2Status: vi.fn(machine.inspector ?? (async () => ({ account: '111122223333', status: 'ENABLED' }))),
    configAggregator: vi.fn(machine.aggregator ?? (async () => ({ name: 'org-all', region: 'us-east-1', regions: 'all' as const }))),
    today: vi.fn(() => machine.today ?? TODAY),
  } satisfies DoctorProbes;
}

async function doctor(
  argv: string[],
  machine: Machine = {},
  env: Record<string, string | undefined> = {},
): Promise<RunResult & { probes: ReturnType<typeof probesFor> }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: HOME, env };
  const probes = probesFor(machine);
  const command = createDoctorCommand(probes);
  const code = await command.run(parseCommandArgs(command, argv), io);
  return { code, stdout, stderr, probes };
}

/** The table's row for one tool, with its padding squeezed to single spaces. */
function row(stdout: string, tool: string): string | undefined {
  return stdout
    .split('\n')
    .find((line) => line.startsWith(tool))
    ?.replace(/ {2,}/g, ' | ');
}

describe('Command: doctor', () => {
  it('prints every tool as ok on a complete machine and exits 0', async () => {
    // Act
    const result = await doctor([], { files: [`${HOME}/.aws/config`] });

    // Assess
    expect(result.stdout).toBe(
      [
        'Tool                Status  Found                                       How to get it',
        'Node.js >= 20.19.0  ok      24.22.3',
        'pnpm 12.4.2         ok      12.4.2',
        'git                 ok      2.39.5',
        'cfn-lint            ok      1.51.0',
        'moto_server         ok      installed',
        'AWS credentials     ok      ~/.aws/config (not verified; --aws checks)',
        '',
        'Ready: every required tool is there.',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('runs exactly these probes and never calls AWS without --aws', async () => {
    // Act
    const { probes } = await doctor([]);

    // Assess
    expect(probes.run.mock.calls).toEqual([
      ['pnpm', ['--version']],
      ['git', ['--version']],
      ['cfn-lint', ['--version']],
      ['moto_server', ['-h']],
    ]);
    expect(probes.fileExists.mock.calls).toEqual([[`${HOME}/.aws/credentials`], [`${HOME}/.aws/config`]]);
    expect(probes.callerIdentity).not.toHaveBeenCalled();
  });

  it.each([
    {
      name: 'pnpm missing',
      machine: { tools: { pnpm: notFound } },
      tool: 'pnpm',
      row: 'pnpm 12.4.2 | missing | not found | npm i -g pnpm@12.4.2 (pnpm refuses to run in this workspace at any other version)',
      verdict: 'Not ready: pnpm 12.4.2. See "How to get it" above.',
    },
    {
      name: 'another pnpm version',
      machine: { tools: { pnpm: found('12.21.0\n') } },
      tool: 'pnpm',
      row: 'pnpm 12.4.2 | wrong version | 12.21.0 | npm i -g pnpm@12.4.2 (pnpm refuses to run in this workspace at any other version)',
      verdict: 'Not ready: pnpm 12.4.2. See "How to get it" above.',
    },
    {
      name: 'a pyenv shim without the tool behind it',
      machine: { tools: { git: found('', 127) } },
      tool: 'git',
      row: 'git | missing | not found | install git (apt-get install git, brew install git, or git-scm.com)',
      verdict: 'Not ready: git. See "How to get it" above.',
    },
    {
      name: 'Node.js older than the engines field',
      machine: { node: '20.18.1' },
      tool: 'Node.js',
      row: 'Node.js >= 20.19.0 | wrong version | 20.18.1 | install Node.js 22 or 24 LTS (nodejs.org or your package manager); 20.19.0 is the oldest that runs bakery',
      verdict: 'Not ready: Node.js >= 20.19.0. See "How to get it" above.',
    },
  ])('exits 1 when a required tool is not ok: $name', async ({ machine, tool, row: expected, verdict }) => {
    // Act
    const result = await doctor([], machine);

    // Assess
    expect(row(result.stdout, tool)).toBe(expected);
    expect(result.stdout.endsWith(`\n\n${verdict}\n`)).toBe(true);
    expect(result.code).toBe(1);
  });

  it.each([
    { node: '20.20.2', today: TODAY, status: 'end of life', warning: 'Node.js 20 reached end of life on 2026-04-30' },
    { node: '20.20.2', today: new Date('2026-04-29T23:00:00Z'), status: 'ok', warning: undefined },
    { node: '22.23.5', today: TODAY, status: 'ok', warning: undefined },
    {
      node: '22.23.5',
      today: new Date('2027-05-01T00:00:00Z'),
      status: 'end of life',
      warning: 'Node.js 22 reached end of life on 2027-04-30',
    },
    { node: '23.11.1', today: TODAY, status: 'end of life', warning: 'Node.js 23 reached end of life on 2025-06-01' },
    { node: '24.22.3', today: TODAY, status: 'ok', warning: undefined },
    { node: '27.0.0', today: TODAY, status: 'ok', warning: undefined },
  ])('calls Node.js $node on $today: $status, still ready', async ({ node, today, status, warning }) => {
    // Act
    const result = await doctor([], { node, today });

    // Assess
    const lts = 'upgrade to Node.js 22 or 24 LTS (nodejs.org or your package manager)';
    expect(row(result.stdout, 'Node.js')).toBe(`Node.js >= 20.19.0 | ${status} | ${node}${status === 'ok' ? '' : ` | ${lts}`}`);
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('Warning:'));
    expect(warnings).toEqual(
      warning
        ? [
            `Warning: ${warning} and gets no security fixes; bakery still runs on it, but AWS SDK releases after the first week of January 2027 need Node.js 22. Upgrade to Node.js 22 or 24.`,
          ]
        : [],
    );
    expect(result.stdout.endsWith('Ready: every required tool is there.\n')).toBe(true);
    expect(result.code).toBe(0);
  });

  it('treats cfn-lint, moto_server and AWS credentials as optional on a developer machine', async () => {
    // Act
    const result = await doctor([], { tools: { 'cfn-lint': notFound, moto_server: notFound } });

    // Assess
    expect(row(result.stdout, 'cfn-lint')).toBe(
      'cfn-lint | optional | not found | pip install cfn-lint (without it lint runs the built-in template checks only; CI pins 1.51.0)',
    );
    expect(row(result.stdout, 'moto_server')).toBe(
      "moto_server | optional | not found | pip install 'moto[server]' (only for the integration tests, which are skipped without it)",
    );
    expect(row(result.stdout, 'AWS credentials')).toBe(
      'AWS credentials | optional | not found | only bakery publish needs them: aws configure sso (or set AWS_PROFILE); on CI, OIDC with aws-actions/configure-aws-credentials',
    );
    expect(result.code).toBe(0);
  });

  it('requires cfn-lint and moto_server when CI=true, as the CI run fails without them', async () => {
    // Act
    const result = await doctor([], { tools: { 'cfn-lint': notFound, moto_server: notFound } }, { CI: 'true' });

    // Assess
    expect(row(result.stdout, 'cfn-lint')).toBe(
      'cfn-lint | missing | not found | pip install cfn-lint==1.51.0 (CI=true: lint fails without it)',
    );
    expect(row(result.stdout, 'moto_server')).toBe(
      "moto_server | missing | not found | pip install 'moto[server]' (only for the integration tests, which fail without it when CI=true)",
    );
    expect(result.stdout.endsWith('Not ready: cfn-lint, moto_server. See "How to get it" above.\n')).toBe(true);
    expect(result.code).toBe(1);
  });

  it('flags a cfn-lint 0.x, whose JSON the finding mapper cannot read', async () => {
    // Act
    const result = await doctor([], { tools: { 'cfn-lint': found('cfn-lint 0.87.1\n') } }, { CI: 'true' });

    // Assess
    expect(row(result.stdout, 'cfn-lint')).toBe('cfn-lint | wrong version | 0.87.1 | pip install cfn-lint==1.51.0 (1.x is required)');
    expect(result.code).toBe(1);
  });

  it.each([
    {
      name: 'an access key in the environment',
      env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
      files: [],
      found: 'access key in the environment',
    },
    {
      name: 'a web identity token (CI OIDC)',
      env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'publish-role' },
      files: [],
      found: 'web identity token (OIDC)',
    },
    {
      name: 'a profile and its files',
      env: { AWS_PROFILE: 'bakery' },
      files: [`${HOME}/.aws/credentials`, `${HOME}/.aws/config`],
      found: 'profile bakery, ~/.aws/credentials and ~/.aws/config',
    },
    {
      name: 'files named by the environment',
      env: { AWS_CONFIG_FILE: '/etc/aws/config' },
      files: ['/etc/aws/config'],
      found: '/etc/aws/config',
    },
  ])('finds credentials without calling AWS: $name', async ({ env, files, found: expected }) => {
    // Act
    const result = await doctor([], { files }, env);

    // Assess
    expect(row(result.stdout, 'AWS credentials')).toBe(`AWS credentials | ok | ${expected} (not verified; --aws checks)`);
    expect(result.probes.callerIdentity).not.toHaveBeenCalled();
    expect(result.stdout).not.toContain('secret');
  });

  it('with --aws asks STS who the credentials are, in the bakery region, with a short timeout', async () => {
    // Act
    const result = await doctor(['--aws'], {}, { BAKERY_REGION: 'eu-central-1', AWS_REGION: 'us-west-2' });

    // Assess
    expect(result.probes.callerIdentity.mock.calls).toEqual([['eu-central-1', 5_000]]);
    expect(row(result.stdout, 'AWS credentials')).toBe('AWS credentials | ok | account 111122223333, assumed-role/ami-bakery-publish/ci');
    expect(result.code).toBe(0);
  });

  it('with --aws requires the call to succeed and shows why it did not', async () => {
    // Prepare
    const failure = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });

    // Act
    const result = await doctor(['--aws'], { identity: async () => Promise.reject(failure) });

    // Assess
    expect(result.probes.callerIdentity.mock.calls).toEqual([['us-east-1', 5_000]]);
    expect(row(result.stdout, 'AWS credentials')).toBe(
      'AWS credentials | missing | sts:GetCallerIdentity in us-east-1 failed (CredentialsProviderError: Could not load credentials from any providers) | ' +
        'only bakery publish needs them: aws configure sso (or set AWS_PROFILE); on CI, OIDC with aws-actions/configure-aws-credentials',
    );
    expect(result.stdout.endsWith('Not ready: AWS credentials. See "How to get it" above.\n')).toBe(true);
    expect(result.code).toBe(1);
  });

  it.each([
    {
      name: 'enabled',
      inspector: async () => ({ account: '111122223333', status: 'ENABLED' }),
      expected: 'Inspector EC2 scanning | ok | ENABLED in account 111122223333, eu-west-1',
    },
    {
      name: 'disabled',
      inspector: async () => ({ account: '111122223333', status: 'DISABLED' }),
      expected:
        'Inspector EC2 scanning | not enabled | DISABLED in account 111122223333, eu-west-1 | ' +
        'in the bakery account: aws inspector2 enable --resource-types EC2 --region eu-west-1 (README, "Prerequisite: Amazon Inspector EC2 scanning")',
    },
    {
      name: 'access denied',
      inspector: async () =>
        Promise.reject(
          Object.assign(new Error('not authorized to perform inspector2:BatchGetAccountStatus'), { name: 'AccessDeniedException' }),
        ),
      expected:
        'Inspector EC2 scanning | unknown | inspector2:BatchGetAccountStatus in eu-west-1 failed (AccessDeniedException: not authorized to perform inspector2:BatchGetAccountStatus) | ' +
        'in the bakery account: aws inspector2 enable --resource-types EC2 --region eu-west-1 (README, "Prerequisite: Amazon Inspector EC2 scanning")',
    },
  ])(
    'with --aws reports Amazon Inspector EC2 scanning, which image scanning needs, without failing doctor: $name',
    async ({ inspector, expected }) => {
      // Act
      const result = await doctor(['--aws'], { inspector }, { AWS_REGION: 'eu-west-1' });

      // Assess
      expect(result.probes.inspectorEc2Status.mock.calls).toEqual([['eu-west-1', 5_000]]);
      expect(row(result.stdout, 'Inspector EC2 scanning')).toBe(expected);
      expect(result.code).toBe(0);
    },
  );

  it.each([
    {
      name: 'an organization aggregator over all regions',
      aggregator: async () => ({ name: 'org-all', region: 'eu-west-1', regions: 'all' as const }),
      expected: 'Config aggregator | ok | org-all in eu-west-1 (organization, all regions)',
    },
    {
      name: 'none',
      aggregator: async () =>
        Promise.reject(new Error('No AWS Config organization aggregator in eu-west-1; see README "Rolling images out and back"')),
      expected:
        'Config aggregator | optional | No AWS Config organization aggregator in eu-west-1 | only bakery usage needs it: an AWS Config organization aggregator in the management or a delegated administrator account (README "Rolling images out and back"); BAKERY_CONFIG_AGGREGATOR names it, BAKERY_CONFIG_AGGREGATOR_REGION gives its region',
    },
  ])('with --aws looks for the Config aggregator bakery usage needs, without failing doctor: $name', async ({ aggregator, expected }) => {
    // Act
    const result = await doctor(['--aws'], { aggregator }, { AWS_REGION: 'eu-west-1', BAKERY_CONFIG_AGGREGATOR: 'org-all' });

    // Assess
    expect(result.probes.configAggregator.mock.calls).toEqual([['eu-west-1', 5_000, 'org-all']]);
    expect(row(result.stdout, 'Config aggregator')).toBe(expected);
    expect(result.code).toBe(0);
  });

  it('without --aws does not ask Amazon Inspector', async () => {
    // Act
    const result = await doctor([]);

    // Assess
    expect(result.probes.inspectorEc2Status).not.toHaveBeenCalled();
    expect(row(result.stdout, 'Inspector EC2 scanning')).toBeUndefined();
  });

  it("checks the versions the workspace's root package.json pins", () => {
    // Prepare
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      packageManager: string;
      engines: { node: string };
    };

    // Assess
    expect(root.packageManager).toBe(`pnpm@${PNPM_VERSION}`);
    expect(`${root.engines.node}.0`).toBe(`>=${NODE_MINIMUM}`);
  });

  it('takes no arguments (exit 2)', async () => {
    // Act
    const result = await bakery(['doctor', 'pnpm']);

    // Assess
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'bakery: doctor takes no arguments, got: pnpm\n' });
  });
});

describe('Doctor probes on the real machine', () => {
  const servers: Server[] = [];
  const saved = { ...process.env };
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    for (const key of ['AWS_ENDPOINT_URL_STS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  /** A local stand-in for STS; the SDK is pointed at it with AWS_ENDPOINT_URL_STS. */
  async function fakeSts(answer: boolean): Promise<string[]> {
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        bodies.push(body);
        if (!answer) return;
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
            '<Arn>assumed-role/ami-bakery-publish/ci</Arn><UserId>AROAEXAMPLE:ci</UserId><Account>111122223333</Account>' +
            '</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
        );
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    return bodies;
  }

  it('reads the versions of Node.js and git', async () => {
    // Prepare: the real Node.js and git probes; the other tools answer as on a complete machine.
    let stdout = '';
    const command = createDoctorCommand({
      run: async (tool, args) => (tool === 'git' ? defaultProbes.run(tool, args) : (COMPLETE[tool] ?? notFound)),
      // A day every Node.js this suite runs on (20, 22, 24) was supported.
      today: () => new Date('2026-01-15T00:00:00Z'),
    });

    // Act
    const code = await command.run(
      { values: {}, positionals: [] },
      { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: HOME, env: {} },
    );

    // Assess
    const git = /(\d+\.\d+\.\d+)/.exec(execFileSync('git', ['--version'], { encoding: 'utf8' }))?.[1];
    expect(row(stdout, 'Node.js')).toBe(`Node.js >= 20.19.0 | ok | ${process.versions.node}`);
    expect(row(stdout, 'git')).toBe(`git | ok | ${git}`);
    expect(code).toBe(0);
  });

  it('reports a tool that is not on PATH as not found', async () => {
    // Act
    const run = await defaultProbes.run('bakery-no-such-tool', ['--version']);

    // Assess
    expect(run).toEqual({ found: false, code: null, stdout: '', stderr: '' });
  });

  it('asks STS GetCallerIdentity in the given region', async () => {
    // Prepare
    const bodies = await fakeSts(true);

    // Act
    const identity = await defaultProbes.callerIdentity('eu-central-1', 5_000);

    // Assess
    expect(identity).toEqual({ account: '111122223333', arn: 'assumed-role/ami-bakery-publish/ci' });
    expect(bodies).toEqual(['Action=GetCallerIdentity&Version=2011-06-15']);
  });

  it('gives up on an STS endpoint that does not answer', async () => {
    // Prepare
    const bodies = await fakeSts(false);

    // Act
    const call = defaultProbes.callerIdentity('eu-central-1', 300);

    // Assess
    // The error names the operation and the endpoint that did not answer.
    await expect(call).rejects.toMatchObject({
      name: 'AwsTimeoutError',
      action: 'sts:GetCallerIdentity',
      endpoint: process.env.AWS_ENDPOINT_URL_STS,
    });
    expect(bodies).toEqual(['Action=GetCallerIdentity&Version=2011-06-15']);
  });
});
