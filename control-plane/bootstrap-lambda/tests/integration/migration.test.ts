import { readFileSync } from 'node:fs';
import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeCommitClient, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClientFactory } from '../../src/aws.js';
import { bootstrap } from '../../src/bootstrap.js';
import type { CustomResourceResponse } from '../../src/response.js';
import { loadShipped } from '../../src/shipped.js';
import {
  ACCOUNT,
  arn,
  BAKERY_REGION,
  cfnEvent,
  fixture,
  PHYSICAL_ID,
  ROLE_NAME,
  recordingLogger,
  SEED_DIR,
  SHIPPED_DIR,
  STACK_NAME,
} from '../helpers.js';

/**
 * Migration: a bakery deployed by the previous version (self-updating pipeline, one Deploy action
 * per recipe) is updated in place by the bootstrap Lambda's Update, against a local moto server
 * (STS, CloudFormation, S3, SSM). The stand-in templates model the parts that matter: the same
 * artifact bucket (kept, with its objects), the pipeline shape, and the new parameters that point
 * at the control bucket. CodeCommit stays mocked (moto's is broken).
 */

const MOTO = findOnPath('moto_server');
const BASE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const CONTROL_BUCKET = `ami-bakery-control-${ACCOUNT}-${BAKERY_REGION}`;
const RECIPE_STACK = 'ami-bakery-recipe-al2023-stig';
const cc = mockClient(CodeCommitClient);

describe.skipIf(!MOTO)('moto integration: Update of a bakery deployed by the previous version', () => {
  let moto: MotoServer;
  let cfn: CloudFormationClient;
  let s3: S3Client;
  const context = { getRemainingTimeInMillis: () => 600_000 };

  async function update() {
    const { logger } = recordingLogger();
    const respond = vi.fn(async (_url: string, _body: CustomResourceResponse) => {});
    await bootstrap(cfnEvent('Update', { props: {} }), context, {
      clients: createClientFactory({ endpoint: moto.endpoint, baseCredentials: BASE_CREDENTIALS }),
      respond,
      logger,
      templatePath: fixture('moto-bakery-stack-v2.template.json'),
      seedDir: SEED_DIR,
      shippedDir: SHIPPED_DIR,
      timing: { pollIntervalMs: 100, safetyMarginMs: 20_000, responseReserveMs: 8_000 },
    });
    expect(respond).toHaveBeenCalledTimes(1);
    return respond.mock.calls[0]?.[1] as CustomResourceResponse;
  }

  const describeStack = async (name: string): Promise<Stack | undefined> =>
    (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  const waitFor = async (name: string) => {
    for (let i = 0; i < 200; i += 1) {
      const s = await describeStack(name);
      if (!s?.StackStatus?.endsWith('_IN_PROGRESS')) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} did not settle`);
  };

  beforeAll(async () => {
    moto = await startMoto(MOTO as string);
    const sts = new STSClient({ endpoint: moto.endpoint, region: BAKERY_REGION, credentials: BASE_CREDENTIALS });
    const role = await sts.send(
      new AssumeRoleCommand({ RoleArn: arn('aws', 'iam', '', ACCOUNT, `role/${ROLE_NAME}`), RoleSessionName: 'test' }),
    );
    const credentials = {
      accessKeyId: role.Credentials?.AccessKeyId as string,
      secretAccessKey: role.Credentials?.SecretAccessKey as string,
      sessionToken: role.Credentials?.SessionToken as string,
    };
    const common = { endpoint: moto.endpoint, region: BAKERY_REGION, credentials };
    cfn = new CloudFormationClient(common);
    s3 = new S3Client({ ...common, forcePathStyle: true });
    // The access StackSet (updated first by the management stack) has made the control bucket.
    await s3.send(new CreateBucketCommand({ Bucket: CONTROL_BUCKET, CreateBucketConfiguration: { LocationConstraint: BAKERY_REGION } }));
    // The bakery as the previous version deployed it, and one recipe stack its pipeline made.
    const parameters = [
      { ParameterKey: 'NamePrefix', ParameterValue: 'ami-bakery' },
      { ParameterKey: 'BranchName', ParameterValue: 'main' },
      { ParameterKey: 'SourceType', ParameterValue: 'CodeCommit' },
      { ParameterKey: 'OrganizationId', ParameterValue: 'o-abcdef1234' },
    ];
    await cfn.send(
      new CreateStackCommand({
        StackName: STACK_NAME,
        TemplateBody: readFileSync(fixture('moto-bakery-stack-v1.template.json'), 'utf8'),
        Parameters: parameters,
      }),
    );
    await waitFor(STACK_NAME);
    await cfn.send(
      new CreateStackCommand({
        StackName: RECIPE_STACK,
        TemplateBody: JSON.stringify({
          Resources: {
            Latest: {
              Type: 'AWS::SSM::Parameter',
              Properties: { Name: '/ami-bakery/al2023-stig/latest', Type: 'String', Value: 'ami-0123' },
            },
          },
        }),
      }),
    );
    await waitFor(RECIPE_STACK);
    const bucket = (await describeStack(STACK_NAME))?.Outputs?.find((o) => o.OutputKey === 'ArtifactBucketName')?.OutputValue as string;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'image-builder-logs/al2023-stig/build.log', Body: 'kept' }));
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('replaces the pipeline in place, uploads the deployer, the image-events function and the rules first, and leaves recipe stacks and data alone', async () => {
    // Prepare
    cc.reset();
    cc.on(GetBranchCommand).resolves({ branch: { branchName: 'main', commitId: 'c0ffee' } });
    const before = await describeStack(STACK_NAME);
    const recipeBefore = await describeStack(RECIPE_STACK);
    const cfnSend = vi.spyOn(CloudFormationClient.prototype, 'send');
    const s3Spy = vi.spyOn(S3Client.prototype, 'send');
    const shipped = await loadShipped(SHIPPED_DIR);

    // Act
    const body = await update();

    // Assess
    const calls = [
      ...s3Spy.mock.calls.map((c, i) => ({ at: s3Spy.mock.invocationCallOrder[i] as number, what: c[0] })),
      ...cfnSend.mock.calls.map((c, i) => ({ at: cfnSend.mock.invocationCallOrder[i] as number, what: c[0] })),
    ].sort((a, b) => a.at - b.at);
    cfnSend.mockRestore();
    s3Spy.mockRestore();
    const sequence = calls
      .map(({ what }) =>
        what instanceof PutObjectCommand ? `PutObject ${what.input.Key}` : what instanceof UpdateStackCommand ? 'UpdateStack' : undefined,
      )
      .filter(Boolean);
    expect(sequence).toEqual([
      `PutObject ${shipped.deployer.key}`,
      `PutObject ${shipped.imageEvents.key}`,
      `PutObject ${shipped.guardRules.key}`,
      'UpdateStack',
    ]);

    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    const after = await describeStack(STACK_NAME);
    expect(after?.StackId).toBe(before?.StackId);
    expect(after?.StackStatus).toBe('UPDATE_COMPLETE');
    const parameters = Object.fromEntries((after?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters).toMatchObject({
      DeployerCodeKey: shipped.deployer.key,
      ImageEventsCodeKey: shipped.imageEvents.key,
      GuardRulesKey: shipped.guardRules.key,
      Prune: 'true',
    });
    // The control bucket holds exactly the packaged bytes.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: CONTROL_BUCKET }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      [shipped.deployer.key, shipped.imageEvents.key, shipped.guardRules.key].sort(),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: CONTROL_BUCKET, Key: shipped.deployer.key }));
    expect(
      Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).equals(shipped.deployer.body),
    ).toBe(true);
    // Data and recipe stacks: untouched.
    const bucket = after?.Outputs?.find((o) => o.OutputKey === 'ArtifactBucketName')?.OutputValue as string;
    const log = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'image-builder-logs/al2023-stig/build.log' }));
    expect(await (log.Body as { transformToString(): Promise<string> }).transformToString()).toBe('kept');
    const recipeAfter = await describeStack(RECIPE_STACK);
    expect(recipeAfter?.StackId).toBe(recipeBefore?.StackId);
    expect(recipeAfter?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('a second Update with the same package changes nothing and succeeds', async () => {
    // Act
    const body = await update();

    // Assess
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect((await describeStack(STACK_NAME))?.StackStatus).toBe('UPDATE_COMPLETE');
  });
});
