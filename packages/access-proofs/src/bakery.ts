/**
 * The model of a bakery: the management stack (management account), the access StackSet, the
 * bakery stack and the recipe stacks (bakery account), deployed in that order with the parameter
 * values the bootstrap Lambda and the deployer pass.
 */
import { type AccountModel, ARN, addStack, emptyModel, TEST_ENV } from './model.js';
import type { Json } from './resolve.js';

/** Points `name` at the first candidate the model knows (logical ids with or without CDK's hash). */
function alias(model: AccountModel, name: string, ...candidates: string[]): void {
  for (const candidate of candidates) {
    const base = candidate.replace(/\.Arn$/, '');
    const arn = candidate.endsWith('.Arn');
    const hit = Object.entries(model.names).find(([k]) => {
      const stripped = k.replace(/\.Arn$/, '');
      return (
        k.endsWith('.Arn') === arn &&
        (stripped === base || (stripped.startsWith(base) && /^[0-9A-F]{8}$/.test(stripped.slice(base.length))))
      );
    });
    if (hit) {
      model.names[name] = hit[1];
      return;
    }
  }
}

export interface BakeryTemplates {
  /** The management account's stack (its bootstrap Lambda role assumes the configuration role). */
  management?: Json;
  access: Json;
  bakery: Json;
  recipes: ReadonlyMap<string, Json>;
}

/** Parameters of the bakery stack that have no default; the bootstrap Lambda passes them. */
const BAKERY_STACK_PARAMETERS = {
  OrganizationId: TEST_ENV.organizationId,
  ManagementAccountId: TEST_ENV.managementAccount,
  DeployerCodeKey: TEST_ENV.deployerCodeKey,
  ImageEventsCodeKey: TEST_ENV.imageEventsCodeKey,
  GuardRulesKey: TEST_ENV.guardRulesKey,
};

/** The recipe parameters the deployer passes: its RECIPE_PARAMETERS environment variable, resolved. */
function deployerRecipeParameters(model: AccountModel): Record<string, string> | undefined {
  const bakery = model.stacks.get('bakery');
  const id = Object.entries((bakery?.template.Resources ?? {}) as Record<string, Json>).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties ?? {}).includes('RECIPE_PARAMETERS'),
  )?.[0];
  if (!bakery || id === undefined) return undefined;
  const variables = ((bakery.properties(id).Environment as Json | undefined)?.Variables ?? {}) as Record<string, string>;
  return variables.RECIPE_PARAMETERS === undefined ? undefined : (JSON.parse(variables.RECIPE_PARAMETERS) as Record<string, string>);
}

export function bakeryModel(templates: BakeryTemplates): AccountModel {
  const model = emptyModel();
  let lambdaRoleArn = `${ARN}:iam::${TEST_ENV.managementAccount}:role/ami-bakery-bootstrap`;
  if (templates.management) {
    addStack(
      model,
      'management',
      templates.management,
      'ami-bakery-management',
      {
        BakeryAccountId: TEST_ENV.account,
        BakeryRegion: TEST_ENV.region,
        OrganizationId: TEST_ENV.organizationId,
        RootOrganizationalUnitId: 'r-a1b2',
        LambdaCodeS3Bucket: 'sra-staging-222222222222-eu-west-1',
      },
      TEST_ENV.managementAccount,
    );
    alias(model, 'BootstrapLambdaRoleArn', 'management:BootstrapLambdaRole.Arn');
    lambdaRoleArn = model.names.BootstrapLambdaRoleArn ?? lambdaRoleArn;
  }
  addStack(model, 'access', templates.access, 'StackSet-ami-bakery-bakery-access-0f0e', {
    ManagementAccountId: TEST_ENV.managementAccount,
    LambdaRoleArn: lambdaRoleArn,
  });
  addStack(model, 'bakery', templates.bakery, 'ami-bakery', BAKERY_STACK_PARAMETERS);
  alias(model, 'ControlBucketName', 'access:ControlBucket');
  alias(model, 'RepositoryName', 'bakery:Repository');
  alias(model, 'ConfigurationRoleArn', 'access:ConfigurationRole.Arn');
  alias(model, 'RecipeDeployRoleArn', 'bakery:RecipeDeployRole.Arn');
  alias(model, 'PipelineName', 'bakery:Pipeline');
  alias(model, 'DeployerFunctionName', 'bakery:DeployerFunction');
  alias(model, 'ImageEventsFunctionName', 'bakery:ImageEventsFunction');
  const fromDeployer = deployerRecipeParameters(model);
  if (fromDeployer) Object.assign(model.names, fromDeployer);
  else {
    // Before the deployer: the names the old Deploy stage passed.
    alias(model, 'ArtifactBucketName', 'bakery:ArtifactBucket');
    alias(model, 'EvidenceBucketName', 'bakery:EvidenceBucket', 'bakery:ArtifactBucket');
    alias(model, 'ArtifactKeyArn', 'bakery:ArtifactKey.Arn', 'access:BakeryKey.Arn');
    alias(model, 'PermissionsBoundaryArn', 'bakery:BuildInstanceBoundary', 'bakery:RecipePermissionsBoundary');
    alias(model, 'LifecyclePermissionsBoundaryArn', 'bakery:LifecycleBoundary', 'bakery:RecipePermissionsBoundary');
  }
  model.names.GuardRulesKey = TEST_ENV.guardRulesKey;
  model.names.DeployerCodeKey = TEST_ENV.deployerCodeKey;
  model.names.ImageEventsCodeKey = TEST_ENV.imageEventsCodeKey;
  const parameters = {
    ArtifactBucketName: model.names.ArtifactBucketName ?? '',
    EvidenceBucketName: model.names.EvidenceBucketName ?? '',
    ArtifactKeyArn: model.names.ArtifactKeyArn ?? '',
    PermissionsBoundaryArn: model.names.PermissionsBoundaryArn ?? '',
    LifecyclePermissionsBoundaryArn: model.names.LifecyclePermissionsBoundaryArn ?? '',
    OrganizationId: TEST_ENV.organizationId,
    ManagementAccountId: TEST_ENV.managementAccount,
  };
  for (const [name, template] of templates.recipes)
    addStack(model, `recipe:${name}`, template, `${TEST_ENV.recipeStackPrefix}${name}`, parameters);
  return model;
}
