import { describe, expect, it } from 'vitest';
import { CATALOG_TAGS } from '../../src/catalog/names.js';
import { planRecipeCatalog } from '../../src/catalog/plan.js';
import { supersededAmis } from '../../src/catalog/superseded.js';
import { ami, amiRecord, amisOf, catalogState, HOME, OTHER, observation } from './fixtures.js';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const R = 'al2023';
const revokedTags = (reason: string) => ({ [CATALOG_TAGS.revokedReason]: reason, [CATALOG_TAGS.revokedAt]: '2026-12-01T00:00:00.000Z' });

describe('Function: planRecipeCatalog', () => {
  it.each([
    {
      name: 'a promotion sets the channel in every region the entry names',
      desired: catalogState({ channels: { stable: { image: '1.2.0/3', amis: amisOf(R, '1.2.0/3'), promotedAt: '2026-12-02T10:00:00Z' } } }),
      observed: observation(R, [amiRecord(R, '1.1.0/2', HOME), amiRecord(R, '1.2.0/3', HOME), amiRecord(R, '1.2.0/3', OTHER)], {
        stable: { [HOME]: ami(R, '1.1.0/2', HOME) },
      }),
      expected: [
        {
          action: 'set-channel',
          channel: 'stable',
          region: HOME,
          ami: ami(R, '1.2.0/3', HOME),
          from: ami(R, '1.1.0/2', HOME),
          image: '1.2.0/3',
          reason: 'promote',
        },
        {
          action: 'set-channel',
          channel: 'stable',
          region: OTHER,
          ami: ami(R, '1.2.0/3', OTHER),
          from: null,
          image: '1.2.0/3',
          reason: 'promote',
        },
      ],
    },
    {
      name: 'a channel already pointing at the entry plans nothing',
      desired: catalogState({
        channels: { stable: { image: '1.2.0/3', amis: amisOf(R, '1.2.0/3', [HOME]), promotedAt: '2026-12-02T10:00:00Z' } },
      }),
      observed: observation(R, [amiRecord(R, '1.2.0/3', HOME)], { stable: { [HOME]: ami(R, '1.2.0/3', HOME) } }),
      expected: [],
    },
    {
      name: 'a channel parameter without an entry is removed, candidate is left to the builds',
      desired: catalogState(),
      observed: observation(R, [amiRecord(R, '1.2.0/3', HOME)], {
        beta: { [HOME]: ami(R, '1.2.0/3', HOME) },
        candidate: { [HOME]: ami(R, '1.2.0/3', HOME) },
      }),
      expected: [
        { action: 'set-channel', channel: 'beta', region: HOME, ami: null, from: ami(R, '1.2.0/3', HOME), image: null, reason: 'remove' },
      ],
    },
    {
      name: 'a revocation deprecates and tags the image, and candidate falls back to the newest good image',
      desired: catalogState({
        channels: { stable: { image: '1.1.0/2', amis: amisOf(R, '1.1.0/2', [HOME]), promotedAt: '2026-12-02T10:00:00Z' } },
        revoked: [
          {
            image: '1.2.0/3',
            amis: amisOf(R, '1.2.0/3', [HOME]),
            reason: 'CVE-2026-1234 in openssl',
            disable: true,
            revokedAt: '2026-12-02T11:00:00Z',
          },
        ],
      }),
      observed: observation(R, [amiRecord(R, '1.0.0/1', HOME), amiRecord(R, '1.1.0/2', HOME), amiRecord(R, '1.2.0/3', HOME)], {
        stable: { [HOME]: ami(R, '1.2.0/3', HOME) },
        candidate: { [HOME]: ami(R, '1.2.0/3', HOME) },
      }),
      expected: [
        { action: 'revoke', image: '1.2.0/3', amis: amisOf(R, '1.2.0/3', [HOME]), disable: true, reason: 'CVE-2026-1234 in openssl' },
        {
          action: 'set-channel',
          channel: 'stable',
          region: HOME,
          ami: ami(R, '1.1.0/2', HOME),
          from: ami(R, '1.2.0/3', HOME),
          image: '1.1.0/2',
          reason: 'promote',
        },
        {
          action: 'set-channel',
          channel: 'candidate',
          region: HOME,
          ami: ami(R, '1.1.0/2', HOME),
          from: ami(R, '1.2.0/3', HOME),
          image: '1.1.0/2',
          reason: 'fallback',
        },
      ],
    },
    {
      name: 'a revocation already applied everywhere plans nothing',
      desired: catalogState({
        revoked: [
          { image: '1.2.0/3', amis: amisOf(R, '1.2.0/3', [HOME]), reason: 'bad', disable: false, revokedAt: '2026-12-02T11:00:00Z' },
        ],
      }),
      observed: observation(R, [amiRecord(R, '1.2.0/3', HOME, { deprecationTime: '2026-12-02T11:02:00.000Z', tags: revokedTags('bad') })]),
      expected: [],
    },
    {
      name: 'candidate on a revoked image with no good image left is removed',
      desired: catalogState({
        revoked: [
          { image: '1.0.0/1', amis: amisOf(R, '1.0.0/1', [HOME]), reason: 'bad', disable: false, revokedAt: '2026-12-02T11:00:00Z' },
        ],
      }),
      observed: observation(R, [amiRecord(R, '1.0.0/1', HOME, { deprecationTime: '2026-12-02T11:02:00.000Z', tags: revokedTags('bad') })], {
        candidate: { [HOME]: ami(R, '1.0.0/1', HOME) },
      }),
      expected: [
        {
          action: 'set-channel',
          channel: 'candidate',
          region: HOME,
          ami: null,
          from: ami(R, '1.0.0/1', HOME),
          image: null,
          reason: 'remove',
        },
      ],
    },
    {
      name: 'a revocation that left the catalog is undone',
      desired: catalogState(),
      observed: observation(R, [
        amiRecord(R, '1.2.0/3', HOME, { deprecationTime: '2026-12-02T11:02:00.000Z', tags: revokedTags('bad') }),
        amiRecord(R, '1.2.0/3', OTHER, { state: 'disabled', deprecationTime: '2026-12-02T11:02:00.000Z', tags: revokedTags('bad') }),
      ]),
      expected: [{ action: 'unrevoke', image: '1.2.0/3', amis: amisOf(R, '1.2.0/3') }],
    },
  ])('$name', ({ desired, observed, expected }) => {
    // Act
    const actions = planRecipeCatalog(R, desired, observed, NOW);
    // Assess
    expect(actions).toEqual(expected.map((a) => ({ recipe: R, ...a })));
  });
});

describe('Function: supersededAmis', () => {
  const DAY = 86_400_000;
  it.each([
    {
      name: 'older images get the newest image creation time plus the days',
      records: [
        amiRecord(R, '1.0.0/1', HOME),
        amiRecord(R, '1.1.0/2', HOME),
        amiRecord(R, '1.2.0/3', HOME, { creationDate: '2026-12-01T00:00:00.000Z' }),
      ],
      channels: [],
      days: 30,
      expected: [
        { ami: ami(R, '1.0.0/1', HOME), image: '1.0.0/1', at: Date.parse('2026-12-01T00:00:00.000Z') + 30 * DAY },
        { ami: ami(R, '1.1.0/2', HOME), image: '1.1.0/2', at: Date.parse('2026-12-01T00:00:00.000Z') + 30 * DAY },
      ],
    },
    {
      name: 'an image in a channel, a revoked one and one already deprecated are left alone',
      records: [
        amiRecord(R, '1.0.0/1', HOME),
        amiRecord(R, '1.1.0/2', HOME, { tags: revokedTags('bad') }),
        amiRecord(R, '1.1.1/1', HOME, { deprecationTime: '2027-01-01T00:00:00.000Z' }),
        amiRecord(R, '1.2.0/3', HOME),
      ],
      channels: [ami(R, '1.0.0/1', HOME)],
      days: 30,
      expected: [],
    },
    {
      name: 'zero days or a time already past deprecates at the next whole minute plus one',
      records: [amiRecord(R, '1.0.0/1', HOME), amiRecord(R, '2.0.0/1', HOME, { creationDate: '2026-01-01T00:00:00.000Z' })],
      channels: [],
      days: 0,
      expected: [{ ami: ami(R, '1.0.0/1', HOME), image: '1.0.0/1', at: Date.parse('2026-12-02T12:01:00.000Z') }],
    },
    {
      name: 'versions order numerically, not as text (1.10.0 is newer than 1.9.0)',
      records: [amiRecord(R, '1.9.0/1', HOME), amiRecord(R, '1.10.0/1', HOME)],
      channels: [],
      days: 1,
      expected: [{ ami: ami(R, '1.9.0/1', HOME), image: '1.9.0/1', at: Date.parse('2026-12-02T12:01:00.000Z') }],
    },
  ])('$name', ({ records, channels, days, expected }) => {
    // Act
    const due = supersededAmis(records, new Set(channels), days, NOW);
    // Assess
    expect(due.map((d) => ({ ami: d.ami, image: d.image, at: d.deprecateAt.getTime() }))).toEqual(expected);
  });
});
