import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Offline and deterministic: no IMDS probing, no telemetry, a fixed account and region for any
// env-dependent lookup. CDK_VALIDATION is left to each test file (see tests/nag.test.ts).
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';
process.env.CDK_DEFAULT_ACCOUNT = '111111111111';
process.env.CDK_DEFAULT_REGION = 'eu-west-1';
process.env.AWS_REGION = 'eu-west-1';

// Every App without an outdir synthesizes into CDK_OUTDIR: one folder per test file, removed after
// it, instead of a cdk.out* folder per App left in the system temp folder.
const outdir = mkdtempSync(path.join(tmpdir(), 'management-stack-cdk-'));
process.env.CDK_OUTDIR = outdir;
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
