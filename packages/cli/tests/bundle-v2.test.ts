import path from 'node:path';
import { bundleFiles, loadBundle, RECIPE_RESOURCE_TYPES } from '@ami-bakery/bundle';
import { describe, expect, it } from 'vitest';
import { bundleFolders } from '../src/plan/bundles.js';
import { workspaceRecipes } from '../src/workspace.js';
import { REPO_ROOT } from './pipeline-helpers.js';

describe('The recipes of this repository as a v2 bundle', () => {
  const dirs = workspaceRecipes(REPO_ROOT).map((file) => path.dirname(file));
  const run = bundleFolders(dirs, { cwd: REPO_ROOT, sourceCommit: null, stackPrefix: 'ami-bakery-recipe-' });

  it('bundle, and verifyBundle accepts the result', () => {
    expect(run.failed.map((f) => f.name)).toEqual([]);
    const { problems } = loadBundle(bundleFiles(run.recipes, { sourceCommit: null, partial: false, retired: [] }));
    expect(problems).toEqual([]);
  });

  it('contain only resource types the resource-schema fixture describes', () => {
    const types = new Set<string>();
    for (const template of run.templates.values()) {
      for (const resource of Object.values(template.Resources as Record<string, { Type: string }>)) types.add(resource.Type);
    }
    expect([...types].filter((t) => !RECIPE_RESOURCE_TYPES.has(t))).toEqual([]);
    expect([...types]).toEqual(
      expect.arrayContaining([
        'AWS::IAM::InstanceProfile',
        'AWS::IAM::Role',
        'AWS::ImageBuilder::Component',
        'AWS::ImageBuilder::DistributionConfiguration',
        'AWS::ImageBuilder::ImagePipeline',
        'AWS::ImageBuilder::ImageRecipe',
        'AWS::ImageBuilder::InfrastructureConfiguration',
        'AWS::ImageBuilder::LifecyclePolicy',
      ]),
    );
  });
});
