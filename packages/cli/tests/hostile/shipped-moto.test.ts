/**
 * The shipped CLI is what is tested: the launcher (bin/bakery.mjs) runs the built bundle in dist/,
 * and `doctor --aws` and `publish` (dry run and real) go through it to a moto server the test
 * starts on 127.0.0.1 and stops. No credential, profile or region of the caller is used.
 */

import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceCopy } from '../pipeline-helpers.js';
import { ensureShippedBundle, runShipped } from './helpers.js';

const MOTO = findOnPath('moto_server');
const REGION = 'us-east-1';
const BUCKET = 'ami-bakery-artifacts-test';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

if (!MOTO && process.env.CI === 'true') {
  describe('shipped CLI against moto', () => {
    it('needs moto_server on PATH in CI', () => {
      throw new Error("moto_server is not on PATH; CI must provide it (pip install 'moto[server]')");
    });
  });
}

describe.skipIf(!MOTO)('Hostile: the shipped CLI bundle against a moto server', () => {
  let moto: MotoServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureShippedBundle();
    moto = await startMoto(MOTO as string);
    env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
    };
    const s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3.destroy();
  }, 300_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('doctor --aws asks STS who the caller is (the bundled SDK client constructs)', () => {
    // Act
    const run = runShipped(['doctor', '--aws'], { cwd: workspaceCopy(), env });

    // Assess
    const row = run.stdout.split('\n').find((line) => line.startsWith('AWS credentials'));
    expect(row).toMatch(/^AWS credentials +ok +account 123456789012, arn:aws:sts::123456789012:user\/moto$/);
    expect(run.stderr).not.toContain('running the sources with tsx');
  });

  it('publish --dry-run plans the first upload of the bundle to the S3 source, then publish uploads it, then nothing is left to publish', () => {
    // Prepare
    const root = workspaceCopy();
    const bundled = runShipped(['bundle', 'recipes/al2023-hardened', '--out', 'bundle'], { cwd: root, env });
    expect(bundled.status).toBe(0);
    const target = [
      '--bundle',
      'bundle',
      '--s3',
      `s3://${BUCKET}/source/bundle.zip`,
      '--region',
      REGION,
      '--allow-delete',
      '--source-commit',
      '0123456789abcdef0123456789abcdef01234567',
    ];

    // Act
    const dryRun = runShipped(['publish', ...target, '--dry-run'], { cwd: root, env });
    const publish = runShipped(['publish', ...target], { cwd: root, env });
    const again = runShipped(['publish', ...target, '--dry-run'], { cwd: root, env });

    // Assess
    expect({ status: dryRun.status, stderr: dryRun.stderr }).toEqual({ status: 0, stderr: '' });
    expect(dryRun.stdout).toContain(`Publish to s3://${BUCKET}/source/bundle.zip\n  base: none (first publish)\n`);
    expect(dryRun.stdout).toContain('3 to add, 0 to change, 0 to delete, 0 unchanged; 1 upload.');
    expect(dryRun.stdout).toContain(`Dry run: nothing was written to s3://${BUCKET}/source/bundle.zip.`);
    expect({ status: publish.status, stderr: publish.stderr }).toEqual({ status: 0, stderr: '' });
    expect(publish.stdout).toContain(`Uploaded s3://${BUCKET}/source/bundle.zip`);
    expect(again.stdout).toContain('Nothing to publish');
  });

  it('publish refuses a partial bundle without --allow-delete, before writing anything', () => {
    // Prepare
    const root = workspaceCopy();
    runShipped(['bundle', 'recipes/al2023-hardened', '--out', 'bundle'], { cwd: root, env });

    // Act
    const run = runShipped(['publish', '--bundle', 'bundle', '--s3', `s3://${BUCKET}/partial/bundle.zip`, '--region', REGION], {
      cwd: root,
      env,
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^bakery: Refusing to publish a partial bundle to s3:\/\/ami-bakery-artifacts-test\/partial\/bundle\.zip: /);
  });
});
