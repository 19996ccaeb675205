import { planCatalog } from '@ami-bakery/bundle';
import { describe, expect, it } from 'vitest';
import { CATALOG_TAGS } from '../../src/catalog/names.js';
import { plannerView } from '../../src/catalog/plan.js';
import { supersededAmis } from '../../src/catalog/superseded.js';
import { ami, amiRecord, amisOf, catalogState, HOME, OTHER, snapshot } from './fixtures.js';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const R = 'al2023';
const revokedTags = (reason: string) => ({ [CATALOG_TAGS.revokedReason]: reason, [CATALOG_TAGS.revokedAt]: '2026-12-01T00:00:00.000Z' });

describe('Function: plannerView', () => {
  it.each([
    {
      name: 'no deprecation time',
      deprecationTime: undefined,
      state: 'available',
      tags: {},
      expected: { deprecated: false, disabled: false, revokedReason: null },
    },
    {
      name: 'a deprecation time already past',
      deprecationTime: '2026-12-01T00:00:00.000Z',
      state: 'available',
      tags: {},
      expected: { deprecated: true, disabled: false, revokedReason: null },
    },
    {
      name: 'a revocation deprecating at the next minute (EC2 takes no past time)',
      deprecationTime: '2026-12-02T12:01:00.000Z',
      state: 'disabled',
      tags: revokedTags('bad'),
      expected: { deprecated: true, disabled: true, revokedReason: 'bad' },
    },
    {
      name: 'a superseded image deprecating in a month',
      deprecationTime: '2027-01-02T00:00:00.000Z',
      state: 'available',
      tags: {},
      expected: { deprecated: false, disabled: false, revokedReason: null },
    },
  ])('shows the planner $name as it is', ({ deprecationTime, state, tags, expected }) => {
    // Prepare
    const record = amiRecord(R, '1.2.0/3', HOME, { state, tags, ...(deprecationTime ? { deprecationTime } : {}) });
    // Act
    const view = plannerView(snapshot(R, [record], { stable: { [HOME]: record.ami } }, { '1.2.0/3': 'AVAILABLE' }), NOW);
    // Assess
    expect(view).toEqual({
      channels: { stable: { [HOME]: record.ami } },
      images: [{ image: '1.2.0/3', state: 'AVAILABLE', amis: { [HOME]: { ami: record.ami, ...expected } } }],
    });
  });

  it('lets planCatalog plan nothing for a revocation the deployer applied a moment ago', () => {
    // Prepare
    const desired = catalogState({
      revoked: [{ image: '1.2.0/3', amis: amisOf(R, '1.2.0/3'), reason: 'bad', disable: true, revokedAt: '2026-12-02T11:59:00Z' }],
    });
    const records = [HOME, OTHER].map((region) =>
      amiRecord(R, '1.2.0/3', region, { state: 'disabled', deprecationTime: '2026-12-02T12:01:00.000Z', tags: revokedTags('bad') }),
    );
    // Act
    const plan = planCatalog(new Map([[R, desired]]), new Map([[R, plannerView(snapshot(R, records), NOW)]]));
    // Assess
    expect(plan.actions).toEqual([]);
  });

  it('lets planCatalog fall candidate back to the newest good image it observed', () => {
    // Prepare
    const desired = catalogState({
      revoked: [{ image: '1.2.0/3', amis: amisOf(R, '1.2.0/3', [HOME]), reason: 'bad', disable: false, revokedAt: '2026-12-02T11:59:00Z' }],
    });
    const records = [amiRecord(R, '1.0.0/1', HOME), amiRecord(R, '1.1.0/2', HOME), amiRecord(R, '1.2.0/3', HOME)];
    // Act
    const plan = planCatalog(
      new Map([[R, desired]]),
      new Map([[R, plannerView(snapshot(R, records, { candidate: { [HOME]: ami(R, '1.2.0/3', HOME) } }), NOW)]]),
    );
    // Assess
    expect(plan.actions.map((a) => (a.kind === 'set-channel' ? [a.kind, a.channel, a.ami, a.image, a.why] : [a.kind]))).toEqual([
      ['revoke'],
      ['set-channel', 'candidate', ami(R, '1.1.0/2', HOME), '1.1.0/2', 'fallback'],
    ]);
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
