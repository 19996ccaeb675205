/**
 * The two access tables (data/required.json, data/attacks.json) evaluated with real IAM policy
 * logic against today's templates: the management stack, the access StackSet, the bakery stack and
 * every shipped recipe bundle, with the publish role built from the publisher's permission list.
 * Every required access is Allowed, every attack is Denied. A failing row prints the request and
 * the statements that decided it. A row marked `knownDefect` is wrong today for a reason named in
 * the mark (with its fix, in a file another change owns): the test expects the wrong outcome, so
 * the row fails, asking for the mark to go, as soon as the fix lands.
 */
import { DEPLOYER_PERMISSIONS, deployerActions, renderPermissions } from '@ami-bakery/deployer/permissions';
import { IMAGE_EVENTS_PERMISSIONS, imageEventsActions } from '@ami-bakery/image-events/permissions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountModel,
  asExpected,
  describeOutcome,
  evaluate,
  outcomesOf,
  type Row,
  recipeScoped,
  rowTargets,
  rowValues,
} from '../src/index.js';
import { ATTACKS, currentModel, currentTemplates, REQUIRED } from './helpers.js';

let model: AccountModel;
let recipes: string[];

beforeAll(() => {
  const templates = currentTemplates();
  recipes = [...templates.recipes.keys()];
  model = currentModel(templates);
});

function wanted(table: 'required' | 'attacks', row: Row): string {
  if (row.knownDefect) return `${table === 'required' ? 'a denial' : 'Allowed'} until fixed: ${row.knownDefect}`;
  return table === 'required' ? 'Allowed' : 'Denied';
}

describe.each([
  ['required', REQUIRED],
  ['attacks', ATTACKS],
] as const)('Access paths: %s', (table, rows) => {
  it.each(rows.map((row) => [row.id, row] as const))('%s', async (_, row) => {
    // Act
    const results = await outcomesOf(model, row, recipes);
    // Assess
    expect(results.length, `${row.id} ran for no recipe`).toBeGreaterThan(0);
    const wrong = results.filter((o) => !asExpected(table, o.decision, Boolean(row.knownDefect)));
    expect(wrong.map((o) => describeOutcome(o, wanted(table, row)))).toEqual([]);
  });
});

describe('Access paths: the tables', () => {
  it('have unique ids (REQ-nn required, ATK-nn attacks) and a title each', () => {
    const ids = [...REQUIRED, ...ATTACKS].map((row) => row.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(REQUIRED.filter((row) => !/^REQ-\d{2,3}$/.test(row.id)).map((row) => row.id)).toEqual([]);
    expect(ATTACKS.filter((row) => !/^ATK-\d{2,3}$/.test(row.id)).map((row) => row.id)).toEqual([]);
    expect([...REQUIRED, ...ATTACKS].filter((row) => row.title.trim() === '').map((row) => row.id)).toEqual([]);
  });

  it('run the evidence row for every recipe whose build instance writes evidence: every shipped recipe', () => {
    const evidence = REQUIRED.find((row) => row.id === 'REQ-04') as Row;
    expect(recipeScoped(evidence)).toBe(true);
    expect(rowTargets(model, evidence, recipes)).toEqual(recipes);
  });
});

describe('Access paths: the simulator path that keeps kms:EncryptionContext keys', () => {
  it.each(
    [...REQUIRED, ...ATTACKS]
      .filter((row) => !JSON.stringify(row.context ?? {}).includes('kms:EncryptionContext:'))
      .map((row) => [row.id, row] as const),
  )('%s: decides as runSimulation does when no key is dropped', async (_, row) => {
    // Prepare
    const recipe = rowTargets(model, row, recipes)[0];
    const other = recipes.find((r) => r !== recipe);
    // Act
    const checked = await evaluate(model, row, recipe, other);
    const unfiltered = await evaluate(model, row, recipe, other, { unfiltered: true });
    // Assess
    expect(unfiltered.decision).toBe(checked.decision);
  });

  it.each([
    ['the bucket (S3 Bucket Key)', '${ArtifactBucketName}', 'Allowed'],
    ['its own log object', '${ArtifactBucketName}/image-builder-logs/${Recipe}/i-0abc/build.log', 'Allowed'],
    ["another recipe's log object", '${ArtifactBucketName}/image-builder-logs/${OtherRecipe}/i-0abc/build.log', 'ImplicitlyDenied'],
    ['the control bucket', '${ControlBucketName}', 'ImplicitlyDenied'],
  ])('the build instance key grant follows the encryption context: %s', async (_, arn, decision) => {
    // Prepare
    const row: Row = {
      id: 'KMS-CONTEXT',
      title: 'encryption context decides',
      principal: 'recipe:{Recipe}:InstanceRole',
      action: 'kms:GenerateDataKey',
      resource: '${ArtifactKeyArn}',
      context: {
        'kms:ViaService': 's3.${Region}.amazonaws.com',
        'kms:CallerAccount': '${Account}',
        'kms:EncryptionContext:aws:s3:arn': `arn:\${Partition}:s3:::${arn}`,
      },
    };
    // Act
    const outcome = await evaluate(model, row, 'ubuntu-pro-22-04-cis-level1', 'amazon-linux-2023-stig-high');
    // Assess
    expect(outcome.decision).toBe(decision);
  });

  it('refuses a context key that is not a condition key of the action', async () => {
    // Act
    const outcome = await evaluate(model, {
      id: 'BAD-KEY',
      title: 'a key S3 never sends',
      principal: 'bakery:PipelineRole',
      action: 's3:PutObject',
      resource: 'arn:${Partition}:s3:::${ArtifactBucketName}/x',
      context: { 'kms:EncryptionContext:aws:s3:arn': 'arn:${Partition}:s3:::${ArtifactBucketName}' },
    });
    // Assess
    expect(outcome).toMatchObject({
      decision: 'Error',
      decisive: ['context key(s) kms:EncryptionContext:aws:s3:arn are not condition keys of s3:PutObject'],
    });
  });
});

const LISTS = [
  { name: 'the deployer', principal: 'bakery:DeployerRole', statements: DEPLOYER_PERMISSIONS, actions: deployerActions() },
  {
    name: 'the image-events function',
    principal: 'bakery:ImageEventsRole',
    statements: IMAGE_EVENTS_PERMISSIONS,
    actions: imageEventsActions(),
  },
] as const;

describe.each(LISTS)('Access paths: the permission list of $name', ({ principal, statements, actions }) => {
  const wildcard = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
  const listRows = () => REQUIRED.filter((row) => row.principal === principal);

  // A Deny statement carves an exception out of an Allow: its requests are attack rows.
  it.each(
    statements
      .filter((statement) => statement.effect !== 'Deny')
      .flatMap((statement) => statement.actions.map((action) => [statement.sid, action, statement] as const)),
  )('%s: %s is a required row on a resource the statement grants', (_sid, action, statement) => {
    // Prepare: the statement as the bakery stack grants it in the test account.
    const values = rowValues(model, 'ubuntu-pro-22-04-cis-level1');
    const [rendered] = renderPermissions(
      {
        partition: values.Partition as string,
        region: values.Region as string,
        accountId: values.Account as string,
        urlSuffix: 'amazonaws.com',
        artifactBucket: values.ArtifactBucketName as string,
        recipeStackPrefix: values.RecipeStackPrefix as string,
        recipeDeployRoleArn: values.RecipeDeployRoleArn as string,
        artifactKeyArn: values.ArtifactKeyArn as string,
        controlBucket: values.ControlBucketName as string,
        guardRulesKey: values.GuardRulesKey as string,
        namePrefix: 'ami-bakery',
        organizationId: values.OrganizationId as string,
        managementAccountId: values.ManagementAccount as string,
        evidenceBucket: values.EvidenceBucketName as string,
      },
      [statement],
    );
    // Act
    const covering = listRows().filter(
      (row) =>
        row.action === action &&
        rendered?.resources.some((resource) =>
          wildcard(resource).test(row.resource.replace(/\$\{(\w+)\}/g, (_, n: string) => values[n] ?? `\${${n}}`)),
        ),
    );
    // Assess
    expect(
      covering.map((row) => row.id),
      `no required row runs ${action} on ${rendered?.resources.join(', ')}`,
    ).not.toEqual([]);
  });

  it('has no required row outside the list (but its own log stream)', () => {
    const listed = new Set([...actions, 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(
      listRows()
        .filter((row) => !listed.has(row.action))
        .map((row) => `${row.id} ${row.action}`),
    ).toEqual([]);
  });
});
