/**
 * Contract between the recipe bundler and this stack: every resource a bundled recipe template
 * creates, under the stack name the deployer gives it (`<RecipeStackPrefix><recipe>`), falls inside
 * the RecipeDeployRole policy, and every parameter a bundle asks for is one the deployer can fill
 * from its RECIPE_PARAMETERS. Both sides are the real code: the recipes under recipes/ bundled by
 * @ami-bakery/recipe-bundler, and the bakery template (the same for any bundle).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleResult, bundleRecipe, DEFAULT_STACK_PREFIX } from '@ami-bakery/recipe-bundler';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAKERY_DEFAULTS, RECIPE_PARAMETERS, synthBakeryTemplate } from '../src/index.js';
import { allowedBy, normalizeStatements, type Request, resolve, type Scope, type Statement, wildcardMatch } from './cfn-eval.js';
import type { Json } from './support.js';

process.env.CDK_VALIDATION = 'false';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const RECIPES_DIR = path.join(REPO_ROOT, 'recipes');
/** Local build and test components and organization sharing, whether or not recipes/ has them yet. */
const FIXTURE_RECIPES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/recipes');
const FIXTURE = 'contract-fixture';
const PARTITION = 'aws';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
/** Built, not written: no literal commercial ARN prefix in the sources. */
const ARN = ['arn', PARTITION].join(':');
const BAKERY_STACK_ID = `${ARN}:cloudformation:${REGION}:${ACCOUNT}:stack/ami-bakery/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`;
/** The parameters without defaults; any value matching their patterns does. */
const REQUIRED_BAKERY_VALUES = { OrganizationId: 'o-a1b2c3d4e5', ManagementAccountId: '222222222222' };
const KEY_ARN = `${ARN}:kms:${REGION}:${ACCOUNT}:key/0a0b0c0d-0000-4000-8000-000000000001`;
/** Stands in for the random part of a name CloudFormation generates. */
const GENERATED = 'A1B2C3D4E5F6';

const pseudo = (stackName: string, stackId: string): Record<string, string> => ({
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': stackName,
  'AWS::StackId': stackId,
});

function parameterDefaults(template: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries((template.Parameters ?? {}) as Record<string, Json>)) {
    if (typeof spec.Default === 'string') out[name] = spec.Default;
  }
  return out;
}

function resources(template: Json): Record<string, Json> {
  return template.Resources as Record<string, Json>;
}

// ----- The bakery side ---------------------------------------------------------------------

/** The bakery stack as deployed with its default parameters. */
function bakeryScope(template: Json): Scope {
  const all = resources(template);
  const scope: Scope = {
    values: { ...pseudo('ami-bakery', BAKERY_STACK_ID), ...parameterDefaults(template), ...REQUIRED_BAKERY_VALUES },
    conditions: template.Conditions as Json,
    imports: { 'ami-bakery-artifact-key-arn': KEY_ARN },
    ref: (id) => {
      const resource = all[id];
      const props = (resource?.Properties ?? {}) as Json;
      switch (resource?.Type) {
        case 'AWS::S3::Bucket':
          return resolve(props.BucketName, scope) as string;
        case 'AWS::IAM::ManagedPolicy':
          return `${ARN}:iam::${ACCOUNT}:policy${(props.Path as string | undefined) ?? '/'}${resolve(props.ManagedPolicyName, scope) as string}`;
        case 'AWS::IAM::Role':
          return resolve(props.RoleName, scope) as string;
        default:
          return `{Ref ${id}}`;
      }
    },
    getAtt: (id, attribute) =>
      all[id]?.Type === 'AWS::IAM::Role' && attribute === 'Arn'
        ? `${ARN}:iam::${ACCOUNT}:role/${scope.ref(id)}`
        : `{GetAtt ${id}.${attribute}}`,
  };
  return scope;
}

function logicalIdOf(template: Json, type: string, prefix: string): string {
  const ids = Object.entries(resources(template))
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`Expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

function deployRoleStatements(template: Json, scope: Scope): Statement[] {
  const role = resolve(resources(template)[logicalIdOf(template, 'AWS::IAM::Role', 'RecipeDeployRole')], scope) as Json;
  const policies = (role.Properties as Json).Policies as Json[];
  return policies.flatMap((policy) => normalizeStatements(policy.PolicyDocument));
}

interface DeployAction {
  stackName: string;
  roleArn: string;
  overrides: Record<string, string>;
}

/** What the deployer does for each recipe: its stack name, role, and the parameters the template declares. */
function deployActions(template: Json, scope: Scope, bundles: readonly BundleResult[]): Map<string, DeployAction> {
  const fn = resolve(resources(template)[logicalIdOf(template, 'AWS::Lambda::Function', 'DeployerFunction')], scope) as Json;
  const env = ((fn.Properties as Json).Environment as Json).Variables as Record<string, string>;
  const values = JSON.parse(env.RECIPE_PARAMETERS as string) as Record<string, string>;
  return new Map(
    bundles.map((bundle) => [
      bundle.name,
      {
        stackName: `${env.RECIPE_STACK_PREFIX}${bundle.name}`,
        roleArn: env.RECIPE_DEPLOY_ROLE_ARN as string,
        overrides: Object.fromEntries(bundle.parameters.filter((p) => p in values).map((p) => [p, values[p] as string])),
      },
    ]),
  );
}

// ----- The recipe side ---------------------------------------------------------------------

/** `<stack>-<logical id>-<random>` cut to the service's limit, as CloudFormation names resources. */
function generatedName(stackName: string, logicalId: string, max: number): string {
  const tail = `-${logicalId}-${GENERATED}`;
  return `${stackName.slice(0, Math.max(0, max - tail.length))}${tail}`.slice(-max);
}

const IMAGE_BUILDER_ARN: Record<string, (name: string, version: string) => string> = {
  'AWS::ImageBuilder::Component': (name, version) => `component/${name}/${version}/1`,
  'AWS::ImageBuilder::ImageRecipe': (name, version) => `image-recipe/${name}/${version}`,
  'AWS::ImageBuilder::InfrastructureConfiguration': (name) => `infrastructure-configuration/${name}`,
  'AWS::ImageBuilder::DistributionConfiguration': (name) => `distribution-configuration/${name}`,
  'AWS::ImageBuilder::ImagePipeline': (name) => `image-pipeline/${name}`,
  'AWS::ImageBuilder::LifecyclePolicy': (name) => `lifecycle-policy/${name}`,
};

interface Physical {
  /** What Ref returns. */
  ref: string;
  arn: string;
}

interface RecipeStack {
  scope: Scope;
  physical: (logicalId: string) => Physical;
  properties: (logicalId: string) => Json;
}

/** The recipe template as CloudFormation sees it in stack `stackName` with the Deploy stage's overrides. */
function recipeStack(template: Json, stackName: string, overrides: Record<string, string>): RecipeStack {
  const all = resources(template);
  const memo = new Map<string, Physical>();
  const stackId = `${ARN}:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
  const scope: Scope = {
    values: { ...pseudo(stackName, stackId), ...parameterDefaults(template), ...overrides },
    conditions: template.Conditions as Json,
    ref: (id) => physical(id).ref,
    getAtt: (id, attribute) => {
      if (attribute !== 'Arn') throw new Error(`GetAtt ${id}.${attribute} is not modelled`);
      return physical(id).arn;
    },
  };
  const properties = (id: string): Json => (resolve(all[id]?.Properties ?? {}, scope) as Json) ?? {};
  const physical = (id: string): Physical => {
    const known = memo.get(id);
    if (known) return known;
    const type = String(all[id]?.Type);
    const props = properties(id);
    const iamPath = (props.Path as string | undefined) ?? '/';
    let result: Physical;
    if (type === 'AWS::IAM::Role') {
      const name = (props.RoleName as string | undefined) ?? generatedName(stackName, id, 64);
      result = { ref: name, arn: `${ARN}:iam::${ACCOUNT}:role${iamPath}${name}` };
    } else if (type === 'AWS::IAM::InstanceProfile') {
      const name = (props.InstanceProfileName as string | undefined) ?? generatedName(stackName, id, 128);
      result = { ref: name, arn: `${ARN}:iam::${ACCOUNT}:instance-profile${iamPath}${name}` };
    } else if (type in IMAGE_BUILDER_ARN) {
      // Image Builder lower-cases names in ARNs; Ref returns the ARN.
      const suffix = (IMAGE_BUILDER_ARN[type] as (n: string, v: string) => string)(String(props.Name).toLowerCase(), String(props.Version));
      const arn = `${ARN}:imagebuilder:${REGION}:${ACCOUNT}:${suffix}`;
      result = { ref: arn, arn };
    } else {
      throw new Error(`No ARN rule for ${type} (${id}): teach the recipe contract test how CloudFormation names it`);
    }
    memo.set(id, result);
    return result;
  };
  return { scope, physical, properties };
}

interface Row {
  resource: string;
  action: string;
  arn: string;
  context?: Record<string, string>;
}

/** What CloudFormation asks IAM for while creating each resource of the recipe stack. */
function requestsOf(template: Json, stack: RecipeStack): Row[] {
  const rows: Row[] = [];
  const add = (resource: string, action: string, arn: string, context?: Record<string, string>): void => {
    rows.push({ resource, action, arn, ...(context ? { context } : {}) });
  };
  const roleArnOf = (value: unknown): string => {
    const ref = String(value);
    const id = Object.keys(resources(template)).find(
      (candidate) => stack.physical(candidate).ref === ref || stack.physical(candidate).arn === ref,
    );
    return id ? stack.physical(id).arn : ref;
  };
  for (const [id, resource] of Object.entries(resources(template))) {
    const props = stack.properties(id);
    const { arn } = stack.physical(id);
    const tagged = props.Tags !== undefined;
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const boundary: Record<string, string> = props.PermissionsBoundary
          ? { 'iam:PermissionsBoundary': String(props.PermissionsBoundary) }
          : {};
        add(id, 'iam:CreateRole', arn, boundary);
        for (const policy of (props.ManagedPolicyArns ?? []) as string[])
          add(id, 'iam:AttachRolePolicy', arn, { ...boundary, 'iam:PolicyARN': policy });
        if (((props.Policies ?? []) as unknown[]).length > 0) add(id, 'iam:PutRolePolicy', arn, boundary);
        if (tagged) add(id, 'iam:TagRole', arn);
        break;
      }
      case 'AWS::IAM::InstanceProfile':
        add(id, 'iam:CreateInstanceProfile', arn);
        add(id, 'iam:AddRoleToInstanceProfile', arn);
        for (const role of props.Roles as string[])
          add(id, 'iam:PassRole', roleArnOf(role), { 'iam:PassedToService': 'ec2.amazonaws.com' });
        break;
      case 'AWS::ImageBuilder::Component':
        add(id, 'imagebuilder:CreateComponent', arn);
        break;
      case 'AWS::ImageBuilder::ImageRecipe': {
        add(id, 'imagebuilder:CreateImageRecipe', arn);
        for (const component of props.Components as { ComponentArn: string }[])
          add(id, 'imagebuilder:GetComponent', component.ComponentArn);
        const parent = String(props.ParentImage);
        if (parent.startsWith('ssm:/')) add(id, 'ssm:GetParameter', `${ARN}:ssm:${REGION}::parameter${parent.slice('ssm:'.length)}`);
        break;
      }
      case 'AWS::ImageBuilder::InfrastructureConfiguration': {
        add(id, 'imagebuilder:CreateInfrastructureConfiguration', arn);
        const profileId = Object.keys(resources(template)).find((candidate) => stack.physical(candidate).ref === props.InstanceProfileName);
        const roles = profileId ? (stack.properties(profileId).Roles as string[]) : [];
        for (const role of roles) add(id, 'iam:PassRole', roleArnOf(role), { 'iam:PassedToService': 'ec2.amazonaws.com' });
        break;
      }
      case 'AWS::ImageBuilder::DistributionConfiguration':
        add(id, 'imagebuilder:CreateDistributionConfiguration', arn);
        break;
      case 'AWS::ImageBuilder::ImagePipeline':
        add(id, 'imagebuilder:CreateImagePipeline', arn);
        break;
      case 'AWS::ImageBuilder::LifecyclePolicy':
        add(id, 'imagebuilder:CreateLifecyclePolicy', arn);
        add(id, 'iam:PassRole', String(props.ExecutionRole), { 'iam:PassedToService': 'imagebuilder.amazonaws.com' });
        break;
      default:
        throw new Error(`No create action modelled for ${String(resource.Type)} (${id}): extend the recipe contract test`);
    }
    if (tagged && String(resource.Type).startsWith('AWS::ImageBuilder::')) add(id, 'imagebuilder:TagResource', arn);
  }
  return rows;
}

// ----- The tests ---------------------------------------------------------------------------

function recipesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'recipe.yaml')))
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

const repositoryRecipes = recipesIn(RECIPES_DIR).map((dir) => path.basename(dir));
const sources = [...recipesIn(RECIPES_DIR), path.join(FIXTURE_RECIPES_DIR, FIXTURE)];
const recipeNames = sources.map((dir) => path.basename(dir));

let results: BundleResult[];
/** The recipes that bundle; the others fail 'bundles every recipe' and their own test. */
let bundles: BundleResult[];
let bakery: Json;
let scope: Scope;
let statements: Statement[];
let actions: Map<string, DeployAction>;

beforeAll(() => {
  // Prepare
  results = sources.map((dir) => bundleRecipe(dir, { cwd: REPO_ROOT, sourceCommit: null }));
  bundles = results.filter((b) => b.ok && b.manifest && b.template);
  // Act
  bakery = synthBakeryTemplate() as Json;
  scope = bakeryScope(bakery);
  statements = deployRoleStatements(bakery, scope);
  actions = deployActions(bakery, scope, bundles);
});

describe('IAM matcher used by the contract', () => {
  it.each([
    { name: '* spans / and :', pattern: 'role/ami-bakery-recipe-*', value: 'role/ami-bakery-recipe-x/x-Role-ABC', match: true },
    { name: '* matches nothing', pattern: 'role/ami-bakery-recipe-*', value: 'role/ami-bakery-recipe-', match: true },
    { name: 'the prefix must match', pattern: 'role/ami-bakery-recipe-*', value: 'role/ami-bakery/x', match: false },
    { name: '? is exactly one character', pattern: 'image/?', value: 'image/ab', match: false },
    { name: '? matches one character', pattern: 'image/a?', value: 'image/ab', match: true },
    { name: 'resources are case-sensitive', pattern: 'component/abc*', value: 'component/ABC', match: false },
    { name: 'regex characters are literal', pattern: 'a.b(c)+', value: 'aXb(c)+', match: false },
  ])('$name', ({ pattern, value, match }) => {
    expect(wildcardMatch(pattern, value)).toBe(match);
  });

  const allow: Statement = {
    Sid: 'Bounded',
    Effect: 'Allow',
    Action: ['iam:CreateRole'],
    Resource: ['role/p-*'],
    Condition: { StringEquals: { 'iam:PermissionsBoundary': 'b' } },
  };
  const deny: Statement = { Sid: 'Keep', Effect: 'Deny', Action: ['iam:*'], Resource: ['role/p-locked*'] };
  it.each([
    {
      name: 'grants with the condition key',
      request: { action: 'iam:CreateRole', resource: 'role/p-x', context: { 'iam:PermissionsBoundary': 'b' } },
      sids: ['Bounded'],
    },
    {
      name: 'matches actions case-insensitively',
      request: { action: 'IAM:createrole', resource: 'role/p-x', context: { 'iam:PermissionsBoundary': 'b' } },
      sids: ['Bounded'],
    },
    { name: 'refuses without the condition key', request: { action: 'iam:CreateRole', resource: 'role/p-x' }, sids: [] },
    {
      name: 'refuses another condition value',
      request: { action: 'iam:CreateRole', resource: 'role/p-x', context: { 'iam:PermissionsBoundary': 'c' } },
      sids: [],
    },
    {
      name: 'lets an explicit Deny win',
      request: { action: 'iam:CreateRole', resource: 'role/p-locked', context: { 'iam:PermissionsBoundary': 'b' } },
      sids: [],
    },
  ] as { name: string; request: Request; sids: string[] }[])('$name', ({ request, sids }) => {
    expect(allowedBy([allow, deny], request)).toEqual(sids);
  });

  it('refuses to guess on a condition operator it does not know', () => {
    const unknown: Statement = { ...allow, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } };
    expect(() => allowedBy([unknown], { action: 'iam:CreateRole', resource: 'role/p-x' })).toThrow(/NumericLessThan/);
  });
});

describe('Recipe stacks vs the RecipeDeployRole', () => {
  it('bundles every recipe under recipes/ with the bakery default stack prefix', () => {
    const errors = results.flatMap((b) =>
      b.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.range.start.line} ${f.ruleId} ${f.message}`),
    );
    expect(errors).toEqual([]);
    expect(repositoryRecipes.length).toBeGreaterThan(0);
    expect(DEFAULT_STACK_PREFIX).toBe(BAKERY_DEFAULTS.RecipeStackPrefix);
    expect(results.map((b) => b.stackName)).toEqual(recipeNames.map((name) => `${BAKERY_DEFAULTS.RecipeStackPrefix}${name}`));
  });

  it('deploys every recipe as <RecipeStackPrefix><recipe> with the RecipeDeployRole', () => {
    expect([...actions.keys()].sort()).toEqual(bundles.map((b) => b.name).sort());
    for (const bundle of bundles) {
      expect(actions.get(bundle.name), bundle.name).toMatchObject({
        stackName: bundle.stackName,
        roleArn: `${ARN}:iam::${ACCOUNT}:role/ami-bakery-recipe-deploy`,
      });
    }
  });

  it('passes exactly the parameters each bundle lists, all of them ones the deployer knows how to fill', () => {
    for (const bundle of bundles) {
      const declared = Object.keys((bundle.template as Json).Parameters ?? {}).sort();
      expect(bundle.parameters, bundle.name).toEqual(declared);
      expect(RECIPE_PARAMETERS, bundle.name).toEqual(expect.arrayContaining(bundle.parameters));
      expect(Object.keys(actions.get(bundle.name)?.overrides ?? {}).sort(), bundle.name).toEqual(bundle.parameters);
    }
  });

  it('gives recipe roles the bakery permissions boundary the deploy role requires', () => {
    // The boundary's name ends in the first group of the bakery stack id's UUID.
    const boundaryName = 'ami-bakery-build-boundary-1a2b3c4d';
    for (const bundle of bundles) {
      expect(actions.get(bundle.name)?.overrides.PermissionsBoundaryArn, bundle.name).toBe(`${ARN}:iam::${ACCOUNT}:policy/${boundaryName}`);
    }
    const conditions = statements.filter((s) => s.Action.includes('iam:CreateRole')).map((s) => s.Condition);
    expect(conditions).toEqual([
      {
        StringEquals: {
          'iam:PermissionsBoundary': [
            `${ARN}:iam::${ACCOUNT}:policy/${boundaryName}`,
            `${ARN}:iam::${ACCOUNT}:policy/ami-bakery-lifecycle-boundary-1a2b3c4d`,
          ],
        },
      },
    ]);
  });

  it.each(recipeNames)('%s: the deploy role allows every create action on every resource, and nothing is denied', (name) => {
    // Prepare
    const bundle = bundles.find((b) => b.name === name);
    expect(bundle, `${name} does not bundle (see 'bundles every recipe')`).toBeDefined();
    const template = bundle?.template as Json;
    const stack = recipeStack(template, bundle?.stackName as string, actions.get(name)?.overrides ?? {});

    // Act
    const rows = requestsOf(template, stack);
    const refused = rows.filter(
      (row) => allowedBy(statements, { action: row.action, resource: row.arn, context: row.context }).length === 0,
    );

    // Assess
    expect(new Set(rows.map((row) => row.resource))).toEqual(new Set(Object.keys(resources(template))));
    expect(refused).toEqual([]);
  });

  it(`${FIXTURE}: exact ARNs CloudFormation acts on, and the statement that allows each`, () => {
    // Prepare
    const bundle = bundles.find((b) => b.name === FIXTURE) as BundleResult;
    const template = bundle.template as Json;
    const stack = recipeStack(template, bundle.stackName, actions.get(FIXTURE)?.overrides ?? {});
    const sn = 'ami-bakery-recipe-contract-fixture';
    const ib = `${ARN}:imagebuilder:${REGION}:${ACCOUNT}`;
    const iam = `${ARN}:iam::${ACCOUNT}`;
    const instanceRole = `${iam}:role/${sn}/${sn}-InstanceRole-${GENERATED}`;
    // Cut to IAM's 64 characters: the path keeps the full stack name, which is what the grant matches.
    const lifecycleRole = `${iam}:role/${sn}/ami-bakery-recipe-contract-f-LifecycleExecutionRole-${GENERATED}`;
    const profile = `${iam}:instance-profile/${sn}/${sn}-InstanceProfile-${GENERATED}`;
    const harden = `${ib}:component/${sn}-harden/1.0.0/1`;
    const check = `${ib}:component/${sn}-check/1.1.0/1`;
    const recipe = `${ib}:image-recipe/${sn}/1.2.0`;
    const boundary = `${iam}:policy/ami-bakery-build-boundary-1a2b3c4d`;
    const policy = (name: string) => `${ARN}:iam::aws:policy/${name}`;

    // Act
    const requests = requestsOf(template, stack);
    const rows = requests.map((row) => [
      row.resource,
      row.action,
      row.arn,
      allowedBy(statements, { action: row.action, resource: row.arn, context: row.context }).join(','),
    ]);

    // Assess
    expect(rows).toEqual([
      ['InstanceRole', 'iam:CreateRole', instanceRole, 'RecipeRolesOnlyWithABoundary'],
      ['InstanceRole', 'iam:AttachRolePolicy', instanceRole, 'RecipeRolesAttachImageBuilderPolicies'],
      ['InstanceRole', 'iam:AttachRolePolicy', instanceRole, 'RecipeRolesAttachImageBuilderPolicies'],
      ['InstanceRole', 'iam:PutRolePolicy', instanceRole, 'RecipeRolesOnlyWithABoundary'],
      ['InstanceRole', 'iam:TagRole', instanceRole, 'RecipeRolesManage'],
      ['InstanceProfile', 'iam:CreateInstanceProfile', profile, 'RecipeInstanceProfiles'],
      ['InstanceProfile', 'iam:AddRoleToInstanceProfile', profile, 'RecipeInstanceProfiles'],
      ['InstanceProfile', 'iam:PassRole', instanceRole, 'PassRecipeRolesToImageBuilder'],
      ['LifecycleExecutionRole', 'iam:CreateRole', lifecycleRole, 'RecipeRolesOnlyWithABoundary'],
      ['LifecycleExecutionRole', 'iam:AttachRolePolicy', lifecycleRole, 'RecipeRolesAttachImageBuilderPolicies'],
      ['LifecycleExecutionRole', 'iam:TagRole', lifecycleRole, 'RecipeRolesManage'],
      ['ComponentHarden', 'imagebuilder:CreateComponent', harden, 'ImageBuilderRecipeResources'],
      ['ComponentHarden', 'imagebuilder:TagResource', harden, 'ImageBuilderRecipeResources'],
      ['ComponentCheck', 'imagebuilder:CreateComponent', check, 'ImageBuilderRecipeResources'],
      ['ComponentCheck', 'imagebuilder:TagResource', check, 'ImageBuilderRecipeResources'],
      ['ImageRecipe', 'imagebuilder:CreateImageRecipe', recipe, 'ImageBuilderRecipeResources'],
      [
        'ImageRecipe',
        'imagebuilder:GetComponent',
        `${ARN}:imagebuilder:${REGION}:aws:component/update-linux/x.x.x`,
        'ImageBuilderAwsManagedResources',
      ],
      ['ImageRecipe', 'imagebuilder:GetComponent', harden, 'ImageBuilderRecipeResources'],
      ['ImageRecipe', 'imagebuilder:GetComponent', check, 'ImageBuilderRecipeResources'],
      [
        'ImageRecipe',
        'ssm:GetParameter',
        `${ARN}:ssm:${REGION}::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`,
        'PublicParameterLookup',
      ],
      ['ImageRecipe', 'imagebuilder:TagResource', recipe, 'ImageBuilderRecipeResources'],
      [
        'InfrastructureConfiguration',
        'imagebuilder:CreateInfrastructureConfiguration',
        `${ib}:infrastructure-configuration/${sn}-infrastructure`,
        'ImageBuilderRecipeResources',
      ],
      ['InfrastructureConfiguration', 'iam:PassRole', instanceRole, 'PassRecipeRolesToImageBuilder'],
      [
        'InfrastructureConfiguration',
        'imagebuilder:TagResource',
        `${ib}:infrastructure-configuration/${sn}-infrastructure`,
        'ImageBuilderRecipeResources',
      ],
      [
        'DistributionConfiguration',
        'imagebuilder:CreateDistributionConfiguration',
        `${ib}:distribution-configuration/${sn}-distribution`,
        'ImageBuilderRecipeResources',
      ],
      [
        'DistributionConfiguration',
        'imagebuilder:TagResource',
        `${ib}:distribution-configuration/${sn}-distribution`,
        'ImageBuilderRecipeResources',
      ],
      ['ImagePipeline', 'imagebuilder:CreateImagePipeline', `${ib}:image-pipeline/${sn}-pipeline`, 'ImageBuilderRecipeResources'],
      ['ImagePipeline', 'imagebuilder:TagResource', `${ib}:image-pipeline/${sn}-pipeline`, 'ImageBuilderRecipeResources'],
      ['LifecyclePolicy', 'imagebuilder:CreateLifecyclePolicy', `${ib}:lifecycle-policy/${sn}-lifecycle`, 'ImageBuilderRecipeResources'],
      ['LifecyclePolicy', 'iam:PassRole', lifecycleRole, 'PassRecipeRolesToImageBuilder'],
      ['LifecyclePolicy', 'imagebuilder:TagResource', `${ib}:lifecycle-policy/${sn}-lifecycle`, 'ImageBuilderRecipeResources'],
    ]);
    // The boundary, managed policies and organization values the requests carry are the ones the Deploy stage passes.
    expect(requests.filter((row) => row.action === 'iam:AttachRolePolicy').map((row) => row.context)).toEqual([
      { 'iam:PermissionsBoundary': boundary, 'iam:PolicyARN': policy('AmazonSSMManagedInstanceCore') },
      { 'iam:PermissionsBoundary': boundary, 'iam:PolicyARN': policy('EC2InstanceProfileForImageBuilder') },
      { 'iam:PermissionsBoundary': boundary, 'iam:PolicyARN': policy('service-role/EC2ImageBuilderLifecycleExecutionPolicy') },
    ]);
    expect(actions.get(FIXTURE)?.overrides).toEqual({
      ArtifactBucketName: `ami-bakery-artifacts-${ACCOUNT}-${REGION}`,
      ManagementAccountId: REQUIRED_BAKERY_VALUES.ManagementAccountId,
      OrganizationId: REQUIRED_BAKERY_VALUES.OrganizationId,
      PermissionsBoundaryArn: boundary,
    });
  });
});
