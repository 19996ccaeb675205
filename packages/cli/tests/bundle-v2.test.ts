import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleFiles, loadBundle, RECIPE_RESOURCE_TYPES } from '@ami-bakery/bundle';
import { describe, expect, it } from 'vitest';
import { bundleFolders } from '../src/plan/bundles.js';
import { workspaceRecipes } from '../src/workspace.js';
import { bakery } from './helpers.js';
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

describe('What bakery bundle writes', () => {
  it('is a bundle the deployer accepts (writer and reader agree on format 2)', async () => {
    // Prepare
    const out = mkdtempSync(path.join(tmpdir(), 'bakery-v2-'));
    try {
      // Act
      const result = await bakery(['bundle', '--out', out, 'recipes/amazon-linux-2023-stig-high', 'recipes/ubuntu-pro-22-04-cis-level1'], {
        cwd: REPO_ROOT,
      });
      const files = new Map<string, Uint8Array>();
      const walk = (dir: string, prefix: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
          if (entry.isDirectory()) walk(path.join(dir, entry.name), rel);
          else files.set(rel, new Uint8Array(readFileSync(path.join(dir, entry.name))));
        }
      };
      walk(out, '');
      const { bundle, problems } = loadBundle(files);
      // Assess
      expect(result.code).toBe(0);
      expect(problems).toEqual([]);
      expect(bundle?.recipes.map((r) => r.entry.name)).toEqual(['amazon-linux-2023-stig-high', 'ubuntu-pro-22-04-cis-level1']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
