/**
 * The seven defects of the security review (issue #11), each shown on the templates from before
 * the fixes (tests/fixtures/before) and gone on today's: IAM requests evaluated with iam-simulate,
 * the invariants run by the real cfn-guard, and the lifecycle policy run over sample AMIs. Every
 * case asserts both sides, so it fails on the old templates and passes now.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkTemplate, createGuardEngine } from '@ami-bakery/invariants';
import { bundleRecipe } from '@ami-bakery/recipe-bundler';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type AccountModel,
  type Ami,
  asExpected,
  type Decision,
  describeOutcome,
  evaluate,
  type Json,
  lifecycleActions,
  type Row,
  TEST_ENV,
} from '../src/index.js';
import { ATTACKS, beforeModel, currentModel, currentTemplates, PACKAGE_DIR, REPO_ROOT, REQUIRED } from './helpers.js';

const BEFORE = path.join(PACKAGE_DIR, 'tests/fixtures/before');
/** The recipes whose pre-fix templates are fixtures. */
const RECIPES = ['ubuntu-pro-22-04-cis-level1', 'amazon-linux-2023-stig-high'];

let before: AccountModel;
let now: AccountModel;
let nowBakery: Json;
let beforeBakery: Json;

beforeAll(() => {
  before = beforeModel();
  const templates = currentTemplates();
  now = currentModel(templates);
  nowBakery = templates.bakery;
  beforeBakery = JSON.parse(readFileSync(path.join(BEFORE, 'bakery-stack.template.json'), 'utf8')) as Json;
});

const byId = (id: string): Row => {
  const row = [...REQUIRED, ...ATTACKS].find((r) => r.id === id);
  if (!row) throw new Error(`no row ${id}`);
  const { knownDefect: _, ...clean } = row;
  return clean;
};

type Want = 'Allowed' | 'Denied';
const is = (decision: Decision, want: Want): boolean => decision !== 'Error' && (want === 'Allowed') === (decision === 'Allowed');

interface IamCase {
  defect: number;
  what: string;
  row: Row;
  before: Want;
  now: Want;
}

const IAM_CASES: IamCase[] = [
  {
    defect: 2,
    what: 'S3 gets a data key for the build log upload (bucket SSE-KMS, key policy delegates to IAM)',
    row: byId('REQ-02'),
    before: 'Denied',
    now: 'Allowed',
  },
  {
    defect: 2,
    what: 'S3 decrypts the data key for a multipart build log upload',
    row: byId('REQ-03'),
    before: 'Denied',
    now: 'Allowed',
  },
  {
    defect: 2,
    what: 'the boundary lets the build instance write its evidence prefix (whatever its own policy grants)',
    row: {
      id: 'D2-EVIDENCE',
      title: 'evidence upload under the boundary',
      principal: 'recipe:{Recipe}:InstanceRole',
      action: 's3:PutObject',
      resource: 'arn:${Partition}:s3:::${EvidenceBucketName}/evidence/${Recipe}/1.0.0/1.0.0-1/summary.json',
      identity: 'unrestricted',
    },
    before: 'Denied',
    now: 'Allowed',
  },
  { defect: 3, what: 'a build-instance role deregisters AMIs', row: byId('ATK-19'), before: 'Allowed', now: 'Denied' },
  {
    defect: 3,
    what: 'lifecycle-role credentials used from an instance deregister AMIs',
    row: byId('ATK-50'),
    before: 'Allowed',
    now: 'Denied',
  },
  {
    defect: 3,
    what: 'a build-instance role deletes snapshots in another region',
    row: {
      id: 'D3-SNAPSHOT',
      title: 'snapshot deletion elsewhere',
      principal: 'recipe:{Recipe}:InstanceRole',
      action: 'ec2:DeleteSnapshot',
      resource: 'arn:${Partition}:ec2:us-east-1::snapshot/snap-0123456789abcdef0',
      identity: 'upper-bound',
    },
    before: 'Allowed',
    now: 'Denied',
  },
  {
    defect: 5,
    what: 'CloudFormation (recipe deploy role) reads the Inspector status for image scanning',
    row: {
      id: 'D5-INSPECTOR',
      title: 'Inspector status',
      principal: 'bakery:RecipeDeployRole',
      action: 'inspector2:BatchGetAccountStatus',
      resource: '*',
    },
    before: 'Denied',
    now: 'Allowed',
  },
  { defect: 6, what: 'the recipe deploy role changes its own trust policy', row: byId('ATK-11'), before: 'Allowed', now: 'Denied' },
  { defect: 6, what: 'the recipe deploy role deletes itself', row: byId('ATK-12'), before: 'Allowed', now: 'Denied' },
  { defect: 6, what: 'the recipe deploy role adds a policy to itself', row: byId('ATK-64'), before: 'Allowed', now: 'Denied' },
];

async function run(model: AccountModel, row: Row) {
  const scoped = row.principal.includes('{Recipe}') || row.resource.includes('${Recipe}');
  if (!scoped) return [await evaluate(model, row)];
  return Promise.all(
    RECIPES.map((recipe) =>
      evaluate(
        model,
        row,
        recipe,
        RECIPES.find((r) => r !== recipe),
      ),
    ),
  );
}

describe('Defects: IAM requests before the fixes and now', () => {
  it.each(IAM_CASES.map((c) => [`defect ${c.defect}: ${c.what}`, c] as const))('%s', async (_, c) => {
    // Act
    const old = await run(before, c.row);
    const current = await run(now, c.row);
    // Assess: the defect shows on the old templates and is gone now.
    expect(old.filter((o) => !is(o.decision, c.before)).map((o) => describeOutcome(o, `${c.before} before the fix`))).toEqual([]);
    expect(current.filter((o) => !is(o.decision, c.now)).map((o) => describeOutcome(o, c.now))).toEqual([]);
  });
});

describe('Defect 1: the first deploy of the bakery stack can create its key', () => {
  /** What CloudFormation asks IAM for each KMS key of the bakery stack, with the deploy role: create it with its tags, then tag it. */
  function keyRequests(template: Json): Row[] {
    return Object.entries(template.Resources as Record<string, Json>)
      .filter(([, r]) => r.Type === 'AWS::KMS::Key')
      .flatMap(([id, r]) => {
        const tags = ((r.Properties as Json).Tags ?? []) as { Key: string; Value: string }[];
        const context = {
          ...Object.fromEntries(
            tags.map((t) => [
              `aws:RequestTag/${t.Key}`,
              typeof t.Value === 'string' && !t.Value.includes('${') ? t.Value : TEST_ENV.namePrefix,
            ]),
          ),
          ...(tags.length > 0 ? { 'aws:TagKeys': tags.map((t) => t.Key) } : {}),
        };
        const base = { principal: 'access:BakeryStackDeployRole', context };
        return [
          { ...base, id: `D1-CREATE-${id}`, title: `create ${id}`, action: 'kms:CreateKey', resource: '*' },
          {
            ...base,
            id: `D1-TAG-${id}`,
            title: `tag ${id} while creating it`,
            action: 'kms:TagResource',
            resource: `arn:\${Partition}:kms:\${Region}:\${Account}:key/${'0'.repeat(8)}-1111-4222-8333-944445555666`,
          },
        ];
      });
  }

  it('before: the deploy role may create the key but not tag it, so the stack creation fails', async () => {
    const rows = keyRequests(beforeBakery);
    const outcomes = await Promise.all(rows.map((row) => evaluate(before, row)));
    expect(outcomes.map((o) => [o.row.action, o.decision])).toEqual([
      ['kms:CreateKey', 'Allowed'],
      ['kms:TagResource', 'ImplicitlyDenied'],
    ]);
  });

  it('now: the bakery stack creates no key (the access StackSet owns it), so nothing is asked of the deploy role', () => {
    expect(keyRequests(nowBakery)).toEqual([]);
    expect(now.names.ArtifactKeyArn).toBe(now.names['access:BakeryKey.Arn']);
  });

  it.each(['ATK-20', 'ATK-22'])('and the deploy role cannot take over other keys: %s stays Denied', async (id) => {
    const outcome = await evaluate(now, byId(id));
    expect(asExpected('attacks', outcome.decision, false), describeOutcome(outcome, 'Denied')).toBe(true);
  });
});

describe('Defect 4: the invariants no suppression switches off are enforced when a template is deployed', () => {
  const hooks = (template: Json) =>
    Object.values(template.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::CloudFormation::GuardHook');

  it('before: no Guard hook; now: a failing Guard hook on every recipe stack with the invariant rules', () => {
    expect(hooks(beforeBakery)).toEqual([]);
    const [hook] = hooks(nowBakery);
    const props = now.stacks
      .get('bakery')
      ?.properties(
        Object.keys(nowBakery.Resources as Json).find(
          (id) => (nowBakery.Resources as Record<string, Json>)[id]?.Type === 'AWS::CloudFormation::GuardHook',
        ) as string,
      ) as Json;
    expect(hook).toBeDefined();
    expect(props).toMatchObject({
      FailureMode: 'FAIL',
      HookStatus: 'ENABLED',
      TargetOperations: ['STACK'],
      RuleLocation: { Uri: `s3://${now.names.ControlBucketName}/${TEST_ENV.guardRulesKey}` },
      StackFilters: {
        FilteringCriteria: 'ANY',
        StackNames: { Include: [`${TEST_ENV.recipeStackPrefix}*`] },
        StackRoles: { Include: [now.names.RecipeDeployRoleArn] },
      },
    });
  });

  it.each(['REQ-43', 'REQ-44'])('now: the hook role reads its rules (%s Allowed); before there was no hook role', async (id) => {
    const outcome = await evaluate(now, byId(id));
    expect(outcome.decision, describeOutcome(outcome, 'Allowed')).toBe('Allowed');
    await expect(evaluate(before, byId(id))).rejects.toThrow(/bakery:GuardHookRole: no such role/);
  });

  it('a recipe that suppresses the recipe rules still bundles to a template the rule set refuses (no public AMI, IMDSv2, encryption)', async () => {
    // Prepare: the recipe turns all three off and suppresses the recipe rules that would have said so.
    const result = bundleRecipe(path.join(PACKAGE_DIR, 'tests/fixtures/recipes-suppressed/suppressed-baseline'), {
      cwd: REPO_ROOT,
      sourceCommit: null,
    });
    expect(result.findings.filter((f) => f.severity === 'error' && !f.suppressed).map((f) => f.ruleId)).toEqual([]);
    // Act
    const violations = await checkTemplate(result.template, createGuardEngine({ backend: 'binary' }));
    // Assess
    expect([...new Set(violations.map((v) => v.ruleId))].sort()).toEqual(['RB6001', 'RB6002', 'RB6003']);
  });
});

describe('Defect 7: the lifecycle policy keeps AMIs in use and deprecates before it deletes', () => {
  const policyOf = (template: Json, model: AccountModel, recipe: string): Json => {
    const id = Object.keys(template.Resources as Json).find(
      (k) => (template.Resources as Record<string, Json>)[k]?.Type === 'AWS::ImageBuilder::LifecyclePolicy',
    );
    return model.stacks.get(`recipe:${recipe}`)?.properties(id as string) as Json;
  };
  const recipe = 'ubuntu-pro-22-04-cis-level1';
  const newest = Array.from({ length: 5 }, (_, i) => ({ id: `ami-new${i}`, ageDays: 7 * (i + 1) }));
  const AMIS: Ami[] = [
    ...newest,
    { id: 'ami-in-use', ageDays: 200, lastLaunchedDaysAgo: 3 },
    { id: 'ami-95-days', ageDays: 95 },
    { id: 'ami-150-unused', ageDays: 150, lastLaunchedDaysAgo: 120 },
    { id: 'ami-retained', ageDays: 400, tags: { 'ami-bakery:retain': 'true' } },
  ];

  it.each([
    ['ami-in-use', ['DELETE'], ['DEPRECATE']],
    ['ami-95-days', ['DELETE'], ['DEPRECATE']],
    ['ami-150-unused', ['DELETE'], ['DEPRECATE', 'DELETE']],
    ['ami-retained', [], []],
    ['ami-new4', [], []],
  ])('%s: before %j, now %j', (ami, old, current) => {
    const beforeTemplate = parse(readFileSync(path.join(BEFORE, `${recipe}.template.yaml`), 'utf8')) as Json;
    const nowTemplate = now.stacks.get(`recipe:${recipe}`)?.template as Json;
    expect(lifecycleActions(policyOf(beforeTemplate, before, recipe), AMIS).get(ami)).toEqual(old);
    expect(lifecycleActions(policyOf(nowTemplate, now, recipe), AMIS).get(ami)).toEqual(current);
  });

  it('now: every AMI the policy deletes it has deprecated first, on every shipped recipe', () => {
    const ages = Array.from({ length: 60 }, (_, i) => i * 10);
    for (const [prefix, stack] of now.stacks) {
      if (!prefix.startsWith('recipe:')) continue;
      const amis: Ami[] = [...newest, ...ages.map((age) => ({ id: `ami-${age}`, ageDays: age }))];
      const actions = lifecycleActions(policyOf(stack.template, now, prefix.slice('recipe:'.length)), amis);
      const deletedUndeprecated = [...actions].filter(([, a]) => a.includes('DELETE') && !a.includes('DEPRECATE')).map(([id]) => id);
      expect(deletedUndeprecated, prefix).toEqual([]);
    }
  });
});
