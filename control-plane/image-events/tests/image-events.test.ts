import { CATALOG_TAGS, channelParameterArn, DETAIL_TYPES } from '@ami-bakery/deployer/catalog';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, HOME, OTHER, PREFIX } from '../../deployer/tests/catalog/fixtures.js';
import { CatalogAws } from '../../deployer/tests/catalog/harness.js';
import { createHandler, ImageWorkError, parseEnv } from '../src/index.js';

/**
 * The image-events function against moto (SSM parameters, AMIs and tags in two regions, S3 with
 * the catalog settings and the evidence summaries), with Image Builder, RAM, EventBridge and EC2
 * deprecation through aws-sdk-client-mock (the deployer's catalog harness).
 */

const ENV = {
  RECIPE_STACK_PREFIX: PREFIX,
  NAME_PREFIX: 'ami-bakery',
  ARTIFACT_BUCKET: 'bakery-artifacts',
  EVIDENCE_BUCKET: 'bakery-evidence',
  ORGANIZATION_ID: 'o-a1b2c3d4e5',
  MANAGEMENT_ACCOUNT_ID: '222222222222',
  AWS_REGION: HOME,
};
const NOW = new Date('2026-12-02T12:00:00.000Z');

/** The event Image Builder sends (the example of its user guide, for our image). */
function stateChange(arn: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    'detail-type': 'EC2 Image Builder Image State Change',
    source: 'aws.imagebuilder',
    account: ACCOUNT,
    time: '2026-12-02T11:59:00Z',
    region: HOME,
    resources: [arn],
    detail: { 'previous-state': { status: 'TESTING' }, state: { status } },
    ...extra,
  };
}

describe.skipIf(!CatalogAws.available())('Function: image-events handler', () => {
  let aws: CatalogAws;
  const logs: string[] = [];
  let handler: ReturnType<typeof createHandler>;

  beforeAll(async () => {
    aws = await CatalogAws.start();
    for (const Bucket of [ENV.ARTIFACT_BUCKET, ENV.EVIDENCE_BUCKET]) await aws.clients.s3.send(new CreateBucketCommand({ Bucket }));
    handler = createHandler({
      env: ENV,
      log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
      clients: () => aws.clients,
      now: () => NOW,
    });
  });
  afterAll(async () => {
    await aws?.stop();
  });

  const put = (Bucket: string, Key: string, body: unknown) =>
    aws.clients.s3.send(new PutObjectCommand({ Bucket, Key, Body: JSON.stringify(body) }));

  it('points candidate at a new AVAILABLE image in every region, deprecates the superseded one, and tells it with the score', async () => {
    // Prepare
    const recipe = 'ev-available';
    const old = await aws.build(recipe, '1.0.0/1');
    const stable = await aws.build(recipe, '1.1.0/1');
    const { writeChannel, ChannelSharing } = await import('@ami-bakery/deployer/catalog');
    const scope = {
      partition: 'aws',
      account: ACCOUNT,
      namePrefix: 'ami-bakery',
      organizationArn: 'arn:aws:organizations::222222222222:organization/o-a1b2c3d4e5',
    };
    const sharing = new ChannelSharing(aws.clients, scope);
    for (const region of [HOME, OTHER]) await writeChannel(aws.clients, scope, sharing, region, recipe, 'stable', stable[region] as string);
    const fresh = await aws.build(recipe, '1.2.0/4');
    // Deprecated from the new image's creation (moto stamps the wall clock) plus 0 days, never before the next minute.
    const expected = async (region: string) =>
      new Date(
        Math.max(Date.parse(await aws.creationDate(region, fresh[region] as string)), Date.parse('2026-12-02T12:01:00.000Z')),
      ).toISOString();
    await put(ENV.ARTIFACT_BUCKET, `catalog/recipes/${recipe}.json`, {
      formatVersion: 1,
      recipe,
      deprecateSupersededAfterDays: 0,
      declaredChannels: ['stable'],
      sourceCommit: null,
    });
    await put(ENV.EVIDENCE_BUCKET, `evidence/${recipe}/1.2.0/4/summary.json`, {
      schemaVersion: 1,
      score: 98.5,
      threshold: 95,
      passed: true,
    });
    // Act
    const outcome = await handler(stateChange(aws.imageArn(recipe, '1.2.0/4'), 'AVAILABLE'));
    // Assess
    expect(outcome).toMatchObject({ kind: 'available', recipe, image: '1.2.0/4', candidate: fresh, problems: [] });
    for (const region of [HOME, OTHER]) {
      expect(await aws.parameter(region, `/ami-bakery/${recipe}/candidate`)).toEqual({ value: fresh[region], dataType: 'aws:ec2:image' });
      // 1.0.0/1 is superseded and in no channel; 1.1.0/1 is stable and stays.
      expect(aws.amiState.get(old[region] as string)?.deprecationTime).toBe(await expected(region));
      expect((await aws.tags(region, old[region] as string))[CATALOG_TAGS.supersededBy]).toBe('1.2.0/4');
      expect(aws.amiState.get(stable[region] as string)?.deprecationTime).toBeUndefined();
    }
    expect(aws.shares.flatMap((s) => s.resources).filter((r) => r.endsWith(`/${recipe}/candidate`))).toEqual([
      channelParameterArn('aws', HOME, ACCOUNT, recipe, 'candidate'),
      channelParameterArn('aws', OTHER, ACCOUNT, recipe, 'candidate'),
    ]);
    expect(aws.eventsOf(DETAIL_TYPES.available).filter((d) => d.recipe === recipe)).toEqual([
      {
        recipe,
        version: '1.2.0',
        image: '1.2.0/4',
        amis: { [HOME]: fresh[HOME], [OTHER]: fresh[OTHER] },
        score: 98.5,
        passed: true,
        threshold: 95,
        candidate: { [HOME]: fresh[HOME], [OTHER]: fresh[OTHER] },
      },
    ]);
  });

  it('tells a failed build with Image Builder’s reason and the score, and sets no channel', async () => {
    // Prepare
    const recipe = 'ev-failed';
    const arn = aws.imageArn(recipe, '2.0.0/1');
    aws.images.set(arn, { status: 'FAILED', amis: {}, reason: 'Test phase failed: compliance score 71.2 below 95' });
    await put(ENV.EVIDENCE_BUCKET, `evidence/${recipe}/2.0.0/1/summary.json`, {
      schemaVersion: 1,
      score: 71.2,
      threshold: 95,
      passed: false,
    });
    // Act
    const outcome = await handler(stateChange(arn, 'FAILED'));
    // Assess
    expect(outcome).toMatchObject({ kind: 'build-failed', recipe, image: '2.0.0/1', problems: [] });
    expect(await aws.parameter(HOME, `/ami-bakery/${recipe}/candidate`)).toBeUndefined();
    expect(aws.eventsOf(DETAIL_TYPES.buildFailed).filter((d) => d.recipe === recipe)).toEqual([
      {
        recipe,
        version: '2.0.0',
        image: '2.0.0/1',
        amis: {},
        score: 71.2,
        passed: false,
        threshold: 95,
        reason: 'Test phase failed: compliance score 71.2 below 95',
      },
    ]);
  });

  it.each([
    { name: 'another source', event: { ...stateChange('x', 'AVAILABLE'), source: 'aws.ec2' }, why: 'not an image state change' },
    {
      name: 'a state that needs nothing',
      event: stateChange(`arn:aws:imagebuilder:${HOME}:${ACCOUNT}:image/${PREFIX}ev-x/1.0.0/1`, 'TESTING'),
      why: 'state TESTING needs nothing',
    },
    {
      name: 'an image that is not a recipe’s',
      event: stateChange(`arn:aws:imagebuilder:${HOME}:${ACCOUNT}:image/someone-elses-image/1.0.0/1`, 'AVAILABLE'),
      why: `image someone-elses-image is not a recipe's (prefix ${PREFIX})`,
    },
    {
      name: 'an image of another account',
      event: stateChange(`arn:aws:imagebuilder:${HOME}:999999999999:image/${PREFIX}ev-x/1.0.0/1`, 'AVAILABLE'),
      why: `is not of this account and region (${ACCOUNT}, ${HOME})`,
    },
  ])('ignores $name', async ({ event, why }) => {
    // Act
    const outcome = await handler(event);
    // Assess
    expect(outcome.kind).toBe('ignored');
    expect(outcome.why).toContain(why);
  });

  it('ignores an AVAILABLE event when Image Builder says otherwise now, and publishes nothing', async () => {
    // Prepare
    const recipe = 'ev-stale';
    await aws.build(recipe, '1.0.0/1', 'DEPRECATED', [HOME]);
    const before = aws.events.length;
    // Act
    const outcome = await handler(stateChange(aws.imageArn(recipe, '1.0.0/1'), 'AVAILABLE'));
    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', why: `Image Builder says 1.0.0/1 of ${recipe} is DEPRECATED now, not AVAILABLE` });
    expect(aws.events.length).toBe(before);
  });

  it('still publishes the event when a region fails, then fails so that Lambda retries', async () => {
    // Prepare: RAM refuses in the second region
    const recipe = 'ev-partial';
    const amis = await aws.build(recipe, '1.0.0/1');
    const ram = aws.clients.ram(OTHER) as unknown as { send: unknown };
    const send = ram.send;
    ram.send = (async () => {
      throw Object.assign(new Error('User is not authorized to perform: ram:GetResourceShares'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      });
    }) as never;
    // Act
    const error = await handler(stateChange(aws.imageArn(recipe, '1.0.0/1'), 'AVAILABLE')).catch((e: unknown) => e);
    ram.send = send as never;
    // Assess
    expect(error).toBeInstanceOf(ImageWorkError);
    expect((error as ImageWorkError).problems).toEqual([
      expect.stringMatching(new RegExp(`^candidate not set in ${OTHER}: ram:GetResourceShares on .* failed with AccessDeniedException`)),
    ]);
    const published = aws.eventsOf(DETAIL_TYPES.available).filter((d) => d.recipe === recipe);
    expect(published.map((d) => [d.candidate, (d.problems as string[]).length])).toEqual([[{ [HOME]: amis[HOME] }, 1]]);
  });
});

describe('Function: parseEnv', () => {
  it('names every missing or malformed variable at once', () => {
    expect(() => parseEnv({ ...ENV, ORGANIZATION_ID: 'org', EVIDENCE_BUCKET: undefined })).toThrow(
      'The image-events function is misconfigured: EVIDENCE_BUCKET is not set (an S3 bucket name); ORGANIZATION_ID="org" is not an organization id (o-...).',
    );
  });
});
