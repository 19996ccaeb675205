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

/** Sends one response; rejects when it could not be delivered. */
type Respond = (responseUrl: string, body: CustomResourceResponse) => Promise<void>;

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
          if (code >= 200 && code < 300) resolve();
          else reject(new ResponseDeliveryError(`the response URL answered HTTP ${code}`, code >= 500 || code === 429));
        });
        res.on('error', (error) => reject(new ResponseDeliveryError(`reading the answer failed: ${error.message}`, true)));
      },
    );
    req.on('timeout', () => req.destroy(new ResponseDeliveryError(`no answer within ${options.timeoutMs} ms`, true)));
    req.on('error', (error) =>
      reject(
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
 * the original's endless loop against an empty URL.
 */
function createHttpsRespond(options: HttpsRespondOptions = {}): Respond {
  const request = options.request ?? https.request;
  const protocols = options.protocols ?? ['https:'];
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const sleep = options.sleep ?? defaultSleep;
  return async (responseUrl, body) => {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      throw new ResponseDeliveryError('the ResponseURL is not a URL', false);
    }
    if (!protocols.includes(url.protocol))
      throw new ResponseDeliveryError(`the ResponseURL uses ${url.protocol}, expected ${protocols.join(' or ')}`, false);
    const text = JSON.stringify(body);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await putOnce(url, text, { request, timeoutMs });
        return;
      } catch (error) {
        const retryable = error instanceof ResponseDeliveryError ? error.retryable : true;
        if (!retryable || attempt >= attempts) throw error;
        await sleep(250 * 2 ** (attempt - 1));
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
  MAX_RESPONSE_BYTES,
  type Respond,
  ResponseDeliveryError,
  type ResponseStatus,
  type ResponseTarget,
  safeUrl,
};
