/**
 * Hostile network: an endpoint on 127.0.0.1 that accepts the connection and never answers (or
 * answers some calls and hangs on one). Every AWS call of publish must end with an error that
 * names the operation and the endpoint, within the short timeouts the test sets, and the whole
 * publish within its deadline.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AwsTimeoutError,
  type ClientFactory,
  createClientFactory,
  PublishDeadlineError,
  type PublishError,
  type PublishTarget,
  publish,
} from '../../src/index.js';
import { AL2023, bundleFiles, removeBundles, writeBundle } from '../helpers/bundle.js';
import { noSleep } from '../helpers/publish.js';

const CREDENTIALS = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'not-a-secret' };
/** Short on purpose: the test's own bound, far below the defaults (5 s, 30 s, 3 attempts). */
const TIMEOUTS = { connectTimeoutMs: 200, requestTimeoutMs: 300, maxAttempts: 2 };

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await removeBundles();
});

/** A TCP server that accepts every connection and never sends a byte. */
async function silentServer(): Promise<string> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** A CodeCommit endpoint that answers GetBranch (no such branch) and hangs on every other call. */
async function hangingOn(hang: string): Promise<string> {
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    sockets.push(request.socket);
    const operation = String(request.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    request.resume();
    if (operation === hang) return; // never answers
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ __type: 'BranchDoesNotExistException', message: 'no branch' }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function publishTo(
  endpoint: string,
  target: PublishTarget,
  options: { roleArn?: string; deadlineMs?: number; timeouts?: typeof TIMEOUTS } = {},
) {
  const clients: ClientFactory = createClientFactory({ endpoint, credentials: CREDENTIALS, timeouts: options.timeouts ?? TIMEOUTS });
  const bundleDir = await writeBundle(bundleFiles([{ name: AL2023, version: '1.0.0' }]));
  return publish(
    {
      bundleDir,
      target,
      region: 'eu-west-1',
      ...(options.roleArn ? { roleArn: options.roleArn } : {}),
      ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
    },
    { clients, sleep: noSleep },
  ).then(
    () => undefined,
    (error: unknown) => error as PublishError,
  );
}

const CODECOMMIT = { kind: 'codecommit', repositoryName: 'ami-bakery-recipes', branch: 'main' } as const;
const S3 = { kind: 's3', bucket: 'ami-bakery-artifacts', key: 'source/bundle.zip' } as const;
const ROLE = ['arn', 'aws', 'iam', '', '111122223333', 'role/ami-bakery-publisher'].join(':');

describe('Hostile: an endpoint that accepts and never answers', () => {
  it.each([
    { case: 'CodeCommit GetBranch', target: CODECOMMIT, roleArn: undefined, action: 'codecommit:GetBranch' },
    { case: 'S3 HeadObject', target: S3, roleArn: undefined, action: 's3:GetObject' },
    { case: 'STS AssumeRole', target: CODECOMMIT, roleArn: ROLE, action: 'sts:AssumeRole' },
  ])('$case times out with a message naming the operation and the endpoint', async ({ target, roleArn, action }) => {
    // Prepare
    const endpoint = await silentServer();

    // Act
    const error = await publishTo(endpoint, target, roleArn ? { roleArn } : {});

    // Assess
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect((error as AwsTimeoutError).action).toBe(action);
    expect((error as AwsTimeoutError).endpoint).toBe(endpoint);
    expect((error as Error).message).toContain(`${action} on `);
    expect((error as Error).message).toContain(`timed out: ${endpoint} gave no answer (ETIMEDOUT, 2 attempts)`);
  });

  it('a CreateCommit that hangs times out naming codecommit:CreateCommit, after the reads answered', async () => {
    // Prepare
    const endpoint = await hangingOn('CreateCommit');

    // Act
    const error = await publishTo(endpoint, CODECOMMIT);

    // Assess
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect((error as AwsTimeoutError).action).toBe('codecommit:CreateCommit');
    expect((error as AwsTimeoutError).endpoint).toBe(endpoint);
  });

  it('the whole publish stops at its deadline, naming the call in flight, even when each call may wait longer', async () => {
    // Prepare
    const endpoint = await silentServer();

    // Act
    const error = await publishTo(endpoint, CODECOMMIT, {
      deadlineMs: 300,
      timeouts: { connectTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxAttempts: 1 },
    });

    // Assess
    expect(error).toBeInstanceOf(PublishDeadlineError);
    expect((error as PublishDeadlineError).action).toBe('codecommit:GetBranch');
    expect((error as Error).message).toContain(
      `after its deadline of 0.3 s, during codecommit:GetBranch on repository ami-bakery-recipes in eu-west-1 (${endpoint})`,
    );
  });
});
