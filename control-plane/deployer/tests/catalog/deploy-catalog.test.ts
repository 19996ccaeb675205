import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineCheck, createClients, type DeploymentReport, parseEnv, parseJobEvent, runJob } from '../../src/index.js';
import { FakeCloudFormation } from '../fake-cloudformation.js';
import { bundle, ENV, jobEvent, type RecipeSpec, zip } from '../helpers.js';
import { catalogState, HOME, OTHER } from './fixtures.js';
import { CatalogAws } from './harness.js';

/**
 * A whole deployment with catalogs: the stack side as in deploy.test.ts (CloudFormation faked,
 * S3 mocked), the catalog side against moto (see harness.ts). The bundle carries catalog.json.
 */

const ARTIFACT = { bucket: 'pipeline-artifacts', key: 'bakery/Source/catalog.zip' };
const CATALOG_ENV = {
  ...ENV,
  AWS_REGION: HOME,
  RECIPE_DEPLOY_ROLE_ARN: 'arn:aws:iam::111122223333:role/ami-bakery-recipe-deploy',
  RECIPE_PARAMETERS: JSON.stringify({ OrganizationId: 'o-a1b2c3d4e5', ManagementAccountId: '222222222222' }),
};

describe.skipIf(!CatalogAws.available())('Deployment with catalogs: the step runs after the stacks and is reported', () => {
  let aws: CatalogAws;
  const cfnMock = mockClient(CloudFormationClient);
  const s3Mock = mockClient(S3Client);
  const objects = new Map<string, string | Uint8Array>();

  beforeAll(async () => {
    aws = await CatalogAws.start();
    new FakeCloudFormation().install(cfnMock as never);
    s3Mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
      objects.set(`${input.Bucket}/${input.Key}`, input.Body);
      return {};
    });
    s3Mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
      const body = objects.get(`${input.Bucket}/${input.Key}`) as Uint8Array;
      return { ContentLength: body.byteLength, Body: { transformToByteArray: async () => body } };
    });
  });
  afterAll(async () => {
    cfnMock.restore();
    s3Mock.restore();
    await aws?.stop();
  });

  it('promotes one recipe, refuses the other recipe’s unbuilt image, and fails the action naming only that one', async () => {
    // Prepare
    const good = await aws.build('e2e-good', '1.0.0/1');
    const failed = await aws.build('e2e-failed', '1.0.0/1', 'FAILED', [HOME]);
    const specs: RecipeSpec[] = [
      {
        name: 'e2e-failed',
        buildOnVersionChange: false,
        catalog: catalogState({ channels: { stable: { image: '1.0.0/1', amis: failed, promotedAt: '2026-12-02T10:00:00Z' } } }),
      },
      {
        name: 'e2e-good',
        buildOnVersionChange: false,
        catalog: catalogState({ channels: { stable: { image: '1.0.0/1', amis: good, score: 99, promotedAt: '2026-12-02T10:00:00Z' } } }),
      },
      { name: 'e2e-plain', buildOnVersionChange: false },
    ];
    objects.set(`${ARTIFACT.bucket}/${ARTIFACT.key}`, zip(bundle(specs)));
    const clients = createClients({ region: HOME, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const cp = mockClient(clients.codePipeline);
    cp.on(PutJobSuccessResultCommand).resolves({});
    cp.on(PutJobFailureResultCommand).resolves({});
    // Act
    const outcome = await runJob(parseJobEvent(jobEvent('job-cat', ARTIFACT)), {
      clients,
      config: parseEnv(CATALOG_ENV),
      check: baselineCheck,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      clock: { now: () => Date.parse('2026-12-02T12:00:00Z'), sleep: async () => {} },
      remainingMs: () => 600_000,
      pollIntervalMs: 1,
      safetyMarginMs: 10,
      catalog: { clients: aws.clients, now: () => new Date('2026-12-02T12:00:00Z') },
    });
    cp.restore();
    // Assess
    expect(outcome.kind).toBe('failed');
    expect(outcome.message.split('\n')).toEqual([
      '1 recipe failed: e2e-failed. Report: s3://bakery-artifacts/reports/job-cat/report.md',
      `e2e-failed: catalog refused: channel stable not set in ${HOME}: image 1.0.0/1 of e2e-failed is FAILED in Image Builder, not AVAILABLE`,
    ]);
    expect(await aws.parameter(HOME, '/ami-bakery/e2e-good/stable')).toMatchObject({ value: good[HOME] });
    expect(await aws.parameter(OTHER, '/ami-bakery/e2e-good/stable')).toMatchObject({ value: good[OTHER] });
    expect(await aws.parameter(HOME, '/ami-bakery/e2e-failed/stable')).toBeUndefined();
    const report = JSON.parse(objects.get(`${ENV.ARTIFACT_BUCKET}/reports/job-cat/report.json`) as string) as DeploymentReport;
    const rows = Object.entries(report.catalog?.recipes ?? {}).flatMap(([recipe, r]) =>
      r.actions.map((a) => [recipe, a.action.kind, 'region' in a.action ? a.action.region : '-', a.outcome]),
    );
    expect(rows).toEqual([
      ['e2e-failed', 'set-channel', HOME, 'refused'],
      ['e2e-good', 'set-channel', HOME, 'applied'],
      ['e2e-good', 'set-channel', OTHER, 'applied'],
    ]);
    expect(Object.keys(report.catalog?.recipes ?? {})).toEqual(['e2e-failed', 'e2e-good', 'e2e-plain']);
    const markdown = objects.get(`${ENV.ARTIFACT_BUCKET}/reports/job-cat/report.md`) as string;
    expect(markdown).toContain('### Image catalog');
    expect(markdown).toContain(
      `| \`e2e-good\` | promote \`stable\` in ${OTHER}: (none) -> ${good[OTHER]} (1.0.0/1) | applied: stable -> ${good[OTHER]} (1.0.0/1) in ${OTHER} |`,
    );
    expect(JSON.parse(objects.get(`${ENV.ARTIFACT_BUCKET}/catalog/recipes/e2e-plain.json`) as string)).toMatchObject({
      recipe: 'e2e-plain',
      deprecateSupersededAfterDays: null,
      declaredChannels: ['stable'],
    });
  });
});
