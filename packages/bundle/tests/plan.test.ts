import { describe, expect, it } from 'vitest';
import { type BundleManifestV2, type DeployedStack, deployedStateOf, loadBundle, MANAGED_BY, planRecipes, TAGS } from '../src/index.js';
import { makeBundle, type RecipeSpec } from './helpers.js';

const PREFIX = 'ami-bakery-recipe-';
const VALUES = { PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundary' };

function manifestOf(specs: RecipeSpec[], context: Parameters<typeof makeBundle>[1] = {}): BundleManifestV2 {
  const { bundle, problems } = loadBundle(makeBundle(specs, context));
  if (!bundle) throw new Error(`test bundle is invalid: ${JSON.stringify(problems)}`);
  return bundle.manifest;
}

/** The stacks the deployer leaves after deploying `specs` with VALUES. */
function deployed(specs: RecipeSpec[]): DeployedStack[] {
  return deployedStateOf(manifestOf(specs), { stackPrefix: PREFIX, parameterValues: VALUES });
}

function stack(name: string, status: string, tags: Record<string, string> = {}): DeployedStack {
  return { stackName: `${PREFIX}${name}`, status, tags };
}

const rows = (plan: ReturnType<typeof planRecipes>) => plan.items.map((i) => [i.recipe, i.action, i.reason, i.build]);

describe('Function: planRecipes', () => {
  const cases: { name: string; desired: () => BundleManifestV2; stacks: () => DeployedStack[]; prune?: boolean; expected: unknown[][] }[] =
    [
      {
        name: 'creates new recipes and builds them',
        desired: () => manifestOf([{ name: 'aaa' }, { name: 'bbb', buildOnVersionChange: false }]),
        stacks: () => [],
        expected: [
          ['aaa', 'create', 'new-recipe', true],
          ['bbb', 'create', 'new-recipe', false],
        ],
      },
      {
        name: 'leaves identical recipes alone',
        desired: () => manifestOf([{ name: 'aaa' }, { name: 'bbb' }]),
        stacks: () => deployed([{ name: 'aaa' }, { name: 'bbb' }]),
        expected: [
          ['aaa', 'unchanged', 'same', false],
          ['bbb', 'unchanged', 'same', false],
        ],
      },
      {
        name: 'updates a bumped recipe and starts its build',
        desired: () => manifestOf([{ name: 'aaa', version: '1.1.0' }, { name: 'bbb' }]),
        stacks: () => deployed([{ name: 'aaa' }, { name: 'bbb' }]),
        expected: [
          ['aaa', 'update', 'version-changed', true],
          ['bbb', 'unchanged', 'same', false],
        ],
      },
      {
        name: 'updates a bumped recipe without a build when buildOnVersionChange is off',
        desired: () => manifestOf([{ name: 'aaa', version: '1.1.0', buildOnVersionChange: false }]),
        stacks: () => deployed([{ name: 'aaa' }]),
        expected: [['aaa', 'update', 'version-changed', false]],
      },
      {
        name: 'updates a changed template of the same version without a build',
        desired: () => manifestOf([{ name: 'aaa', data: 'changed' }]),
        stacks: () => deployed([{ name: 'aaa' }]),
        expected: [['aaa', 'update', 'deployment-changed', false]],
      },
      {
        name: 'updates only the tags when only the content hash moved',
        desired: () => manifestOf([{ name: 'aaa', contentHash: `sha256:${'b'.repeat(64)}` }]),
        stacks: () => deployed([{ name: 'aaa' }]),
        expected: [['aaa', 'update', 'tags-changed', false]],
      },
      {
        name: 'adopts a stack of the previous pipeline (no tags) by updating it, never recreating it',
        desired: () => manifestOf([{ name: 'aaa' }]),
        stacks: () => [stack('aaa', 'UPDATE_COMPLETE')],
        expected: [['aaa', 'update', 'adopt', false]],
      },
      {
        name: 'deletes a recipe that left the manifest',
        desired: () => manifestOf([{ name: 'aaa' }, { name: 'bbb' }]),
        stacks: () => deployed([{ name: 'aaa' }, { name: 'bbb' }, { name: 'ccc' }]),
        expected: [
          ['aaa', 'unchanged', 'same', false],
          ['bbb', 'unchanged', 'same', false],
          ['ccc', 'delete', 'left-manifest', false],
        ],
      },
      {
        name: 'keeps a recipe that left the manifest when pruning is off',
        desired: () => manifestOf([{ name: 'aaa' }]),
        stacks: () => deployed([{ name: 'aaa' }, { name: 'ccc' }]),
        prune: false,
        expected: [
          ['aaa', 'unchanged', 'same', false],
          ['ccc', 'unchanged', 'kept-prune-off', false],
        ],
      },
      {
        name: 'never deletes from a partial bundle',
        desired: () => manifestOf([{ name: 'aaa' }], { partial: true }),
        stacks: () => deployed([{ name: 'aaa' }, { name: 'ccc' }]),
        expected: [
          ['aaa', 'unchanged', 'same', false],
          ['ccc', 'unchanged', 'kept-partial', false],
        ],
      },
      {
        name: 'leaves an untagged stack with the prefix alone when no recipe names it',
        desired: () => manifestOf([{ name: 'aaa' }]),
        stacks: () => [...deployed([{ name: 'aaa' }]), stack('handmade', 'CREATE_COMPLETE')],
        expected: [
          ['aaa', 'unchanged', 'same', false],
          ['handmade', 'unchanged', 'unmanaged', false],
        ],
      },
      {
        name: 'deletes and creates again a stack whose first create failed',
        desired: () => manifestOf([{ name: 'aaa' }]),
        stacks: () => [stack('aaa', 'ROLLBACK_COMPLETE')],
        expected: [['aaa', 'create', 'recreate-failed-create', true]],
      },
      {
        name: 'creates a stack left in review by an interrupted create',
        desired: () => manifestOf([{ name: 'aaa' }]),
        stacks: () => [stack('aaa', 'REVIEW_IN_PROGRESS')],
        expected: [['aaa', 'create', 'resume-create', true]],
      },
      {
        name: 'blocks a stack that is busy or broken',
        desired: () =>
          manifestOf([
            { name: 'aaa', version: '2.0.0' },
            { name: 'bbb', version: '2.0.0' },
          ]),
        stacks: () => [
          { ...deployed([{ name: 'aaa' }])[0], status: 'UPDATE_IN_PROGRESS' } as DeployedStack,
          { ...deployed([{ name: 'bbb' }])[0], status: 'UPDATE_ROLLBACK_FAILED' } as DeployedStack,
        ],
        expected: [
          ['aaa', 'update', 'stack-busy', false],
          ['bbb', 'update', 'stack-needs-attention', false],
        ],
      },
      {
        name: 'ignores stacks outside the prefix and deleted stacks',
        desired: () => manifestOf([{ name: 'aaa' }]),
        stacks: () => [
          { stackName: 'other-stack', status: 'CREATE_COMPLETE', tags: {} },
          { ...stack('zzz', 'DELETE_COMPLETE'), tags: deployed([{ name: 'zzz' }])[0]?.tags ?? {} },
        ],
        expected: [['aaa', 'create', 'new-recipe', true]],
      },
    ];

  it.each(cases)('$name', ({ desired, stacks, prune, expected }) => {
    // Act
    const plan = planRecipes(desired(), stacks(), {
      stackPrefix: PREFIX,
      parameterValues: VALUES,
      ...(prune === undefined ? {} : { prune }),
    });
    // Assess
    expect(rows(plan)).toEqual(expected);
    expect(plan.refusals).toEqual([]);
  });

  it('updates every recipe when a parameter value changes (the deploy hash covers them)', () => {
    // Act
    const plan = planRecipes(
      manifestOf([{ name: 'aaa' }, { name: 'bbb', parameters: [] }]),
      deployed([{ name: 'aaa' }, { name: 'bbb', parameters: [] }]),
      {
        stackPrefix: PREFIX,
        parameterValues: { PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/other' },
      },
    );
    // Assess: bbb declares no parameter, so its deployment is the same
    expect(rows(plan)).toEqual([
      ['aaa', 'update', 'deployment-changed', false],
      ['bbb', 'unchanged', 'same', false],
    ]);
  });

  it('tags every created or updated stack with the deploy hash it will carry', () => {
    // Act
    const plan = planRecipes(manifestOf([{ name: 'aaa' }]), [], { stackPrefix: PREFIX, parameterValues: VALUES });
    // Assess
    expect(plan.items[0]?.deployHash).toBe(deployed([{ name: 'aaa' }])[0]?.tags[TAGS.deployHash]);
  });
});

describe('Function: planRecipes (prune safety)', () => {
  const ten = Array.from({ length: 10 }, (_, i) => ({ name: `r${String(i).padStart(2, '0')}x` }));

  it('refuses a bundle that would delete every recipe (PLAN001)', () => {
    // Act
    const plan = planRecipes(manifestOf([]), deployed(ten.slice(0, 3)), { stackPrefix: PREFIX, parameterValues: VALUES });
    // Assess
    expect(plan.refusals.map((r) => [r.id, r.recipes])).toEqual([['PLAN001', ['r00x', 'r01x', 'r02x']]]);
  });

  it('refuses deleting more than a tenth of the recipes unannounced (PLAN002)', () => {
    // Act: 10 deployed, 2 gone; at most max(1, 10% of 10) = 1 may go unannounced
    const plan = planRecipes(manifestOf(ten.slice(2)), deployed(ten), { stackPrefix: PREFIX, parameterValues: VALUES });
    // Assess
    expect(plan.refusals.map((r) => [r.id, r.recipes])).toEqual([['PLAN002', ['r00x', 'r01x']]]);
  });

  it('allows one recipe to go unannounced even among few', () => {
    // Act
    const plan = planRecipes(manifestOf(ten.slice(1, 3)), deployed(ten.slice(0, 3)), { stackPrefix: PREFIX, parameterValues: VALUES });
    // Assess
    expect(plan.refusals).toEqual([]);
    expect(plan.counts.delete).toBe(1);
  });

  it('allows any deletion of retired recipes, even of all of them', () => {
    // Prepare
    const retired = ten.slice(0, 3).map((r) => ({ name: r.name, reason: 'replaced by al2023' }));
    // Act
    const plan = planRecipes(manifestOf([], { retired }), deployed(ten.slice(0, 3)), { stackPrefix: PREFIX, parameterValues: VALUES });
    // Assess
    expect(plan.refusals).toEqual([]);
    expect(rows(plan).map((r) => r.slice(0, 3))).toEqual([
      ['r00x', 'delete', 'retired'],
      ['r01x', 'delete', 'retired'],
      ['r02x', 'delete', 'retired'],
    ]);
  });

  it("counts only the deployer's stacks: unmanaged stacks never make a bundle look complete", () => {
    // Prepare: 1 managed stack, 5 untagged ones
    const stacks = [...deployed([{ name: 'aaa' }]), ...['u1', 'u2', 'u3', 'u4', 'u5'].map((n) => stack(`${n}xx`, 'CREATE_COMPLETE'))];
    // Act
    const plan = planRecipes(manifestOf([]), stacks, { stackPrefix: PREFIX });
    // Assess
    expect(plan.refusals.map((r) => r.id)).toEqual(['PLAN001']);
  });

  it('rejects a prefix that cannot start a stack name', () => {
    expect(() => planRecipes(manifestOf([]), [], { stackPrefix: '1-bad' })).toThrow(/cannot start a stack name/);
  });

  it('reads managed-by from the stack tags', () => {
    const tags = deployed([{ name: 'aaa' }])[0]?.tags;
    expect(tags?.[TAGS.managedBy]).toBe(MANAGED_BY);
  });
});
