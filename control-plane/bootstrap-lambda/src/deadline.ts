/** How long the work may keep going, derived from the Lambda context on every check. */
interface Deadline {
  /** Milliseconds left for work, after the safety margin kept for answering CloudFormation. */
  remainingMs(): number;
  /** Aborted when the hard deadline timer fires: pending waits and SDK calls stop early. */
  readonly signal: AbortSignal;
  readonly pollIntervalMs: number;
  sleep(ms: number): Promise<void>;
}

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

interface TimeSource {
  getRemainingTimeInMillis(): number;
}

const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function createDeadline(
  context: TimeSource,
  options: { safetyMarginMs: number; pollIntervalMs: number; signal: AbortSignal; sleep?: Sleep },
): Deadline {
  const doSleep = options.sleep ?? sleep;
  return {
    remainingMs: () => context.getRemainingTimeInMillis() - options.safetyMarginMs,
    signal: options.signal,
    pollIntervalMs: options.pollIntervalMs,
    sleep: (ms) => doSleep(ms, options.signal),
  };
}

export { createDeadline, type Deadline, type Sleep, sleep, type TimeSource };
