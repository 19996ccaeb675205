/**
 * Which Node.js versions bakery runs on, and what it says about them. `bakery doctor` is the one
 * place that warns about an end-of-life Node.js; every other command keeps quiet about it, and
 * so keeps the AWS SDK from printing its own eight-line notice on each run (the SDK warns on
 * Node.js 20 and older that its releases after the first week of January 2027 need Node.js 22).
 */

/** Root package.json `engines.node`: vite 8 needs 20.19. */
export const NODE_MINIMUM = '20.19.0';
/** The Node.js lines to move to: the supported LTS releases CI tests on (the Lambdas run on 24). */
export const NODE_RECOMMENDED = [22, 24] as const;

/**
 * End of life of each Node.js major (nodejs.org release schedule): even majors are LTS and end
 * in April three years after their release, odd majors in June after eight months.
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
};

/** The date `major` reached (or reaches) end of life, or undefined for a major not in the table. */
export function endOfLife(major: number): string | undefined {
  return NODE_END_OF_LIFE[major];
}

/** True when Node.js `major` is past its end of life on `today`. Majors newer than the table are not. */
export function isEndOfLife(major: number, today: Date): boolean {
  const date = endOfLife(major);
  if (date !== undefined) return today.toISOString().slice(0, 10) >= date;
  // Older than every entry: long gone.
  return major < Math.min(...Object.keys(NODE_END_OF_LIFE).map(Number));
}

/** The AWS SDK's documented switch for its Node.js version notice (aws/aws-sdk-js-v3#7983). */
export const AWS_SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Turns the AWS SDK's Node.js version notice off for this process, unless the user set the switch
 * themselves (to `false`, to see it). Call before the first SDK client is made.
 */
export function quietAwsSdkNodeWarning(env: NodeJS.ProcessEnv = process.env): void {
  env[AWS_SDK_NODE_WARNING_SWITCH] ??= 'true';
}
