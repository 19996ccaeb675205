/**
 * Test settings every package shares. The time limits are guards against a hung process, not
 * speed goals: several suites spawn real tools (cfn-lint, git, moto_server, the CLI) on a 2-core
 * machine that Nx also loads with other suites, where a 1.5 s cfn-lint run can take ten times as long.
 */
export const sharedTestOptions = {
  include: ['tests/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 180_000,
};
