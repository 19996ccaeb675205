import type { BundleManifest, BundleManifestRecipe } from '../src/index.js';

export { allStatements, getAtt, inlinePolicy, type Json, normalizeStatement, ref, resource, statementsOf, sub } from '../testing/index.js';

function recipe(name: string, parameters: string[] = ['ArtifactBucketName', 'PermissionsBoundaryArn']): BundleManifestRecipe {
  return {
    name,
    version: '1.0.0',
    stackName: `ami-bakery-recipe-${name}`,
    template: `recipes/${name}/template.yaml`,
    contentHash: `sha256:${'0'.repeat(64)}`,
    parameters,
  };
}

function manifestOf(...recipes: BundleManifestRecipe[]): BundleManifest {
  return { formatVersion: 1, sourceCommit: null, recipes };
}

export { manifestOf, recipe };
