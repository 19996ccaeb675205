/**
 * Contract between the recipe bundler and this stack: every bundled recipe deploys as
 * `<RecipeStackPrefix><recipe>` with the RecipeDeployRole, and every parameter a bundle asks for is
 * one the deployer can fill from its RECIPE_PARAMETERS. Both sides are the real code: the recipes
 * under recipes/ bundled by @ami-bakery/recipe-bundler, and the bakery template (the same for any
 * bundle). Whether the RecipeDeployRole allows every request CloudFormation makes for those
 * resources is evaluated with real IAM logic by the access proofs (packages/access-proofs,
 * deploy-role.test.ts: every handler permission of every resource type).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleResult, bundleRecipe, DEFAULT_STACK_PREFIX } from '@ami-bakery/recipe-bundler';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAKERY_DEFAULTS, RECIPE_PARAMETERS, synthBakeryTemplate } from '../src/index.js';
import { normalizeStatements, resolve, type Scope, type Statement } from './cfn-eval.js';
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
});
