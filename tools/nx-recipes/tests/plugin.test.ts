import type { CreateDependenciesContext, CreateNodesContext, ProjectConfiguration } from 'nx/src/devkit-exports.js';
import { describe, expect, it } from 'vitest';
import plugin, { createDependencies, createNodes, createNodesV2, RECIPE_GLOB } from '../src/index.js';

const context: CreateNodesContext = { nxJsonConfiguration: {}, workspaceRoot: '/workspace' };

async function projectsFor(files: string[]) {
  const results = await createNodesV2[1](files, undefined, context);
  return results.map(([file, result]) => [file, result.projects ?? {}] as const);
}

describe('Plugin: nx-recipes createNodes', () => {
  it('exports one tuple as createNodes and createNodesV2, for recipes/*/recipe.yaml', () => {
    expect(createNodes).toBe(createNodesV2);
    expect(createNodesV2[0]).toBe(RECIPE_GLOB);
    expect(RECIPE_GLOB).toBe('recipes/*/recipe.yaml');
    expect(plugin).toMatchObject({ name: 'nx-recipes', createNodes, createNodesV2, createDependencies });
  });

  it('makes one project per recipe folder with validate, lint and bundle targets', async () => {
    expect(await projectsFor(['recipes/al2023-stig/recipe.yaml'])).toMatchInlineSnapshot(`
      [
        [
          "recipes/al2023-stig/recipe.yaml",
          {
            "recipes/al2023-stig": {
              "name": "al2023-stig",
              "root": "recipes/al2023-stig",
              "tags": [
                "type:recipe",
              ],
              "targets": {
                "bundle": {
                  "cache": false,
                  "dependsOn": [
                    "bundle-recipe",
                  ],
                  "executor": "nx:run-commands",
                  "metadata": {
                    "description": "Bundle the recipe (bundle-recipe), then rebuild dist/bundle/manifest.json from every recipe folder in dist/bundle/recipes.",
                    "technologies": [
                      "ami-bakery",
                      "cloudformation",
                    ],
                  },
                  "options": {
                    "command": "node packages/cli/bin/bakery.mjs bundle --index-only --out dist/bundle",
                  },
                  "outputs": [
                    "{workspaceRoot}/dist/bundle/manifest.json",
                  ],
                },
                "bundle-recipe": {
                  "cache": true,
                  "dependsOn": [
                    "validate",
                  ],
                  "executor": "nx:run-commands",
                  "inputs": [
                    "{projectRoot}/**/*",
                    "{workspaceRoot}/packages/recipe-schema/src/**/*",
                    "{workspaceRoot}/packages/recipe-schema/package.json",
                    "{workspaceRoot}/packages/recipe-schema/schemas/**/*",
                    "{workspaceRoot}/packages/recipe-bundler/src/**/*",
                    "{workspaceRoot}/packages/recipe-bundler/package.json",
                    "{workspaceRoot}/packages/hardening/src/**/*",
                    "{workspaceRoot}/packages/hardening/package.json",
                    "{workspaceRoot}/packages/invariants/src/**/*",
                    "{workspaceRoot}/packages/invariants/package.json",
                    "{workspaceRoot}/packages/invariants/rules/**/*",
                    "{workspaceRoot}/packages/bundle/src/**/*",
                    "{workspaceRoot}/packages/bundle/package.json",
                    "{workspaceRoot}/packages/bundle/data/**/*",
                    "{workspaceRoot}/packages/cli/src/**/*",
                    "{workspaceRoot}/packages/cli/package.json",
                    "{workspaceRoot}/packages/cli/bin/**/*",
                    "{workspaceRoot}/package.json",
                    "{workspaceRoot}/pnpm-lock.yaml",
                    {
                      "externalDependencies": [
                        "ajv",
                        "yaml",
                      ],
                    },
                    {
                      "runtime": "node -v",
                    },
                    {
                      "runtime": "git rev-parse --verify -q "HEAD^{commit}" 2>/dev/null || echo no-git-head",
                    },
                  ],
                  "metadata": {
                    "description": "Write the recipe CloudFormation template and manifest to dist/bundle/recipes/<name>, and nothing else.",
                    "technologies": [
                      "ami-bakery",
                      "cloudformation",
                    ],
                  },
                  "options": {
                    "command": "node packages/cli/bin/bakery.mjs bundle {projectRoot} --out dist/bundle --no-index",
                  },
                  "outputs": [
                    "{workspaceRoot}/dist/bundle/recipes/{projectName}",
                  ],
                },
                "lint": {
                  "cache": true,
                  "executor": "nx:run-commands",
                  "inputs": [
                    "{projectRoot}/**/*",
                    "{workspaceRoot}/packages/recipe-schema/src/**/*",
                    "{workspaceRoot}/packages/recipe-schema/package.json",
                    "{workspaceRoot}/packages/recipe-schema/schemas/**/*",
                    "{workspaceRoot}/packages/recipe-bundler/src/**/*",
                    "{workspaceRoot}/packages/recipe-bundler/package.json",
                    "{workspaceRoot}/packages/template-checks/src/**/*",
                    "{workspaceRoot}/packages/template-checks/package.json",
                    "{workspaceRoot}/packages/cfn-lint/src/**/*",
                    "{workspaceRoot}/packages/cfn-lint/package.json",
                    "{workspaceRoot}/packages/hardening/src/**/*",
                    "{workspaceRoot}/packages/hardening/package.json",
                    "{workspaceRoot}/packages/invariants/src/**/*",
                    "{workspaceRoot}/packages/invariants/package.json",
                    "{workspaceRoot}/packages/invariants/rules/**/*",
                    "{workspaceRoot}/packages/bundle/src/**/*",
                    "{workspaceRoot}/packages/bundle/package.json",
                    "{workspaceRoot}/packages/bundle/data/**/*",
                    "{workspaceRoot}/packages/cli/src/**/*",
                    "{workspaceRoot}/packages/cli/package.json",
                    "{workspaceRoot}/packages/cli/bin/**/*",
                    "{workspaceRoot}/package.json",
                    "{workspaceRoot}/pnpm-lock.yaml",
                    {
                      "externalDependencies": [
                        "ajv",
                        "yaml",
                      ],
                    },
                    {
                      "runtime": "node -v",
                    },
                    {
                      "runtime": "command -v cfn-lint; if [ -z "$BAKERY_CFN_LINT" ] && python3 -c "import importlib.metadata as m; print(m.version('cfn-lint'))" 2>/dev/null; then :; else "\${BAKERY_CFN_LINT:-cfn-lint}" --version 2>&1 || echo cfn-lint-missing; fi",
                    },
                    {
                      "env": "BAKERY_CFN_LINT",
                    },
                    {
                      "env": "CI",
                    },
                  ],
                  "metadata": {
                    "description": "Lint the CloudFormation template the recipe bundles to: built-in template checks, then cfn-lint. Writes a SARIF report.",
                    "technologies": [
                      "ami-bakery",
                      "cloudformation",
                    ],
                  },
                  "options": {
                    "command": "node packages/cli/bin/bakery.mjs lint {projectRoot} --report reports/lint/{projectName}.sarif",
                  },
                  "outputs": [
                    "{workspaceRoot}/reports/lint/{projectName}.sarif",
                  ],
                },
                "validate": {
                  "cache": true,
                  "executor": "nx:run-commands",
                  "inputs": [
                    "{projectRoot}/**/*",
                    "{workspaceRoot}/packages/recipe-schema/src/**/*",
                    "{workspaceRoot}/packages/recipe-schema/package.json",
                    "{workspaceRoot}/packages/recipe-schema/schemas/**/*",
                    "{workspaceRoot}/packages/recipe-bundler/src/**/*",
                    "{workspaceRoot}/packages/recipe-bundler/package.json",
                    "{workspaceRoot}/packages/hardening/src/**/*",
                    "{workspaceRoot}/packages/hardening/package.json",
                    "{workspaceRoot}/packages/invariants/src/**/*",
                    "{workspaceRoot}/packages/invariants/package.json",
                    "{workspaceRoot}/packages/invariants/rules/**/*",
                    "{workspaceRoot}/packages/bundle/src/**/*",
                    "{workspaceRoot}/packages/bundle/package.json",
                    "{workspaceRoot}/packages/bundle/data/**/*",
                    "{workspaceRoot}/packages/cli/src/**/*",
                    "{workspaceRoot}/packages/cli/package.json",
                    "{workspaceRoot}/packages/cli/bin/**/*",
                    "{workspaceRoot}/package.json",
                    "{workspaceRoot}/pnpm-lock.yaml",
                    {
                      "externalDependencies": [
                        "ajv",
                        "yaml",
                      ],
                    },
                    {
                      "runtime": "node -v",
                    },
                    {
                      "env": "BAKERY_BASE",
                    },
                    {
                      "env": "NX_BASE",
                    },
                    {
                      "runtime": "git rev-parse --verify -q "\${BAKERY_BASE:-$NX_BASE}^{commit}" 2>/dev/null; git merge-base HEAD origin/main 2>/dev/null || git merge-base HEAD main 2>/dev/null || echo no-git-base",
                    },
                  ],
                  "metadata": {
                    "description": "Check recipe.yaml and its components: YAML, JSON Schema, recipe rules and the version gate. Writes a SARIF report.",
                    "technologies": [
                      "ami-bakery",
                    ],
                  },
                  "options": {
                    "command": "node packages/cli/bin/bakery.mjs validate {projectRoot} --report reports/validate/{projectName}.sarif",
                  },
                  "outputs": [
                    "{workspaceRoot}/reports/validate/{projectName}.sarif",
                  ],
                },
              },
            },
          },
        ],
      ]
    `);
  });

  it.each([
    { name: 'two recipes', files: ['recipes/a/recipe.yaml', 'recipes/b-2/recipe.yaml'], roots: [['recipes/a'], ['recipes/b-2']] },
    { name: 'a recipe.yaml outside recipes/<name>/', files: ['packages/cli/tests/fixtures/workspace/recipes/x/recipe.yaml'], roots: [[]] },
    { name: 'a recipe.yaml directly in recipes/', files: ['recipes/recipe.yaml'], roots: [[]] },
    { name: 'a folder name a shell would split', files: ['recipes/my recipe/recipe.yaml'], roots: [[]] },
    { name: 'a folder name starting with a dot', files: ['recipes/.draft/recipe.yaml'], roots: [[]] },
    { name: 'Windows separators', files: ['recipes\\win\\recipe.yaml'], roots: [['recipes/win']] },
  ])('gives project roots for $name', async ({ files, roots }) => {
    // Act
    const results = await projectsFor(files);

    // Assess
    expect(results.map(([, projects]) => Object.keys(projects))).toEqual(roots);
    for (const [, projects] of results)
      for (const [root, project] of Object.entries(projects)) expect(project.name).toBe(root.split('/').at(-1));
  });

  it.each(['validate', 'lint', 'bundle-recipe'])(
    '%s is cached and declares the schema package and the recipe as inputs',
    async (target) => {
      // Act
      const [[, projects]] = (await projectsFor(['recipes/a/recipe.yaml'])) as [[string, Record<string, ProjectConfiguration>]];
      const config = projects['recipes/a']?.targets?.[target];

      // Assess
      expect(config?.cache).toBe(true);
      expect(config?.inputs).toEqual(
        expect.arrayContaining([
          '{projectRoot}/**/*',
          '{workspaceRoot}/packages/recipe-schema/src/**/*',
          '{workspaceRoot}/packages/recipe-schema/schemas/**/*',
          '{workspaceRoot}/packages/recipe-schema/package.json',
          '{workspaceRoot}/packages/cli/src/**/*',
          '{workspaceRoot}/pnpm-lock.yaml',
        ]),
      );
      expect(config?.inputs?.filter((input) => typeof input === 'string' && /tests|\*\*\/\*\.test/.test(input))).toEqual([]);
      expect(Array.isArray(config?.outputs)).toBe(true);
      expect(config?.metadata?.description).toMatch(/\.$/);
    },
  );

  it('bundle-recipe outputs exactly the recipe folder and hashes HEAD, which the recipe manifest records as sourceCommit', async () => {
    // Act
    const [[, projects]] = (await projectsFor(['recipes/a/recipe.yaml'])) as [[string, Record<string, ProjectConfiguration>]];
    const config = projects['recipes/a']?.targets?.['bundle-recipe'];

    // Assess
    expect(config?.options).toEqual({ command: 'node packages/cli/bin/bakery.mjs bundle {projectRoot} --out dist/bundle --no-index' });
    expect(config?.outputs).toEqual(['{workspaceRoot}/dist/bundle/recipes/{projectName}']);
    expect(config?.dependsOn).toEqual(['validate']);
    expect(config?.inputs).toContainEqual({ runtime: 'git rev-parse --verify -q "HEAD^{commit}" 2>/dev/null || echo no-git-head' });
  });

  it('bundle runs bundle-recipe first, then rebuilds the shared index uncached', async () => {
    // Act
    const [[, projects]] = (await projectsFor(['recipes/a/recipe.yaml'])) as [[string, Record<string, ProjectConfiguration>]];
    const config = projects['recipes/a']?.targets?.bundle;

    // Assess: the index lists whatever recipe folders are on disk, so no inputs describe it.
    expect(config).toMatchObject({
      cache: false,
      dependsOn: ['bundle-recipe'],
      options: { command: 'node packages/cli/bin/bakery.mjs bundle --index-only --out dist/bundle' },
      outputs: ['{workspaceRoot}/dist/bundle/manifest.json'],
    });
    expect(config?.inputs).toBeUndefined();
  });
});

describe('Plugin: nx-recipes createDependencies', () => {
  const project = (root: string, tags: string[] = []): ProjectConfiguration => ({ root, tags });

  it('links every recipe to each toolchain package present, and nothing else', async () => {
    // Prepare
    const ctx = {
      projects: {
        'al2023-stig': project('recipes/al2023-stig', ['type:recipe']),
        'ubuntu-cis': project('recipes/ubuntu-cis', ['type:recipe']),
        '@ami-bakery/recipe-schema': project('packages/recipe-schema'),
        '@ami-bakery/cli': project('packages/cli'),
        '@ami-bakery/publisher': project('packages/publisher'),
        '@ami-bakery/hardening': project('packages/hardening'),
      },
      nxJsonConfiguration: {},
      workspaceRoot: '/workspace',
      externalNodes: {},
      fileMap: { projectFileMap: {}, nonProjectFiles: [] },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    } satisfies CreateDependenciesContext;

    // Act
    const edges = await createDependencies(undefined, ctx);

    // Assess
    expect(edges.map((e) => `${e.source} -> ${e.target} (${e.type})`)).toEqual([
      'al2023-stig -> @ami-bakery/cli (implicit)',
      'al2023-stig -> @ami-bakery/hardening (implicit)',
      'al2023-stig -> @ami-bakery/recipe-schema (implicit)',
      'ubuntu-cis -> @ami-bakery/cli (implicit)',
      'ubuntu-cis -> @ami-bakery/hardening (implicit)',
      'ubuntu-cis -> @ami-bakery/recipe-schema (implicit)',
    ]);
  });
});
