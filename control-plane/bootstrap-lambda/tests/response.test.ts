import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildResponse,
  type CustomResourceResponse,
  createHttpsRespond,
  MAX_RESPONSE_BYTES,
  ResponseDeliveryError,
} from '../src/response.js';

const TARGET = { StackId: 'stack-id', RequestId: 'request-id', LogicalResourceId: 'Bootstrap' };

describe('buildResponse', () => {
  it('keeps a short Reason and echoes the request identifiers', () => {
    // Act
    const body = buildResponse(TARGET, 'SUCCESS', 'phys', 'all good', { A: '1' });

    // Assess
    expect(body).toEqual({
      Status: 'SUCCESS',
      Reason: 'all good',
      PhysicalResourceId: 'phys',
      StackId: 'stack-id',
      RequestId: 'request-id',
      LogicalResourceId: 'Bootstrap',
      NoEcho: false,
      Data: { A: '1' },
    });
  });

  it.each([
    { name: 'plain ASCII', reason: 'x'.repeat(10_000) },
    { name: 'quotes and newlines that grow when escaped', reason: '"\n\\'.repeat(3_000) },
    { name: 'multi-byte characters and emoji', reason: 'Größe 🚀 テスト '.repeat(600) },
    { name: 'control characters', reason: '\u0001\u0002'.repeat(2_000) },
  ])('cuts a long Reason ($name) so the body fits 4 KB, and marks it', ({ reason }) => {
    // Act
    const body = buildResponse(TARGET, 'FAILED', 'phys', reason, { A: '1' });
    const json = JSON.stringify(body);

    // Assess
    expect(Buffer.byteLength(json, 'utf8')).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(Buffer.byteLength(json, 'utf8')).toBeGreaterThan(MAX_RESPONSE_BYTES - 16);
    expect(body.Reason.endsWith(' [truncated; see the Lambda logs]')).toBe(true);
    expect(reason.startsWith(body.Reason.replace(' [truncated; see the Lambda logs]', ''))).toBe(true);
    expect(body.Data).toEqual({ A: '1' });
    // No lone surrogate: the cut never splits a character.
    expect(json).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\udc)/i);
  });

  it('drops Data that would not leave room for a Reason', () => {
    // Act
    const body = buildResponse(TARGET, 'SUCCESS', 'phys', 'done', { Big: 'y'.repeat(5_000) });

    // Assess
    expect(body.Data).toBeUndefined();
    expect(body.Reason).toBe('done');
  });
});

describe('createHttpsRespond', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A local stand-in for the pre-signed S3 URL, answering with the given status codes in turn. */
  async function responseServer(statuses: number[]) {
    const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
        if (status === 0) return; // never answer
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/bucket/key?X-Amz-Signature=abc`, received };
  }

  const body: CustomResourceResponse = buildResponse(TARGET, 'SUCCESS', 'phys', 'ok');
  const local = (extra = {}) => createHttpsRespond({ request: http.request, protocols: ['http:'], sleep: vi.fn(async () => {}), ...extra });

  it('PUTs the JSON body with an empty content type and its byte length', async () => {
    // Prepare
    const { url, received } = await responseServer([200]);

    // Act
    await local()(url, body);

    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'PUT', url: '/bucket/key?X-Amz-Signature=abc', body: JSON.stringify(body) });
    expect(received[0]?.headers['content-type']).toBe('');
    expect(received[0]?.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(body))));
  });

  it.each([
    { name: 'a server error, then success', statuses: [500, 200], attempts: 2, fails: false },
    { name: 'throttling, then success', statuses: [429, 200], attempts: 2, fails: false },
    { name: 'server errors every time', statuses: [503], attempts: 3, fails: true },
    { name: 'an expired URL (403, not retried)', statuses: [403], attempts: 1, fails: true },
  ])('retries only what can succeed later: $name', async ({ statuses, attempts, fails }) => {
    // Prepare
    const { url, received } = await responseServer(statuses);

    // Act
    const sent = local()(url, body);

    // Assess
    if (fails) await expect(sent).rejects.toThrow(ResponseDeliveryError);
    else await expect(sent).resolves.toBeUndefined();
    expect(received).toHaveLength(attempts);
  });

  it('gives up on a URL that never answers after the bounded attempts', async () => {
    // Prepare
    const { url, received } = await responseServer([0]);

    // Act
    const sent = local({ timeoutMs: 50, attempts: 2 })(url, body);

    // Assess
    await expect(sent).rejects.toThrow('no answer within 50 ms');
    expect(received).toHaveLength(2);
  });

  it.each([
    {
      name: 'a silent URL with 1 s of the invocation left',
      statuses: [0],
      remaining: 1_000,
      attempts: 1,
      error: /^no answer within (69\d|700) ms$/,
    },
    { name: 'a server error with 1 s left: one retry still fits', statuses: [500, 200], remaining: 1_000, attempts: 2, error: undefined },
    {
      name: 'a server error with 0.6 s left: no retry fits after the backoff',
      statuses: [500, 200],
      remaining: 600,
      attempts: 1,
      error: /^the response URL answered HTTP 500$/,
    },
    { name: 'no time left at all', statuses: [200], remaining: 400, attempts: 0, error: /^no time left in the invocation for attempt 1/ },
  ])('stays within the invocation deadline: $name', async ({ statuses, remaining, attempts, error }) => {
    // Prepare: the Lambda clock, running in real time from `remaining`
    const { url, received } = await responseServer(statuses);
    const started = Date.now();
    const deadline = { remainingMs: () => remaining - (Date.now() - started) };

    // Act
    const sent = createHttpsRespond({ request: http.request, protocols: ['http:'] })(url, body, deadline);

    // Assess
    if (error) await expect(sent).rejects.toThrow(error);
    else await expect(sent).resolves.toBeUndefined();
    expect(received).toHaveLength(attempts);
  });

  it.each([
    { name: 'empty', url: '', message: 'the ResponseURL is not a URL' },
    { name: 'plain http', url: 'http://example.invalid/x', message: 'the ResponseURL uses http:, expected https:' },
  ])('refuses a $name ResponseURL without sending anything', async ({ url, message }) => {
    // Prepare
    const request = vi.fn();

    // Act
    const sent = createHttpsRespond({ request: request as never })(url, body);

    // Assess
    await expect(sent).rejects.toThrow(message);
    expect(request).not.toHaveBeenCalled();
  });
});
