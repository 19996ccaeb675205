// Offline and deterministic: no IMDS probing, no telemetry, a fixed account and region for any
// env-dependent lookup. CDK_VALIDATION is left to each test file (see tests/nag.test.ts).
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';
process.env.CDK_DEFAULT_ACCOUNT = '111111111111';
process.env.CDK_DEFAULT_REGION = 'eu-west-1';
process.env.AWS_REGION = 'eu-west-1';
