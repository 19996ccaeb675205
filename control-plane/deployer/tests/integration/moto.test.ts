import { TAGS } from '@ami-bakery/bundle';
import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Clients, createClients } from '../../src/aws.js';
import { baselineCheck } from '../../src/checks.js';
import { createHandler } from '../../src/handler.js';
import { silentLog } from '../../src/util.js';
import { bundle, ENV, jobEvent, type RecipeSpec, zip } from '../helpers.js';

/**
 * The deployer against a local moto server (S3 and CloudFormation real, through the SDK clients
 * the Lambda uses). moto has no Image Builder and no CodePipeline job API: those two clients are
 * mocked. moto deploys the Image Builder resource types as placeholders, which is all a stack
 * lifecycle needs here.
 *
 * moto ignores the Tags of an UPDATE change set (a real stack takes them): the scenarios run in an
 * order where no recipe is planned from the tags of a stack that moto updated.
 */

const MOTO = findOnPath('moto_server');
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const BUCKET = ENV.ARTIFACT_BUCKET;

if (!MOTO && process.env.CI === 'true') {
  describe('moto integration', () => {
    it('needs moto_server on PATH in CI', () => {
      throw new Error('moto_server is not on PATH; CI must provide it (pyenv moto 5.2.1)');
    });
  });
}

describe.skipIf(!MOTO)('Deployer against moto: deploy, update one, prune, refuse', () => {
  let moto: MotoServer;
  let clients: Clients;
  let cfn: CloudFormationClient;
  let run = 0;
  const imageBuilder = () => mockClient(clients.imageBuilder);
  const codePipeline = () => mockClient(clients.codePipeline);
  let ib: ReturnType<typeof imageBuilder>;
  let cp: ReturnType<typeof codePipeline>;

  beforeAll(async () => {
    moto = await startMoto(MOTO as string);
    clients = createClients({ region: ENV.AWS_REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    cfn = new CloudFormationClient({ region: ENV.AWS_REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    ib = imageBuilder();
    cp = codePipeline();
  });

  afterAll(async () => {
    ib?.restore();
    cp?.restore();
    await moto?.stop();
  });

  beforeEach(() => {
    ib.reset();
    cp.reset();
    ib.on(StartImagePipelineExecutionCommand).callsFake((input: { imagePipelineArn: string }) => ({
      imageBuildVersionArn: `${input.imagePipelineArn.replace(':image-pipeline/', ':image/')}/1.0.0/1`,
    }));
    cp.on(PutJobSuccessResultCommand).resolves({});
    cp.on(PutJobFailureResultCommand).resolves({});
  });

  /** Publishes `specs` as the source artifact and runs the Deploy action on it. */
  async function deploy(files: Map<string, Uint8Array>) {
    run += 1;
    const key = `pipeline/Source/run-${run}.zip`;
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: zip(files) }));
    const handler = createHandler({
      env: ENV,
      log: silentLog,
      clients: () => clients,
      checks: [baselineCheck],
      pollIntervalMs: 10,
      safetyMarginMs: 1_000,
    });
    const jobId = `00000000-0000-4000-8000-${String(run).padStart(12, '0')}`;
    await handler(jobEvent(jobId, { bucket: BUCKET, key }), { getRemainingTimeInMillis: () => 600_000 });
    return jobId;
  }

  const deployRecipes = (specs: RecipeSpec[], context?: Parameters<typeof bundle>[1]) => deploy(bundle(specs, context));

  async function stacks(): Promise<Map<string, Stack>> {
    const out = await cfn.send(new DescribeStacksCommand({}));
    return new Map((out.Stacks ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE').map((s) => [s.StackName as string, s]));
  }

  async function report(jobId: string): Promise<Record<string, unknown>> {
    const out = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `reports/${jobId}/report.json` }));
    return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString());
  }

  const recipeRows = (r: Record<string, unknown>) =>
    ((r.plan as { recipes: { recipe: string; action: string; outcome?: { status: string } }[] }).recipes ?? []).map((x) => [
      x.recipe,
      x.action,
      x.outcome?.status ?? '-',
    ]);

  const snapshot = async () =>
    [...(await stacks()).values()].map((s) => [s.StackName, s.StackStatus, String(s.LastUpdatedTime ?? '')]).sort();

  it('deploys three recipes: stacks created with the deploy role and tags, builds started, action succeeded', async () => {
    // Act
    const jobId = await deployRecipes([{ name: 'al2023-base' }, { name: 'al2023-web' }, { name: 'ubuntu-cis' }]);
    // Assess
    const all = await stacks();
    expect([...all.keys()].sort()).toEqual([
      'ami-bakery-recipe-al2023-base',
      'ami-bakery-recipe-al2023-web',
      'ami-bakery-recipe-ubuntu-cis',
    ]);
    const web = all.get('ami-bakery-recipe-al2023-web');
    expect(web?.StackStatus).toBe('CREATE_COMPLETE');
    expect(web?.RoleARN).toBe(ENV.RECIPE_DEPLOY_ROLE_ARN);
    expect(Object.fromEntries((web?.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      [TAGS.recipe]: 'al2023-web',
      [TAGS.version]: '1.0.0',
      [TAGS.managedBy]: 'ami-bakery-deployer',
    });
    expect(web?.Parameters).toEqual([
      { ParameterKey: 'PermissionsBoundaryArn', ParameterValue: 'arn:aws:iam::123456789012:policy/ami-bakery-boundary' },
    ]);
    expect(ib).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/ami-bakery-recipe-al2023-web-pipeline',
    });
    expect(ib).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 3);
    expect(cp).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId });
    expect(cp).not.toHaveReceivedCommand(PutJobFailureResultCommand);
    expect(recipeRows(await report(jobId))).toEqual([
      ['al2023-base', 'create', 'succeeded'],
      ['al2023-web', 'create', 'succeeded'],
      ['ubuntu-cis', 'create', 'succeeded'],
    ]);
  });

  it('prunes a recipe that left the manifest and touches nothing else', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const jobId = await deployRecipes([{ name: 'al2023-base' }, { name: 'al2023-web' }]);
    // Assess
    expect([...(await stacks()).keys()].sort()).toEqual(['ami-bakery-recipe-al2023-base', 'ami-bakery-recipe-al2023-web']);
    expect(await snapshot()).toEqual(before.filter(([name]) => name !== 'ami-bakery-recipe-ubuntu-cis'));
    expect(recipeRows(await report(jobId))).toEqual([
      ['al2023-base', 'unchanged', '-'],
      ['al2023-web', 'unchanged', '-'],
      ['ubuntu-cis', 'delete', 'succeeded'],
    ]);
    expect(ib).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(cp).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId });
  });

  it('updates only the recipe that changed, and builds it because its version changed', async () => {
    // Prepare
    const before = new Map((await snapshot()).map((row) => [row[0], row]));
    // Act
    const jobId = await deployRecipes([{ name: 'al2023-base' }, { name: 'al2023-web', version: '1.1.0', data: 'name: harden-more' }]);
    // Assess
    const after = new Map((await snapshot()).map((row) => [row[0], row]));
    expect(after.get('ami-bakery-recipe-al2023-base')).toEqual(before.get('ami-bakery-recipe-al2023-base'));
    expect(after.get('ami-bakery-recipe-al2023-web')?.[1]).toBe('UPDATE_COMPLETE');
    expect(recipeRows(await report(jobId))).toEqual([
      ['al2023-base', 'unchanged', '-'],
      ['al2023-web', 'update', 'succeeded'],
    ]);
    expect(ib).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 1);
    expect(ib).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/ami-bakery-recipe-al2023-web-pipeline',
    });
  });

  it('refuses a bundle that would remove every recipe, changing nothing', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const jobId = await deployRecipes([]);
    // Assess
    expect(await snapshot()).toEqual(before);
    expect(cp).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      jobId,
      failureDetails: expect.objectContaining({ message: expect.stringContaining('PLAN001') }),
    });
    const r = await report(jobId);
    expect([r.status, (r.refusals as { id: string; recipes: string[] }[]).map((x) => [x.id, x.recipes])]).toEqual([
      'refused',
      [['PLAN001', ['al2023-base', 'al2023-web']]],
    ]);
  });

  it('refuses a malformed bundle naming every problem and recipe, deploying nothing', async () => {
    // Prepare: one template edited after bundling, one new recipe whose template is missing, a stray file
    const files = bundle([{ name: 'al2023-base' }, { name: 'al2023-web' }, { name: 'zz-new' }]);
    files.set('recipes/al2023-web/template.yaml', new TextEncoder().encode('Resources:\n  X:\n    Type: AWS::IAM::User\n'));
    files.delete('recipes/zz-new/template.yaml');
    files.set('bakery/bakery-stack.template.json', new TextEncoder().encode('{}'));
    const before = await snapshot();
    // Act
    const jobId = await deploy(files);
    // Assess
    expect(await snapshot()).toEqual(before);
    const r = await report(jobId);
    expect((r.problems as { id: string; recipe?: string; path?: string }[]).map((p) => [p.id, p.recipe ?? '-', p.path ?? '-'])).toEqual([
      ['BUNDLE011', '-', 'bakery/bakery-stack.template.json'],
      ['BUNDLE013', 'al2023-web', 'recipes/al2023-web/template.yaml'],
      ['BUNDLE021', 'al2023-web', 'recipes/al2023-web/template.yaml'],
      ['BUNDLE022', 'al2023-web', 'recipes/al2023-web/template.yaml'],
      ['BUNDLE010', 'zz-new', 'recipes/zz-new/template.yaml'],
    ]);
    expect(cp).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      jobId,
      failureDetails: expect.objectContaining({
        message: expect.stringMatching(/^Refused the bundle, nothing deployed: 5 problems \(recipes: al2023-web, zz-new\)/),
      }),
    });
  });

  it('deploys the other recipes when one fails its template checks, and fails the action naming it', async () => {
    // Act
    const jobId = await deployRecipes([
      { name: 'al2023-base' },
      { name: 'al2023-web', version: '1.1.0', data: 'name: harden-more' },
      { name: 'imds-optional', httpTokens: 'optional' },
      { name: 'new-one' },
    ]);
    // Assess
    const all = await stacks();
    expect(all.has('ami-bakery-recipe-new-one')).toBe(true);
    expect(all.has('ami-bakery-recipe-imds-optional')).toBe(false);
    const r = await report(jobId);
    // al2023-web is left out: moto kept the 1.0.0 tags of its update, so it is planned again here.
    expect(recipeRows(r).filter((row) => row[0] !== 'al2023-web')).toEqual([
      ['al2023-base', 'unchanged', '-'],
      ['imds-optional', 'create', 'failed'],
      ['new-one', 'create', 'succeeded'],
    ]);
    expect((r.findings as { id: string; recipe: string }[]).map((f) => [f.id, f.recipe])).toEqual([['DEPLOY102', 'imds-optional']]);
    expect(cp).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      jobId,
      failureDetails: expect.objectContaining({ message: expect.stringMatching(/^1 recipe failed: imds-optional\./) }),
    });
  });

  it('adopts a stack of the previous pipeline: updated in place (same stack id), never recreated, no build', async () => {
    // Prepare: a stack deployed without the deployer's tags, as the previous pipeline left it
    const legacy = 'ami-bakery-recipe-legacy-one';
    const template = new TextDecoder().decode(bundle([{ name: 'legacy-one' }]).get('recipes/legacy-one/template.yaml'));
    await cfn.send(
      new CreateStackCommand({
        StackName: legacy,
        TemplateBody: template.replace('Version: 1.0.0', 'Version: 0.9.0'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const before = (await stacks()).get(legacy);
    // Act
    const jobId = await deployRecipes([
      { name: 'al2023-base' },
      { name: 'al2023-web', version: '1.1.0', data: 'name: harden-more' },
      { name: 'legacy-one' },
      { name: 'new-one' },
    ]);
    // Assess
    const after = (await stacks()).get(legacy);
    expect([after?.StackId, after?.StackStatus]).toEqual([before?.StackId, 'UPDATE_COMPLETE']);
    const row = (await report(jobId)).plan as { recipes: { recipe: string; action: string; reason: string; build: boolean }[] };
    expect(row.recipes.filter((r) => r.recipe === 'legacy-one').map((r) => [r.action, r.reason, r.build])).toEqual([
      ['update', 'adopt', false],
    ]);
    expect(ib).not.toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: expect.stringContaining('legacy-one'),
    });
  });

  it('continues in a next invocation when the time is up, and finishes there', async () => {
    // Prepare
    run += 1;
    const key = `pipeline/Source/run-${run}.zip`;
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: zip(
          bundle([
            { name: 'al2023-base' },
            { name: 'al2023-web', version: '1.1.0', data: 'name: harden-more' },
            { name: 'legacy-one' },
            { name: 'new-one' },
            { name: 'later-one' },
            { name: 'later-two' },
          ]),
        ),
      }),
    );
    const jobId = `00000000-0000-4000-8000-${String(run).padStart(12, '0')}`;
    const handler = createHandler({
      env: ENV,
      log: silentLog,
      clients: () => clients,
      checks: [baselineCheck],
      pollIntervalMs: 10,
      safetyMarginMs: 1_000,
    });
    // Act 1: an invocation with no time to spare stops after the first round and hands back a token
    await handler(jobEvent(jobId, { bucket: BUCKET, key }), { getRemainingTimeInMillis: () => 500 });
    const first = cp.commandCalls(PutJobSuccessResultCommand)[0]?.args[0].input;
    // Assess 1
    expect(first?.continuationToken).toBe(JSON.stringify({ v: 1, execution: jobId, stateKey: `deployments/${jobId}/state.json` }));
    expect((await report(jobId)).status).toBe('in-progress');
    // Act 2: CodePipeline calls again with the token (a new job id)
    cp.reset();
    cp.on(PutJobSuccessResultCommand).resolves({});
    await handler(jobEvent('11111111-0000-4000-8000-000000000001', { bucket: BUCKET, key }, first?.continuationToken), {
      getRemainingTimeInMillis: () => 600_000,
    });
    // Assess 2
    expect(cp).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: '11111111-0000-4000-8000-000000000001' });
    expect(cp.commandCalls(PutJobSuccessResultCommand)[0]?.args[0].input.continuationToken).toBeUndefined();
    const all = await stacks();
    expect([all.has('ami-bakery-recipe-later-one'), all.has('ami-bakery-recipe-later-two')]).toEqual([true, true]);
    expect((await report(jobId)).status).toBe('succeeded');
  });
});
