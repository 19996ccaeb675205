import { planCatalog } from '@ami-bakery/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogState } from '../../src/catalog/model.js';
import { CATALOG_TAGS, channelParameterArn, DETAIL_TYPES } from '../../src/catalog/names.js';
import { type CatalogStepState, catalogFailures, newCatalogStepState, runCatalogStep } from '../../src/catalog/step.js';
import { ACCOUNT, catalogState, HOME, OTHER } from './fixtures.js';
import { CatalogAws, SCOPE } from './harness.js';

/**
 * The deployer's catalog step against moto (SSM parameters, AMIs and tags in two regions), with
 * Image Builder, RAM, EventBridge and EC2 deprecation through aws-sdk-client-mock (see harness.ts).
 * Each scenario uses its own recipe, so they share one moto server.
 */

const NOW = new Date('2026-12-02T12:00:00.000Z');

describe.skipIf(!CatalogAws.available())('Catalog step against moto: promote, refuse, revoke with fallback, unrevoke, superseded', () => {
  let aws: CatalogAws;
  const written = new Map<string, string>();

  beforeAll(async () => {
    aws = await CatalogAws.start();
  });
  afterAll(async () => {
    await aws?.stop();
  });

  /** Runs the step for one recipe's desired catalog, as a deployment of commit `c0ffee...` would. */
  async function deploy(recipe: string, desired: CatalogState): Promise<CatalogStepState> {
    const state = newCatalogStepState(
      new Map([[recipe, desired]]),
      new Map([
        [
          recipe,
          {
            formatVersion: 1 as const,
            recipe,
            deprecateSupersededAfterDays: desired.deprecateSupersededAfterDays,
            declaredChannels: desired.declaredChannels,
            sourceCommit: 'c0ffee',
          },
        ],
      ]),
    );
    const done = await runCatalogStep(state, {
      clients: aws.clients,
      scope: SCOPE,
      planner: (d, o) => planCatalog(d, o),
      now: () => NOW,
      writeText: async (key, body) => {
        written.set(key, body);
      },
      remainingMs: () => 600_000,
      execution: 'job-1',
      sourceCommit: 'c0ffee',
    });
    expect(done).toBe(true);
    return state;
  }

  it('applies a promotion: the channel parameter in every region, shared with the organization, and an Image Promoted event', async () => {
    // Prepare
    const recipe = 'promote-me';
    const amis = await aws.build(recipe, '1.2.0/3');
    // Act
    const state = await deploy(
      recipe,
      catalogState({ channels: { stable: { image: '1.2.0/3', amis, score: 98.5, promotedAt: '2026-12-02T10:00:00Z' } } }),
    );
    // Assess
    expect(catalogFailures(state)).toEqual([]);
    expect(await aws.parameter(HOME, `/ami-bakery/${recipe}/stable`)).toEqual({ value: amis[HOME], dataType: 'aws:ec2:image' });
    expect(await aws.parameter(OTHER, `/ami-bakery/${recipe}/stable`)).toEqual({ value: amis[OTHER], dataType: 'aws:ec2:image' });
    const shares = aws.shares.filter((s) => s.resources.some((r) => r.includes(`/${recipe}/`)));
    expect(shares.map((s) => ({ region: s.region, name: s.name, principals: s.principals, external: s.allowExternalPrincipals }))).toEqual([
      { region: HOME, name: 'ami-bakery-channels', principals: [SCOPE.organizationArn], external: false },
      { region: OTHER, name: 'ami-bakery-channels', principals: [SCOPE.organizationArn], external: false },
    ]);
    expect(shares.flatMap((s) => s.resources.filter((r) => r.includes(`/${recipe}/`)))).toEqual([
      channelParameterArn('aws', HOME, ACCOUNT, recipe, 'stable'),
      channelParameterArn('aws', OTHER, ACCOUNT, recipe, 'stable'),
    ]);
    expect(aws.eventsOf(DETAIL_TYPES.promoted).filter((d) => d.recipe === recipe)).toEqual([
      {
        recipe,
        version: '1.2.0',
        image: '1.2.0/3',
        amis: { [HOME]: amis[HOME], [OTHER]: amis[OTHER] },
        score: 98.5,
        channel: 'stable',
        previous: {},
        fallback: false,
        execution: 'job-1',
        sourceCommit: 'c0ffee',
      },
    ]);
    expect(aws.events.find((e) => e.Detail?.includes(recipe))).toMatchObject({
      Source: 'ami-bakery',
      Resources: [aws.imageArn(recipe, '1.2.0/3')],
    });
  });

  it.each([
    {
      name: 'an image that failed its build',
      status: 'FAILED',
      foreign: false,
      message: 'image 1.3.0/1 of {recipe} is FAILED in Image Builder, not AVAILABLE',
    },
    {
      name: 'an image still being built',
      status: 'TESTING',
      foreign: false,
      message: 'image 1.3.0/1 of {recipe} is TESTING in Image Builder, not AVAILABLE',
    },
    {
      name: 'an AMI that is not the image’s output',
      status: 'AVAILABLE',
      foreign: true,
      message: 'is not the AMI image 1.3.0/1 distributed to',
    },
  ])('refuses a promotion to $name and sets nothing', async ({ status, foreign, message }) => {
    // Prepare
    const recipe = `refuse-${status.toLowerCase()}-${foreign ? 'foreign' : 'own'}`;
    const amis = await aws.build(recipe, '1.3.0/1', status, [HOME]);
    const named = foreign ? { [HOME]: await aws.registerAmi(HOME, 'someone-else', '9.9.9/9') } : amis;
    // Act
    const state = await deploy(
      recipe,
      catalogState({ channels: { stable: { image: '1.3.0/1', amis: named, promotedAt: '2026-12-02T10:00:00Z' } } }),
    );
    // Assess
    const failures = catalogFailures(state);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.recipe).toBe(recipe);
    expect(failures[0]?.why).toContain(`catalog refused: channel stable not set in ${HOME}: `);
    expect(failures[0]?.why).toContain(message.replace('{recipe}', recipe));
    expect(await aws.parameter(HOME, `/ami-bakery/${recipe}/stable`)).toBeUndefined();
    expect(aws.eventsOf(DETAIL_TYPES.promoted).filter((d) => d.recipe === recipe)).toEqual([]);
  });

  it('revokes with fallback: deprecated now, tagged, disabled in every region; stable and candidate back on the previous good image', async () => {
    // Prepare
    const recipe = 'revoke-me';
    const good = await aws.build(recipe, '1.1.0/2');
    const bad = await aws.build(recipe, '1.2.0/3');
    await deploy(recipe, catalogState({ channels: { stable: { image: '1.2.0/3', amis: bad, promotedAt: '2026-12-01T10:00:00Z' } } }));
    const { writeChannel, ChannelSharing } = await import('../../src/catalog/channels.js');
    const sharing = new ChannelSharing(aws.clients, SCOPE);
    for (const region of [HOME, OTHER]) await writeChannel(aws.clients, SCOPE, sharing, region, recipe, 'candidate', bad[region] as string);
    aws.ec2Calls.length = 0;
    // Act: the commit bakery revoke writes (stable falls back to 1.1.0/2 in the file)
    const state = await deploy(
      recipe,
      catalogState({
        channels: { stable: { image: '1.1.0/2', amis: good, score: 97, promotedAt: '2026-12-02T11:00:00Z' } },
        revoked: [{ image: '1.2.0/3', amis: bad, reason: 'CVE-2026-1234 in openssl', disable: true, revokedAt: '2026-12-02T11:00:00Z' }],
      }),
    );
    // Assess
    expect(catalogFailures(state)).toEqual([]);
    for (const region of [HOME, OTHER]) {
      expect(await aws.parameter(region, `/ami-bakery/${recipe}/stable`)).toMatchObject({ value: good[region] });
      expect(await aws.parameter(region, `/ami-bakery/${recipe}/candidate`)).toMatchObject({ value: good[region] });
      expect(await aws.tags(region, bad[region] as string)).toMatchObject({
        [CATALOG_TAGS.revokedReason]: 'CVE-2026-1234 in openssl',
        [CATALOG_TAGS.revokedAt]: NOW.toISOString(),
        [CATALOG_TAGS.deprecationBeforeRevocation]: 'none',
      });
      expect(aws.amiState.get(bad[region] as string)).toEqual({ deprecationTime: '2026-12-02T12:01:00.000Z', disabled: true });
    }
    expect(aws.ec2Calls.filter((c) => c.includes(bad[HOME] as string))).toEqual([
      `${HOME} CreateTags ${bad[HOME]} ami-bakery:revoked-reason,ami-bakery:revoked-at,ami-bakery:deprecation-before-revocation`,
      `${HOME} EnableImageDeprecation ${bad[HOME]} 2026-12-02T12:01:00.000Z`,
      `${HOME} DisableImage ${bad[HOME]}`,
    ]);
    expect(aws.eventsOf(DETAIL_TYPES.revoked).filter((d) => d.recipe === recipe)).toEqual([
      {
        recipe,
        version: '1.2.0',
        image: '1.2.0/3',
        amis: { [HOME]: bad[HOME], [OTHER]: bad[OTHER] },
        reason: 'CVE-2026-1234 in openssl',
        disabled: true,
        execution: 'job-1',
        sourceCommit: 'c0ffee',
      },
    ]);
    const promoted = aws.eventsOf(DETAIL_TYPES.promoted).filter((d) => d.recipe === recipe && d.image === '1.1.0/2');
    expect(promoted.map((d) => [d.channel, d.fallback, d.score, d.previous])).toEqual([
      ['candidate', true, undefined, { [HOME]: bad[HOME], [OTHER]: bad[OTHER] }],
      ['stable', true, 97, { [HOME]: bad[HOME], [OTHER]: bad[OTHER] }],
    ]);

    // Act again: the same commit deployed twice changes nothing more
    aws.ec2Calls.length = 0;
    const again = await deploy(
      recipe,
      catalogState({
        channels: { stable: { image: '1.1.0/2', amis: good, score: 97, promotedAt: '2026-12-02T11:00:00Z' } },
        revoked: [{ image: '1.2.0/3', amis: bad, reason: 'CVE-2026-1234 in openssl', disable: true, revokedAt: '2026-12-02T11:00:00Z' }],
      }),
    );
    expect(again.recipes[recipe]?.actions).toEqual([]);
    expect(aws.ec2Calls).toEqual([]);
  });

  it('unrevokes: tags removed, enabled again, deprecation time as before the revocation; the image can be promoted in the same commit', async () => {
    // Prepare
    const recipe = 'unrevoke-me';
    const amis = await aws.build(recipe, '2.0.0/1');
    await deploy(
      recipe,
      catalogState({ revoked: [{ image: '2.0.0/1', amis, reason: 'false alarm', disable: true, revokedAt: '2026-12-02T11:00:00Z' }] }),
    );
    aws.ec2Calls.length = 0;
    // Act
    const state = await deploy(
      recipe,
      catalogState({ channels: { stable: { image: '2.0.0/1', amis, promotedAt: '2026-12-02T12:00:00Z' } } }),
    );
    // Assess
    expect(catalogFailures(state)).toEqual([]);
    expect(state.recipes[recipe]?.actions.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['unrevoke', 'applied'],
      ['set-channel', 'applied'],
      ['set-channel', 'applied'],
    ]);
    for (const region of [HOME, OTHER]) {
      const tags = await aws.tags(region, amis[region] as string);
      expect(Object.keys(tags).filter((k) => k.startsWith('ami-bakery:revoked') || k === CATALOG_TAGS.deprecationBeforeRevocation)).toEqual(
        [],
      );
      expect(aws.amiState.get(amis[region] as string)).toEqual({ disabled: false });
      expect(await aws.parameter(region, `/ami-bakery/${recipe}/stable`)).toMatchObject({ value: amis[region] });
    }
    expect(aws.eventsOf(DETAIL_TYPES.unrevoked).filter((d) => d.recipe === recipe)).toEqual([
      {
        recipe,
        version: '2.0.0',
        image: '2.0.0/1',
        reason: 'false alarm',
        amis: { [HOME]: amis[HOME], [OTHER]: amis[OTHER] },
        execution: 'job-1',
        sourceCommit: 'c0ffee',
      },
    ]);
  });

  it('gives superseded AMIs outside every channel their deprecation time and tags what superseded them', async () => {
    // Prepare
    const recipe = 'supersede-me';
    const old = await aws.build(recipe, '1.0.0/1', 'AVAILABLE', [HOME]);
    const mid = await aws.build(recipe, '1.1.0/1', 'AVAILABLE', [HOME]);
    const newest = await aws.build(recipe, '1.2.0/1', 'AVAILABLE', [HOME]);
    const created = Date.parse(await aws.creationDate(HOME, newest[HOME] as string));
    const expected = new Date(Math.max(created + 14 * 86_400_000, Date.parse('2026-12-02T12:01:00.000Z'))).toISOString();
    // Act: mid stays in stable; old is superseded
    const state = await deploy(
      recipe,
      catalogState({
        deprecateSupersededAfterDays: 14,
        channels: { stable: { image: '1.1.0/1', amis: mid, promotedAt: '2026-12-02T10:00:00Z' } },
      }),
    );
    // Assess
    expect(state.recipes[recipe]?.superseded.map((s) => [s.ami, s.image, s.supersededBy, s.deprecateAt, s.outcome])).toEqual([
      [old[HOME], '1.0.0/1', '1.2.0/1', expected, 'applied'],
    ]);
    expect((await aws.tags(HOME, old[HOME] as string))[CATALOG_TAGS.supersededBy]).toBe('1.2.0/1');
    expect(aws.amiState.get(old[HOME] as string)?.deprecationTime).toBe(expected);
    expect(aws.amiState.get(mid[HOME] as string)?.deprecationTime).toBeUndefined();
  });

  it('stores every recipe’s catalog settings for the image-events function', async () => {
    // Act
    await deploy('settings-only', catalogState({ deprecateSupersededAfterDays: 7, declaredChannels: ['beta', 'stable'] }));
    // Assess
    expect(JSON.parse(written.get('catalog/recipes/settings-only.json') as string)).toEqual({
      declaredChannels: ['beta', 'stable'],
      deprecateSupersededAfterDays: 7,
      formatVersion: 1,
      recipe: 'settings-only',
      sourceCommit: 'c0ffee',
    });
  });
});
