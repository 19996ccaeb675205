import { describe, expect, it } from 'vitest';
import {
  bundleFiles,
  type CatalogState,
  catalogJson,
  catalogSettingsOf,
  defaultCatalogState,
  deployedStateOf,
  formatPlan,
  loadBundle,
  type ObservedCatalog,
  observedCatalogOf,
  parseCatalog,
  planCatalog,
  planDocument,
  planRecipes,
  verifyBundle,
} from '../src/index.js';
import { bundledRecipe, editManifest, ids, makeBundle, read, text } from './helpers.js';

const PREFIX = 'ami-bakery-recipe-';
const A1 = { 'eu-west-1': 'ami-0aaaaaaaaaaaaaaa1', 'us-east-1': 'ami-0aaaaaaaaaaaaaaa2' };
const B1 = { 'eu-west-1': 'ami-0bbbbbbbbbbbbbbb1', 'us-east-1': 'ami-0bbbbbbbbbbbbbbb2' };
const C1 = { 'eu-west-1': 'ami-0ccccccccccccccc1', 'us-east-1': 'ami-0ccccccccccccccc2' };

function state(partial: Partial<CatalogState>): CatalogState {
  return { ...defaultCatalogState(), ...partial };
}

const onStable11 = state({ channels: { stable: { image: '1.1.0/2', amis: A1, score: 97.5, promotedAt: '2026-11-20T09:00:00Z' } } });
const onStable12 = state({ channels: { stable: { image: '1.2.0/3', amis: B1, score: 98.5, promotedAt: '2026-12-02T10:00:00Z' } } });
const revoked12 = state({
  channels: onStable11.channels,
  revoked: [{ image: '1.2.0/3', amis: B1, reason: 'CVE-2026-1234 in openssl', disable: false, revokedAt: '2026-12-02T11:00:00Z' }],
});

describe('Function: parseCatalog', () => {
  it('reads back what catalogJson wrote', () => {
    // Act
    const parsed = parseCatalog(JSON.parse(catalogJson(revoked12)));
    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.state).toEqual(revoked12);
  });

  const cases: { name: string; edit: (d: Record<string, unknown>) => void; paths: string[] }[] = [
    { name: 'an unknown top-level key', edit: (d) => (d.extra = 1), paths: ['extra'] },
    { name: 'another format version', edit: (d) => (d.formatVersion = 2), paths: ['formatVersion'] },
    { name: 'candidate declared', edit: (d) => (d.declaredChannels = ['candidate', 'stable']), paths: ['declaredChannels'] },
    { name: 'stable not declared', edit: (d) => (d.declaredChannels = ['beta']), paths: ['declaredChannels'] },
    { name: 'negative deprecation days', edit: (d) => (d.deprecateSupersededAfterDays = -1), paths: ['deprecateSupersededAfterDays'] },
    {
      name: 'a channel on a revoked image',
      edit: (d) => ((d.channels as Record<string, Record<string, unknown>>).stable = { ...onStable12.channels.stable }),
      paths: ['channels.stable.image'],
    },
    {
      name: 'a malformed AMI id, region and image',
      edit: (d) =>
        ((d.channels as Record<string, Record<string, unknown>>).stable = {
          image: '1.2/3',
          amis: { 'eu-west-1': 'ami-xyz', Ireland: 'ami-0aaaaaaaaaaaaaaa1' },
          promotedAt: 'yesterday',
        }),
      paths: ['channels.stable.image', 'channels.stable.amis.eu-west-1', 'channels.stable.amis.Ireland', 'channels.stable.promotedAt'],
    },
    {
      name: 'a score over 100',
      edit: (d) => (((d.channels as Record<string, Record<string, unknown>>).stable as Record<string, unknown>).score = 101),
      paths: ['channels.stable.score'],
    },
    {
      name: 'a reason of two lines',
      edit: (d) => (((d.revoked as Record<string, unknown>[])[0] as Record<string, unknown>).reason = 'a\nb'),
      paths: ['revoked[0].reason'],
    },
    {
      name: 'the same image revoked twice',
      edit: (d) => (d.revoked as Record<string, unknown>[]).push({ ...(d.revoked as Record<string, unknown>[])[0] }),
      paths: ['revoked[1].image'],
    },
  ];
  it.each(cases)('refuses $name, naming each path', ({ edit, paths }) => {
    // Prepare
    const data = JSON.parse(catalogJson(revoked12)) as Record<string, unknown>;
    edit(data);
    // Act
    const parsed = parseCatalog(data);
    // Assess
    expect(parsed.state).toBeUndefined();
    expect(
      parsed.issues.map((i) =>
        i.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '['),
      ),
    ).toEqual(paths);
  });

  it('takes the declared channels and deprecation days from recipe.yaml, stable always among them', () => {
    expect(
      catalogSettingsOf({ catalog: { channels: ['beta', 'candidate', 'Bad'] }, lifecycle: { deprecateSupersededAfterDays: 14 } }),
    ).toEqual({
      declaredChannels: ['beta', 'stable'],
      deprecateSupersededAfterDays: 14,
    });
    expect(catalogSettingsOf('not a recipe')).toEqual({ declaredChannels: ['stable'], deprecateSupersededAfterDays: null });
  });
});

describe('Function: planCatalog', () => {
  const observedOn = (s: CatalogState, extra: Partial<ObservedCatalog> = {}): ObservedCatalog => ({ ...observedCatalogOf(s), ...extra });

  it('a promotion sets the channel parameter in every region, naming the image it leaves', () => {
    // Act
    const plan = planCatalog(new Map([['al2023-web', onStable12]]), new Map([['al2023-web', observedOn(onStable11)]]));
    // Assess
    expect(plan.actions).toEqual([
      {
        kind: 'set-channel',
        recipe: 'al2023-web',
        channel: 'stable',
        region: 'eu-west-1',
        ami: B1['eu-west-1'],
        image: '1.2.0/3',
        from: A1['eu-west-1'],
        fromImage: '1.1.0/2',
        why: 'promote',
      },
      {
        kind: 'set-channel',
        recipe: 'al2023-web',
        channel: 'stable',
        region: 'us-east-1',
        ami: B1['us-east-1'],
        image: '1.2.0/3',
        from: A1['us-east-1'],
        fromImage: '1.1.0/2',
        why: 'promote',
      },
    ]);
  });

  it('a revocation deprecates the image, and the channel falls back to the image the file names', () => {
    // Act
    const plan = planCatalog(new Map([['al2023-web', revoked12]]), new Map([['al2023-web', observedOn(onStable12)]]));
    // Assess
    expect(
      plan.actions.map((a) => [a.kind, 'channel' in a ? a.channel : '-', 'region' in a ? a.region : '-', 'why' in a ? a.why : '-']),
    ).toEqual([
      ['revoke', '-', '-', '-'],
      ['set-channel', 'stable', 'eu-west-1', 'fallback'],
      ['set-channel', 'stable', 'us-east-1', 'fallback'],
    ]);
    expect(plan.actions[0]).toMatchObject({
      image: '1.2.0/3',
      regions: ['eu-west-1', 'us-east-1'],
      disable: false,
      fallbacks: [{ channel: 'stable', to: '1.1.0/2' }],
    });
  });

  it('the candidate on a revoked image falls back to the newest good image, or is deleted when none is left', () => {
    // Prepare
    const images = [
      ...observedCatalogOf(onStable11).images,
      ...observedCatalogOf(onStable12).images,
      { image: '1.3.0/1', state: 'FAILED', amis: {} },
    ];
    const observed: ObservedCatalog = { channels: { candidate: B1, stable: A1 }, images };
    const onlyRevoked: ObservedCatalog = { channels: { candidate: B1 }, images: observedCatalogOf(onStable12).images };
    const desired = state({ channels: onStable11.channels, revoked: revoked12.revoked });
    // Act
    const plan = planCatalog(new Map([['web', desired]]), new Map([['web', observed]]));
    const none = planCatalog(new Map([['web', state({ revoked: revoked12.revoked })]]), new Map([['web', onlyRevoked]]));
    // Assess
    expect(
      plan.actions.filter((a) => a.kind === 'set-channel').map((a) => [a.kind, a.channel, a.region, 'image' in a ? a.image : null]),
    ).toEqual([
      ['set-channel', 'candidate', 'eu-west-1', '1.1.0/2'],
      ['set-channel', 'candidate', 'us-east-1', '1.1.0/2'],
    ]);
    expect(plan.actions[0]).toMatchObject({ kind: 'revoke', fallbacks: [{ channel: 'candidate', to: '1.1.0/2' }] });
    expect(none.actions.map((a) => [a.kind, 'why' in a ? a.why : '-'])).toEqual([
      ['revoke', '-'],
      ['clear-channel', 'revoked-no-fallback'],
      ['clear-channel', 'revoked-no-fallback'],
    ]);
  });

  it('an applied revocation plans nothing; one changed to --disable plans it again', () => {
    // Prepare
    const disabled = state({ ...revoked12, revoked: [{ ...(revoked12.revoked[0] as CatalogState['revoked'][number]), disable: true }] });
    // Act
    const same = planCatalog(new Map([['web', revoked12]]), new Map([['web', observedCatalogOf(revoked12)]]));
    const again = planCatalog(new Map([['web', disabled]]), new Map([['web', observedCatalogOf(revoked12)]]));
    // Assess
    expect(same.actions).toEqual([]);
    expect(again.actions.map((a) => [a.kind, 'disable' in a ? a.disable : '-'])).toEqual([['revoke', true]]);
  });

  it('an unrevocation removes the tag and enables what was disabled; the channel stays where the file says', () => {
    // Prepare
    const base = state({ ...revoked12, revoked: [{ ...(revoked12.revoked[0] as CatalogState['revoked'][number]), disable: true }] });
    // Act
    const plan = planCatalog(new Map([['web', onStable11]]), new Map([['web', observedCatalogOf(base)]]));
    // Assess
    expect(plan.actions).toEqual([
      {
        kind: 'unrevoke',
        recipe: 'web',
        image: '1.2.0/3',
        regions: ['eu-west-1', 'us-east-1'],
        amis: B1,
        reason: 'CVE-2026-1234 in openssl',
        enable: ['eu-west-1', 'us-east-1'],
      },
    ]);
  });

  it('a channel taken out of the file, or a region the new image lacks, deletes the parameter there', () => {
    // Prepare
    const beta = state({
      declaredChannels: ['beta', 'stable'],
      channels: { beta: { image: '1.3.0/1', amis: { 'eu-west-1': C1['eu-west-1'] }, promotedAt: '2026-12-03T10:00:00Z' } },
    });
    const observed: ObservedCatalog = { channels: { beta: C1, stable: A1 }, images: [] };
    // Act
    const plan = planCatalog(new Map([['web', beta]]), new Map([['web', observed]]));
    // Assess
    expect(
      plan.actions.map((a) => [a.kind, 'channel' in a ? a.channel : '-', 'region' in a ? a.region : '-', 'why' in a ? a.why : '-']),
    ).toEqual([
      ['clear-channel', 'beta', 'us-east-1', 'region-left'],
      ['clear-channel', 'stable', 'eu-west-1', 'not-in-catalog'],
      ['clear-channel', 'stable', 'us-east-1', 'not-in-catalog'],
    ]);
  });

  it('a revoked AMI that no longer exists is a note, not an action', () => {
    // Prepare
    const observed: ObservedCatalog = {
      channels: {},
      images: [
        {
          image: '1.2.0/3',
          state: 'AVAILABLE',
          amis: { 'eu-west-1': { ami: B1['eu-west-1'], deprecated: false, disabled: false, revokedReason: null } },
        },
      ],
    };
    // Act
    const plan = planCatalog(new Map([['web', state({ revoked: revoked12.revoked })]]), new Map([['web', observed]]));
    // Assess
    expect(plan.actions).toMatchObject([{ kind: 'revoke', regions: ['eu-west-1'] }]);
    expect(plan.notes).toEqual([
      { recipe: 'web', message: `1.2.0/3: ${B1['us-east-1']} in us-east-1 no longer exists; nothing to revoke there` },
    ]);
  });
});

/** The base and head bundles of one recipe whose only change is its catalog. */
function catalogOnlyPlan(base: CatalogState, head: CatalogState, format: 'stylish' | 'markdown') {
  const baseBundle = loadBundle(
    bundleFiles([{ ...bundledRecipe({ name: 'al2023-web' }), catalog: base }, bundledRecipe({ name: 'ubuntu-cis' })], {
      sourceCommit: null,
      partial: false,
      retired: [],
    }),
  ).bundle;
  const headBundle = loadBundle(
    bundleFiles([{ ...bundledRecipe({ name: 'al2023-web' }), catalog: head }, bundledRecipe({ name: 'ubuntu-cis' })], {
      sourceCommit: null,
      partial: false,
      retired: [],
    }),
  ).bundle;
  if (!baseBundle || !headBundle) throw new Error('fixture bundles are invalid');
  const plan = planRecipes(headBundle.manifest, deployedStateOf(baseBundle.manifest, { stackPrefix: PREFIX }), { stackPrefix: PREFIX });
  const observed = new Map(baseBundle.recipes.map((r) => [r.entry.name, observedCatalogOf(r.catalog ?? defaultCatalogState())]));
  const desired = new Map(headBundle.recipes.map((r) => [r.entry.name, r.catalog ?? defaultCatalogState()]));
  const catalog = planCatalog(desired, observed, { planCandidate: false });
  return {
    plan,
    text: formatPlan(
      planDocument({
        kind: 'plan',
        plan,
        subject: { base: 'main (1a2b3c4)', head: 'working tree' },
        stackPrefix: PREFIX,
        prune: true,
        partial: false,
        catalog,
      }),
      format,
    ),
  };
}

describe('Function: formatPlan with a catalog', () => {
  it('stylish: a promotion changes no stack and sets the channel in each region', () => {
    // Act
    const { plan, text: out } = catalogOnlyPlan(onStable11, onStable12, 'stylish');
    // Assess
    expect(plan.items.map((i) => [i.recipe, i.action])).toEqual([
      ['al2023-web', 'unchanged'],
      ['ubuntu-cis', 'unchanged'],
    ]);
    expect(out).toBe(`Plan of ami-bakery-recipe-* stacks (base main (1a2b3c4), head working tree)

0 to create, 0 to update, 0 to delete, 2 unchanged; 0 image builds will start

Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)
~ al2023-web  stable    1.1.0/2 -> 1.2.0/3  promoted
    eu-west-1   ami-0aaaaaaaaaaaaaaa1 -> ami-0bbbbbbbbbbbbbbb1
    us-east-1   ami-0aaaaaaaaaaaaaaa2 -> ami-0bbbbbbbbbbbbbbb2

Catalog: 2 channel parameters to set, 0 to delete; 0 images to revoke, 0 to unrevoke
`);
  });

  it('stylish: a revocation names the reason, what is done to the AMIs and the fallback', () => {
    // Act
    const { text: out } = catalogOnlyPlan(onStable12, revoked12, 'stylish');
    // Assess
    expect(out).toBe(`Plan of ami-bakery-recipe-* stacks (base main (1a2b3c4), head working tree)

0 to create, 0 to update, 0 to delete, 2 unchanged; 0 image builds will start

Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)
! al2023-web  revoke    1.2.0/3  reason: CVE-2026-1234 in openssl
    deprecate now, tag ami-bakery:revoked-reason: eu-west-1 ami-0bbbbbbbbbbbbbbb1, us-east-1 ami-0bbbbbbbbbbbbbbb2
    stable falls back to 1.1.0/2
~ al2023-web  stable    1.2.0/3 -> 1.1.0/2  falls back (1.2.0/3 is revoked)
    eu-west-1   ami-0bbbbbbbbbbbbbbb1 -> ami-0aaaaaaaaaaaaaaa1
    us-east-1   ami-0bbbbbbbbbbbbbbb2 -> ami-0aaaaaaaaaaaaaaa2

Catalog: 2 channel parameters to set, 0 to delete; 1 image to revoke, 0 to unrevoke
`);
  });

  it('markdown: a revocation as one table row per block', () => {
    // Act
    const { text: out } = catalogOnlyPlan(onStable12, revoked12, 'markdown');
    // Assess
    expect(out.split('\n').slice(6)).toEqual([
      '#### Image catalog',
      '',
      'Catalog: 2 channel parameters to set, 0 to delete; 1 image to revoke, 0 to unrevoke',
      '',
      '| recipe | change | image | regions | what happens |',
      '|---|---|---|---|---|',
      '| `al2023-web` | **revoke** | 1.2.0/3 | eu-west-1 ami-0bbbbbbbbbbbbbbb1, us-east-1 ami-0bbbbbbbbbbbbbbb2 | deprecate now, tag ami-bakery:revoked-reason; reason: CVE-2026-1234 in openssl; stable falls back to 1.1.0/2 |',
      '| `al2023-web` | channel stable | 1.2.0/3 -&gt; 1.1.0/2 | eu-west-1 ami-0bbbbbbbbbbbbbbb1 -&gt; ami-0aaaaaaaaaaaaaaa1<br>us-east-1 ami-0bbbbbbbbbbbbbbb2 -&gt; ami-0aaaaaaaaaaaaaaa2 | falls back (1.2.0/3 is revoked) |',
      '',
    ]);
  });
});

describe('Function: verifyBundle with catalogs', () => {
  const withCatalog = () =>
    bundleFiles([{ ...bundledRecipe({ name: 'al2023-web' }), catalog: revoked12 }, bundledRecipe({ name: 'ubuntu-cis' })], {
      sourceCommit: null,
      partial: false,
      retired: [],
    });

  it('loads the catalog of a recipe that has one, and none for the other', () => {
    // Act
    const result = loadBundle(withCatalog());
    // Assess
    expect(result.problems).toEqual([]);
    expect(
      result.bundle?.recipes.map((r) => [r.entry.name, r.entry.catalogHash !== undefined, r.catalog?.revoked.map((x) => x.image)]),
    ).toEqual([
      ['al2023-web', true, ['1.2.0/3']],
      ['ubuntu-cis', false, undefined],
    ]);
  });

  const cases: { name: string; files: () => Map<string, Uint8Array>; expected: string[] }[] = [
    {
      name: 'catalog.json edited after bundling',
      files: () => {
        const files = withCatalog();
        files.set('recipes/al2023-web/catalog.json', text(read(files, 'recipes/al2023-web/catalog.json').replace('openssl', 'libssl')));
        return files;
      },
      expected: ['BUNDLE029 recipes/al2023-web/catalog.json'],
    },
    {
      name: 'catalog.json missing',
      files: () => {
        const files = withCatalog();
        files.delete('recipes/al2023-web/catalog.json');
        return files;
      },
      expected: ['BUNDLE010 recipes/al2023-web/catalog.json'],
    },
    {
      name: 'catalog.json without a catalogHash',
      files: () => {
        const files = makeBundle([{ name: 'ubuntu-cis' }]);
        files.set('recipes/ubuntu-cis/catalog.json', text(catalogJson(revoked12)));
        return files;
      },
      expected: ['BUNDLE011 recipes/ubuntu-cis/catalog.json'],
    },
    {
      name: 'catalogHash that is not a hash',
      files: () =>
        editManifest(withCatalog(), (m) => {
          ((m.recipes as Record<string, unknown>[])[0] as Record<string, unknown>).catalogHash = 'md5:x';
        }),
      expected: ['BUNDLE004 manifest.json'],
    },
  ];
  it.each(cases)('refuses $name', ({ files, expected }) => {
    expect(ids(verifyBundle(files()))).toEqual(expected);
  });

  it('a catalog.json whose content is not a catalog: each problem with its path', () => {
    // Prepare
    const bad = JSON.parse(catalogJson(revoked12));
    bad.channels.stable.image = 'latest';
    const files = bundleFiles([{ ...bundledRecipe({ name: 'al2023-web' }), catalog: bad }], {
      sourceCommit: null,
      partial: false,
      retired: [],
    });
    // Act
    const problems = verifyBundle(files);
    // Assess
    expect(problems.map((p) => [p.id, p.path, p.message.split(':')[0]])).toEqual([
      ['BUNDLE030', 'recipes/al2023-web/catalog.json', 'channels.stable.image'],
    ]);
  });
});
