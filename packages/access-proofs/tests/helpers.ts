import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthAccessTemplate, synthBakeryTemplate } from '@ami-bakery/bakery-stack';
import { ManagementStack } from '@ami-bakery/management-stack';
import { requiredPermissions } from '@ami-bakery/publisher';
import { bundleRecipe } from '@ami-bakery/recipe-bundler';
import { App } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { type AccountModel, addOutsiders, addPublishRole, bakeryModel, type Row } from '../src/index.js';
import type { Json } from '../src/resolve.js';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
const BEFORE = path.join(PACKAGE_DIR, 'tests/fixtures/before');

export const REQUIRED = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'data/required.json'), 'utf8')) as Row[];
export const ATTACKS = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'data/attacks.json'), 'utf8')) as Row[];

/** Recipes with what the shipped ones may not have yet (local test components, organization sharing). */
export const FIXTURE_RECIPES = path.join(PACKAGE_DIR, 'tests/fixtures/recipes');

export function shippedRecipes(dir = path.join(REPO_ROOT, 'recipes')): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const name of readdirSync(dir)
    .filter((n) => existsSync(path.join(dir, n, 'recipe.yaml')))
    .sort()) {
    const result = bundleRecipe(path.join(dir, name), { cwd: REPO_ROOT, sourceCommit: null });
    if (!result.template) throw new Error(`${name} does not bundle`);
    out.set(name, structuredClone(result.template) as Json);
  }
  return out;
}

/** The management stack as plain CloudFormation deploys it (Lambda code from S3 parameters, no CDK asset). */
export function managementTemplate(access: Json): Json {
  process.env.CDK_VALIDATION = 'false';
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new ManagementStack(app, 'AmiBakeryManagementCfct', {
    lambdaCode: { kind: 's3Parameters' },
    organizationParameters: 'plain',
    accessTemplate: access,
  });
  return app.synth().getStackByName(stack.stackName).template as Json;
}

export interface CurrentTemplates {
  management: Json;
  access: Json;
  bakery: Json;
  recipes: Map<string, Json>;
}

/** Today's templates: the management, access and bakery stacks synthesized now, the recipes bundled now. */
export function currentTemplates(recipes = shippedRecipes()): CurrentTemplates {
  process.env.CDK_VALIDATION = 'false';
  const access = synthAccessTemplate() as Json;
  return { management: managementTemplate(access), access, bakery: synthBakeryTemplate() as Json, recipes };
}

/** A bakery as deployed from `templates`, with the publish role (the publisher's own permission list) and outsiders. */
export function withPrincipals(model: AccountModel): AccountModel {
  addPublishRole(model, {
    codecommit: requiredPermissions({ kind: 'codecommit', repositoryName: model.names.RepositoryName ?? '', branch: 'main' }),
    s3: requiredPermissions({ kind: 's3', bucket: model.names.ArtifactBucketName ?? '', key: 'source/bundle.zip' }),
  });
  addOutsiders(model);
  return model;
}

export function currentModel(templates: CurrentTemplates = currentTemplates()): AccountModel {
  return withPrincipals(bakeryModel(templates));
}

/** The templates before the fixes (fixtures). */
export function beforeModel(): AccountModel {
  const read = (file: string): Json =>
    (file.endsWith('.json')
      ? JSON.parse(readFileSync(path.join(BEFORE, file), 'utf8'))
      : parse(readFileSync(path.join(BEFORE, file), 'utf8'))) as Json;
  const recipes = new Map<string, Json>([
    ['ubuntu-pro-22-04-cis-level1', read('ubuntu-pro-22-04-cis-level1.template.yaml')],
    ['amazon-linux-2023-stig-high', read('amazon-linux-2023-stig-high.template.yaml')],
  ]);
  return withPrincipals(bakeryModel({ access: read('access-stack.template.json'), bakery: read('bakery-stack.template.json'), recipes }));
}
