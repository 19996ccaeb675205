import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CodeCommitClient, CreateCommitCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClientFactory } from '../../src/aws.js';
import { bootstrap } from '../../src/bootstrap.js';
import type { CustomResourceResponse } from '../../src/response.js';
import {
  ACCOUNT,
  arn,
  awsError,
  BAKERY_REGION,
  cfnEvent,
  fixture,
  PHYSICAL_ID,
  ROLE_NAME,
  recordingFactory,
  recordingLogger,
  SEED_DIR,
  SHIPPED_DIR,
  STACK_NAME,
} from '../helpers.js';

/**
 * Create, Update, repeated Create and Delete through the real SDK clients against a local moto
 * server (STS, CloudFormation, S3). moto's CodeCommit is broken, so CodeCommit stays mocked, and
 * the bakery template is a stand-in moto can deploy (versioned bucket + SSM parameter).
 */

const MOTO = findOnPath('moto_server');
const BASE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const cc = mockClient(CodeCommitClient);

if (!MOTO && process.env.CI === 'true') {
  describe('moto integration', () => {
    it('needs moto_server on PATH in CI', () => {
      throw new Error('moto_server is not on PATH; CI must provide it (pyenv moto 5.2.1)');
    });
  });
} else if (!MOTO) {
  console.warn('moto_server not found on PATH: skipping the moto integration tests (install moto to run them)');
}

describe.skipIf(!MOTO)('moto integration: bakery stack lifecycle', () => {
  let moto: MotoServer;
  let cfn: CloudFormationClient;
  let s3: S3Client;
  const context = { getRemainingTimeInMillis: () => 600_000 };

  async function run(requestType: string, props: Record<string, unknown> = {}) {
    const { logger, entries } = recordingLogger();
    const { factory, uses } = recordingFactory(createClientFactory({ endpoint: moto.endpoint, baseCredentials: BASE_CREDENTIALS }));
    const respond = vi.fn(async (_url: string, _body: CustomResourceResponse) => {});
    await bootstrap(cfnEvent(requestType, { props }), context, {
      clients: factory,
      respond,
      logger,
      templatePath: fixture('moto-bakery-stack.template.json'),
      seedDir: SEED_DIR,
      shippedDir: SHIPPED_DIR,
      timing: { pollIntervalMs: 100, safetyMarginMs: 20_000, responseReserveMs: 8_000 },
    });
    expect(respond).toHaveBeenCalledTimes(1);
    return { body: respond.mock.calls[0]?.[1] as CustomResourceResponse, uses, entries };
  }

  async function bakeryStack(): Promise<Stack | undefined> {
    try {
      return (await cfn.send(new DescribeStacksCommand({ StackName: STACK_NAME }))).Stacks?.[0];
    } catch (error) {
      if (/does not exist/.test(String((error as Error).message))) return undefined;
      throw error;
    }
  }

  const parameters = (stack: Stack | undefined) =>
    Object.fromEntries((stack?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  const bucketOf = (stack: Stack | undefined) => stack?.Outputs?.find((o) => o.OutputKey === 'ArtifactBucketName')?.OutputValue as string;

  beforeAll(async () => {
    moto = await startMoto(MOTO as string);
    // Look at the bakery account the way the Lambda does: through the configuration role.
    const sts = new STSClient({ endpoint: moto.endpoint, region: BAKERY_REGION, credentials: BASE_CREDENTIALS });
    const role = await sts.send(
      new AssumeRoleCommand({ RoleArn: arn('aws', 'iam', '', ACCOUNT, `role/${ROLE_NAME}`), RoleSessionName: 'test' }),
    );
    const credentials = {
      accessKeyId: role.Credentials?.AccessKeyId as string,
      secretAccessKey: role.Credentials?.SecretAccessKey as string,
      sessionToken: role.Credentials?.SessionToken as string,
    };
    cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: BAKERY_REGION, credentials });
    s3 = new S3Client({ endpoint: moto.endpoint, region: BAKERY_REGION, credentials, forcePathStyle: true });
    // The access StackSet creates the control bucket before the bootstrap runs.
    await s3.send(
      new CreateBucketCommand({
        Bucket: `ami-bakery-control-${ACCOUNT}-${BAKERY_REGION}`,
        CreateBucketConfiguration: { LocationConstraint: BAKERY_REGION },
      }),
    );
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('Create deploys the stack in the bakery account and region and seeds the missing branch', async () => {
    // Prepare
    cc.reset();
    cc.on(GetBranchCommand).rejects(awsError('BranchDoesNotExistException'));
    cc.on(CreateCommitCommand).resolves({ commitId: 'c0ffee' });

    // Act
    const { body, uses } = await run('Create');

    // Assess
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    const stack = await bakeryStack();
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack?.StackId).toContain(`:cloudformation:${BAKERY_REGION}:${ACCOUNT}:stack/${STACK_NAME}/`);
    expect(parameters(stack)).toEqual({
      NamePrefix: 'ami-bakery',
      BranchName: 'main',
      SourceType: 'CodeCommit',
      OrganizationId: 'o-abcdef1234',
    });
    expect(stack?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'ami-bakery:managed-by', Value: 'ami-bakery-bootstrap' },
        { Key: 'ami-bakery:solution-version', Value: '1.0.0' },
      ]),
    );
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK_NAME }));
    expect(resources.StackResources?.map((r) => r.LogicalResourceId).sort()).toEqual(['ArtifactBucket', 'SettingsParameter']);
    expect(cc).toHaveReceivedCommandTimes(CreateCommitCommand, 1);
    expect(new Set(uses.map((u) => u.region))).toEqual(new Set([BAKERY_REGION]));
    expect(body.Data?.ArtifactBucketName).toBe(bucketOf(stack));
  });

  it('a repeated Create finds the stack, changes nothing and succeeds', async () => {
    // Prepare
    cc.reset();
    cc.on(GetBranchCommand).resolves({ branch: { branchName: 'main', commitId: 'c0ffee' } });
    const before = await bakeryStack();

    // Act
    const { body } = await run('Create');

    // Assess
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { SeedResult: 'kept' } });
    const after = await bakeryStack();
    expect(after?.StackId).toBe(before?.StackId);
    expect(after?.StackStatus).toBe('CREATE_COMPLETE');
    expect(cc).not.toHaveReceivedCommand(CreateCommitCommand);
  });

  it('Update applies the new parameters and, with SourceType S3, uploads the seed zip once', async () => {
    // Prepare
    cc.reset();

    // Act
    const first = await run('Update', { SourceType: 'S3', BranchName: 'release', SeedRecipes: 'al2023-stig' });
    const second = await run('Update', { SourceType: 'S3', BranchName: 'release', SeedRecipes: 'al2023-stig' });

    // Assess
    expect(first.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Data: { SeedResult: 'seeded', SourceType: 'S3' },
    });
    expect(second.body).toMatchObject({ Status: 'SUCCESS', Data: { SeedResult: 'kept' } });
    const stack = await bakeryStack();
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(parameters(stack)).toEqual({
      NamePrefix: 'ami-bakery',
      BranchName: 'release',
      SourceType: 'S3',
      OrganizationId: 'o-abcdef1234',
    });
    const zip = await s3.send(new GetObjectCommand({ Bucket: bucketOf(stack), Key: 'source/bundle.zip' }));
    const bytes = Buffer.from(await (zip.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.includes(Buffer.from('recipes/al2023-stig/template.yaml'))).toBe(true);
    expect(bytes.includes(Buffer.from('recipes/ubuntu-2204-cis/'))).toBe(false);
    expect(cc).not.toHaveReceivedAnyCommand();
  });

  it('Delete empties every version of the bucket, removes the stack, and a second Delete still succeeds', async () => {
    // Prepare: several versions and a delete marker, as a pipeline would leave them.
    const bucket = bucketOf(await bakeryStack());
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const body of ['one', 'two'])
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'image-builder-logs/al2023-stig/log.txt', Body: body }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'image-builder-logs/al2023-stig/log.txt' }] } }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect((listed.Versions?.length ?? 0) + (listed.DeleteMarkers?.length ?? 0)).toBeGreaterThanOrEqual(4);
    const sent = vi.spyOn(S3Client.prototype, 'send');

    // Act
    const { body } = await run('Delete');
    const again = await run('Delete');

    // Assess
    const deleted = sent.mock.calls
      .map((c) => c[0] as unknown)
      .filter((c) => c instanceof DeleteObjectsCommand)
      .flatMap((c) => (c as DeleteObjectsCommand).input.Delete?.Objects ?? []);
    sent.mockRestore();
    expect(deleted.length).toBeGreaterThanOrEqual(4);
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(body.Reason).toContain(`Deleted bakery stack ${STACK_NAME} in ${ACCOUNT}/${BAKERY_REGION} after emptying its artifact bucket`);
    expect(await bakeryStack()).toBeUndefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(again.body).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringContaining('was already gone') });
  });

  it('Create after the Delete builds the stack again', async () => {
    // Prepare
    cc.reset();
    cc.on(GetBranchCommand).resolves({ branch: { branchName: 'main', commitId: 'c0ffee' } });

    // Act
    const { body } = await run('Create');

    // Assess
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect((await bakeryStack())?.StackStatus).toBe('CREATE_COMPLETE');
  });
});
