import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import https from 'node:https';
import { sleep as defaultSleep, type Sleep } from './deadline.js';

type ResponseStatus = 'SUCCESS' | 'FAILED';

/** The body CloudFormation expects at the pre-signed ResponseURL. */
interface CustomResourceResponse {
  Status: ResponseStatus;
  Reason: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho: boolean;
  Data?: Record<string, string>;
}

/** How much of the invocation is left; a response must be delivered within it. */
interface ResponseDeadline {
  remainingMs(): number;
}

/**
 * Sends one response; rejects when it could not be delivered. With `deadline`, every attempt and
 * every wait between attempts fits in the time the invocation has left.
 */
type Respond = (responseUrl: string, body: CustomResourceResponse, deadline?: ResponseDeadline) => Promise<void>;

/** Kept free at the end of the invocation: the Lambda runtime needs it to return. */
const DEADLINE_MARGIN_MS = 300;
/** An attempt with less time than this cannot complete a TLS handshake and a PUT: not started. */
const MIN_ATTEMPT_MS = 200;

/**
 * Why a ResponseURL is refused before any work or AWS call: CloudFormation's are pre-signed https
 * S3 URLs, and the response (status, reason, resource ids) must never travel in clear text.
 */
function responseUrlProblem(responseUrl: unknown, protocols: readonly string[] = ['https:']): string | undefined {
  let url: URL;
  try {
    url = new URL(String(responseUrl));
  } catch {
    return 'the ResponseURL is not a URL';
  }
  if (!protocols.includes(url.protocol)) return `the ResponseURL uses ${url.protocol}, expected ${protocols.join(' or ')}`;
  return undefined;
}

interface ResponseTarget {
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
}

/** CloudFormation rejects response bodies over 4 KB. */
const MAX_RESPONSE_BYTES = 4096;
const TRUNCATED = ' [truncated; see the Lambda logs]';

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Size of a string once JSON-escaped: quotes and control characters grow it. */
function escapedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

/** Cuts a string so its JSON-escaped form takes at most `max` bytes, never splitting a character. */
function truncateEscaped(text: string, max: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = escapedBytes(ch);
    if (used + size > max) break;
    out += ch;
    used += size;
  }
  return out;
}

/**
 * Builds a response that fits the 4 KB limit: the Reason is cut first, and Data is dropped only
 * if it alone would not fit (a response that is too big is lost, which hangs the stack).
 */
function buildResponse(
  target: ResponseTarget,
  status: ResponseStatus,
  physicalResourceId: string,
  reason: string,
  data?: Record<string, string>,
): CustomResourceResponse {
  const base: CustomResourceResponse = {
    Status: status,
    Reason: '',
    PhysicalResourceId: physicalResourceId,
    StackId: target.StackId,
    RequestId: target.RequestId,
    LogicalResourceId: target.LogicalResourceId,
    NoEcho: false,
    ...(data && Object.keys(data).length > 0 ? { Data: data } : {}),
  };
  if (byteLength(base) > MAX_RESPONSE_BYTES - 256) delete base.Data;
  const room = MAX_RESPONSE_BYTES - byteLength(base);
  if (escapedBytes(reason) <= room) return { ...base, Reason: reason };
  return { ...base, Reason: `${truncateEscaped(reason, room - escapedBytes(TRUNCATED))}${TRUNCATED}` };
}

interface HttpsRespondOptions {
  /** Swappable for tests against a local plain-HTTP server. */
  request?: (url: URL, options: RequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest;
  protocols?: readonly string[];
  attempts?: number;
  timeoutMs?: number;
  sleep?: Sleep;
}

class ResponseDeliveryError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = 'ResponseDeliveryError';
    this.retryable = retryable;
  }
}

function putOnce(url: URL, body: string, options: Required<Pick<HttpsRespondOptions, 'request' | 'timeoutMs'>>): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ok = () => {
      clearTimeout(timer);
      resolve();
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const req = options.request(
      url,
      {
        method: 'PUT',
        // The URL is pre-signed without a content type: sending one breaks the signature.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body, 'utf8') },
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) ok();
          else fail(new ResponseDeliveryError(`the response URL answered HTTP ${code}`, code >= 500 || code === 429));
        });
        res.on('error', (error) => fail(new ResponseDeliveryError(`reading the answer failed: ${error.message}`, true)));
      },
    );
    // The socket timeout counts only silence; the timer bounds the whole attempt (a server trickling bytes).
    timer = setTimeout(() => req.destroy(new ResponseDeliveryError(`no answer within ${options.timeoutMs} ms`, true)), options.timeoutMs);
    req.on('timeout', () => req.destroy(new ResponseDeliveryError(`no answer within ${options.timeoutMs} ms`, true)));
    req.on('error', (error) =>
      fail(
        error instanceof ResponseDeliveryError
          ? error
          : new ResponseDeliveryError(`${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}`, true),
      ),
    );
    req.end(body);
  });
}

/**
 * PUTs the response with node's https, a per-attempt timeout and a few retries: bounded, unlike
 * the original's endless loop against an empty URL. Given the invocation's deadline, no attempt
 * or backoff runs past it: each attempt gets at most the time left (less a margin), and a retry
 * that could not start with enough time is not made.
 */
function createHttpsRespond(options: HttpsRespondOptions = {}): Respond {
  const request = options.request ?? https.request;
  const protocols = options.protocols ?? ['https:'];
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const sleep = options.sleep ?? defaultSleep;
  return async (responseUrl, body, deadline) => {
    const problem = responseUrlProblem(responseUrl, protocols);
    if (problem !== undefined) throw new ResponseDeliveryError(problem, false);
    const url = new URL(responseUrl);
    const text = JSON.stringify(body);
    const left = () => (deadline ? deadline.remainingMs() - DEADLINE_MARGIN_MS : Number.POSITIVE_INFINITY);
    for (let attempt = 1; ; attempt += 1) {
      const budget = Math.min(timeoutMs, left());
      if (deadline !== undefined && budget < MIN_ATTEMPT_MS) {
        throw new ResponseDeliveryError(
          `no time left in the invocation for attempt ${attempt} (${Math.max(0, Math.round(left()))} ms)`,
          false,
        );
      }
      try {
        await putOnce(url, text, { request, timeoutMs: Math.floor(budget) });
        return;
      } catch (error) {
        const retryable = error instanceof ResponseDeliveryError ? error.retryable : true;
        if (!retryable || attempt >= attempts) throw error;
        const backoff = 250 * 2 ** (attempt - 1);
        // Waiting is worth it only when an attempt still fits after the wait.
        if (left() - backoff < MIN_ATTEMPT_MS) throw error;
        await sleep(backoff);
      }
    }
  };
}

/** Host only: the query string of a pre-signed URL is a credential. */
function safeUrl(responseUrl: unknown): string {
  try {
    const url = new URL(String(responseUrl));
    return `${url.protocol}//${url.host}${url.pathname.slice(0, 60)}`;
  } catch {
    return '(not a URL)';
  }
}

export {
  buildResponse,
  type CustomResourceResponse,
  createHttpsRespond,
  DEADLINE_MARGIN_MS,
  MAX_RESPONSE_BYTES,
  MIN_ATTEMPT_MS,
  type Respond,
  type ResponseDeadline,
  ResponseDeliveryError,
  type ResponseStatus,
  type ResponseTarget,
  responseUrlProblem,
  safeUrl,
};
