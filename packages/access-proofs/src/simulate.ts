/**
 * One row of the access tables evaluated with @cloud-copilot/iam-simulate (real IAM policy
 * logic: identity policies, permissions boundary, the resource's policy — bucket policy, key
 * policy, trust policy). AGPL: this package is test-only and never bundled (a test checks).
 */
import { getDenialReasons, getGrantReasons, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { type AccountModel, ARN, type RoleModel, TEST_ENV } from './model.js';
import { type Json, resolve } from './resolve.js';

export interface Row {
  id: string;
  title: string;
  /** `<stack>:<logical id>`; `{Recipe}` expands per recipe. */
  principal: string;
  action: string;
  /** Fn::Sub text over the model's names, `${Recipe}`, `${RecipeStack}`, `${OtherRecipe}`. */
  resource: string;
  context?: Record<string, string | string[]>;
  /** Recipes a `{Recipe}` row runs for; default every recipe. */
  recipes?: string[];
  /**
   * `attached` (default): the role's own policies. `upper-bound`: its AWS-managed policies are
   * taken to allow everything, so only what the bakery controls (boundary, resource policies)
   * decides; used where an AWS-managed policy is the grant and its text is not ours to model.
   */
  identity?: 'attached' | 'upper-bound';
  /** The row's outcome is wrong today for a reason another change fixes; the test expects the wrong outcome and says so. */
  knownDefect?: string;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | 'Error';

export interface Outcome {
  row: Row;
  recipe?: string;
  request: { principal: string; action: string; resource: string; context: Record<string, string | string[]> };
  decision: Decision;
  /** The statements that decided (grants for Allowed, denials otherwise), readable. */
  decisive: string[];
}

function findRole(model: AccountModel, key: string): RoleModel {
  const exact = model.roles.get(key);
  if (exact) return exact;
  // CDK appends an 8-character hash to logical ids.
  const matches = [...model.roles.entries()].filter(([k]) => k.startsWith(key) && /^[0-9A-F]{8}$/.test(k.slice(key.length)));
  if (matches.length !== 1)
    throw new Error(
      `principal ${key}: ${matches.length === 0 ? 'no such role' : 'ambiguous'} (roles: ${[...model.roles.keys()].join(', ')})`,
    );
  return (matches[0] as [string, RoleModel])[1];
}

function sub(text: string, values: Record<string, string>): string {
  return resolve(
    { 'Fn::Sub': text },
    {
      values,
      ref: (id) => {
        throw new Error(`\${${id}} is not a name of the model (known: ${Object.keys(values).join(', ')})`);
      },
      getAtt: (id, a) => {
        throw new Error(`\${${id}.${a}} is not a name of the model`);
      },
    },
  ) as string;
}

function resourcePolicy(model: AccountModel, action: string, resource: string): Json | undefined {
  if (action.startsWith('s3:')) {
    const bucket = resource.slice(`${ARN}:s3:::`.length).split('/')[0] ?? '';
    return model.bucketPolicies.get(bucket);
  }
  if (action.startsWith('kms:')) return model.keyPolicies.get(resource);
  if (action === 'sts:AssumeRole') return [...model.roles.values()].find((role) => role.arn === resource)?.trust;
  return undefined;
}

const UPPER_BOUND = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AwsManagedPoliciesUpperBound', Effect: 'Allow', Action: '*', Resource: '*' }],
};

export async function evaluate(model: AccountModel, row: Row, recipe?: string, otherRecipe?: string): Promise<Outcome> {
  const values: Record<string, string> = {
    ...model.names,
    Partition: TEST_ENV.partition,
    Region: TEST_ENV.region,
    Account: TEST_ENV.account,
    ...(recipe ? { Recipe: recipe, RecipeStack: `${TEST_ENV.recipeStackPrefix}${recipe}` } : {}),
    ...(otherRecipe ? { OtherRecipe: otherRecipe, OtherRecipeStack: `${TEST_ENV.recipeStackPrefix}${otherRecipe}` } : {}),
  };
  const role = findRole(model, recipe ? row.principal.replace('{Recipe}', recipe) : row.principal);
  const resource = sub(row.resource, values);
  const context = Object.fromEntries(
    Object.entries(row.context ?? {}).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((v) => sub(v, values)) : sub(value, values),
    ]),
  );
  const identity = [
    ...role.inline.map(({ name, policy }) => ({ name: `inline:${name}`, policy })),
    ...role.managedPolicyArns.flatMap((arn) => {
      const document = model.managedPolicies.get(arn);
      if (document) return [{ name: `managed:${arn}`, policy: document }];
      return row.identity === 'upper-bound' ? [{ name: `aws-managed-upper-bound:${arn.split(':policy/')[1]}`, policy: UPPER_BOUND }] : [];
    }),
  ];
  const boundary = role.boundaryArn === undefined ? undefined : model.managedPolicies.get(role.boundaryArn);
  if (role.boundaryArn !== undefined && boundary === undefined)
    throw new Error(`${role.key}: boundary ${role.boundaryArn} is not a policy of the model`);
  const simulation: Simulation = {
    request: { principal: role.arn, action: row.action, resource: { resource, accountId: TEST_ENV.account }, contextVariables: context },
    identityPolicies: identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [{ name: `boundary:${role.boundaryArn}`, policy: boundary }] } : {}),
    ...(resourcePolicy(model, row.action, resource) ? { resourcePolicy: resourcePolicy(model, row.action, resource) } : {}),
  };
  const result = await runSimulation(simulation, {});
  const request = { principal: role.arn, action: row.action, resource, context };
  if (result.resultType === 'error')
    return {
      row,
      ...(recipe ? { recipe } : {}),
      request,
      decision: 'Error',
      decisive: [result.errors.message, JSON.stringify(result.errors).slice(0, 800)],
    };
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  const decision = result.overallResult as Decision;
  const decisive = analysis
    ? decision === 'Allowed'
      ? getGrantReasons(analysis).map((g) =>
          `${g.policyType} ${'policyIdentifier' in g ? g.policyIdentifier : ''} statement ${g.statementId ?? `#${g.statementIndex}`}`.trim(),
        )
      : getDenialReasons(analysis).map((d) =>
          d.denialType === 'Explicit'
            ? `explicit deny: ${d.policyType} ${d.policyIdentifier ?? ''} statement ${d.statementId ?? `#${d.statementIndex}`}`
            : `implicit deny: no ${d.policyType} statement allows it${d.identifier ? ` (${d.identifier})` : ''}`,
        )
    : [];
  return { row, ...(recipe ? { recipe } : {}), request, decision, decisive };
}

/** A failing row as a reviewer reads it: the request and the statements that decided. */
export function describeOutcome(outcome: Outcome, expected: string): string {
  return [
    `${outcome.row.id} ${outcome.row.title}${outcome.recipe ? ` [${outcome.recipe}]` : ''}: expected ${expected}, got ${outcome.decision}`,
    `  principal ${outcome.request.principal}`,
    `  action    ${outcome.request.action}`,
    `  resource  ${outcome.request.resource}`,
    ...(Object.keys(outcome.request.context).length > 0 ? [`  context   ${JSON.stringify(outcome.request.context)}`] : []),
    ...outcome.decisive.map((d) => `  decided by ${d}`),
  ].join('\n');
}
