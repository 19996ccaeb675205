/** The model of one bakery account: access StackSet, bakery stack and recipe stacks, as the deployer passes their parameters. */
import { type AccountModel, ARN, addStack, emptyModel, TEST_ENV } from './model.js';
import type { Json } from './resolve.js';

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
  access: Json;
  bakery: Json;
  recipes: ReadonlyMap<string, Json>;
}

export function bakeryModel(templates: BakeryTemplates): AccountModel {
  const model = emptyModel();
  addStack(model, 'access', templates.access, 'ami-bakery-access', {
    ManagementAccountId: TEST_ENV.managementAccount,
    LambdaRoleArn: `${ARN}:iam::${TEST_ENV.managementAccount}:role/ami-bakery-bootstrap`,
  });
  addStack(model, 'bakery', templates.bakery, 'ami-bakery', {
    OrganizationId: TEST_ENV.organizationId,
    ManagementAccountId: TEST_ENV.managementAccount,
  });
  alias(model, 'ArtifactBucketName', 'bakery:ArtifactBucket');
  alias(model, 'EvidenceBucketName', 'bakery:EvidenceBucket', 'bakery:ArtifactBucket');
  alias(model, 'ArtifactKeyArn', 'bakery:ArtifactKey.Arn');
  alias(model, 'PermissionsBoundaryArn', 'bakery:BuildInstancePermissionsBoundary', 'bakery:RecipePermissionsBoundary');
  alias(model, 'LifecyclePermissionsBoundaryArn', 'bakery:LifecyclePermissionsBoundary', 'bakery:RecipePermissionsBoundary');
  alias(model, 'RepositoryName', 'bakery:Repository');
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
