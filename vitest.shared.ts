/**
 * Test settings every package shares. The time limits are guards against a hung process, not
 * speed goals: several suites spawn real tools (cfn-lint, git, moto_server, the CLI) on a 2-core
 * machine that Nx also loads with other suites, where a 1.5 s cfn-lint run can take ten times as long.
 */
export const sharedTestOptions = {
  include: ['tests/**/*.test.ts'],
  // A CDK synth with cdk-nag and the Control Tower rules takes 15 s alone and over 60 s when every
  // core runs another suite (seen under .ci/run's second pass); these only bound a hang.
  testTimeout: 240_000,
  hookTimeout: 300_000,
};
