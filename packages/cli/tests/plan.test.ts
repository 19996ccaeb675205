import 'aws-sdk-client-mock-vitest/extend';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHANGE_SET_RESOURCE_TYPES, MANAGED_BY, TAGS } from '@ami-bakery/bundle';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';
import { edit, planWorkspace, typicalChange, withoutCommits } from './plan-helpers.js';

describe('Command: plan', () => {
  it('stylish: add, change in place, change with replacement, remove, and a version bump that starts a build', async () => {
    // Prepare
    const dir = planWorkspace();
    typicalChange(dir);
    // Act
    const result = await bakery(['plan', '--base', 'main'], { cwd: dir });
    // Assess
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(withoutCommits(result.stdout)).toBe(`Plan of ami-bakery-recipe-* stacks (base main (<commit>), head working tree (<commit>))

- al2023-batch  delete    1.0.0                         left the manifest: its stack is deleted (AMIs stay)
    - 9 resources to remove
~ al2023-db     update    1.0.0 -> 1.1.0    image build version changed
    ! ComponentCleanup             AWS::ImageBuilder::Component                    replace (ChangeDescription*, Data*, Version*)
    ~ ImagePipeline                AWS::ImageBuilder::ImagePipeline                modify (ImageRecipeArn <- ImageRecipe)
    ! ImageRecipe                  AWS::ImageBuilder::ImageRecipe                  replace (Components* <- ComponentCleanup, Version*)
+ al2023-new    create    1.0.0             image build new recipe, version 1.0.0
    + 9 resources to add
~ al2023-web    update    1.0.0                         template or parameter values changed, same version
    ~ InfrastructureConfiguration  AWS::ImageBuilder::InfrastructureConfiguration  modify (InstanceTypes)

1 to create, 2 to update (1 with replacements), 1 to delete, 0 unchanged; 2 image builds will start
* create-only property: changing it replaces the resource
`);
  });

  it('markdown: what the pull request summary shows', async () => {
    // Prepare
    const dir = planWorkspace();
    typicalChange(dir);
    // Act
    const result = await bakery(['plan', '--base', 'main', '--format', 'markdown'], { cwd: dir });
    // Assess
    expect(result.code).toBe(0);
    expect(withoutCommits(result.stdout)).toBe(`### Recipe plan

**base** main (<commit>) · **head** working tree (<commit>)

1 to create, 2 to update (1 with replacements), 1 to delete, 0 unchanged; 2 image builds will start

| recipe | action | version | image build | why |
|---|---|---|---|---|
| \`al2023-batch\` | delete | 1.0.0 |  | left the manifest: its stack is deleted (AMIs stay) (9 resources to remove) |
| \`al2023-db\` | update | 1.0.0 -&gt; 1.1.0 | yes | version changed |
| \`al2023-new\` | create | 1.0.0 | yes | new recipe, version 1.0.0 (9 resources to add) |
| \`al2023-web\` | update | 1.0.0 |  | template or parameter values changed, same version |

<details><summary>al2023-db: 3 resource changes, 2 replaced</summary>

| resource | type | action | properties |
|---|---|---|---|
| \`ComponentCleanup\` | AWS::ImageBuilder::Component | **replace** | ChangeDescription*, Data*, Version* |
| \`ImagePipeline\` | AWS::ImageBuilder::ImagePipeline | modify | ImageRecipeArn &lt;- ImageRecipe |
| \`ImageRecipe\` | AWS::ImageBuilder::ImageRecipe | **replace** | Components* &lt;- ComponentCleanup, Version* |

</details>

<details><summary>al2023-web: 1 resource change</summary>

| resource | type | action | properties |
|---|---|---|---|
| \`InfrastructureConfiguration\` | AWS::ImageBuilder::InfrastructureConfiguration | modify | InstanceTypes |

</details>

\\* create-only property: changing it replaces the resource.
`);
  });

  it('json: every recipe, the builds and the predicted replacements', async () => {
    // Prepare
    const dir = planWorkspace();
    typicalChange(dir);
    // Act
    const result = await bakery(['plan', '--base', 'main', '-f', 'json'], { cwd: dir });
    // Assess
    const plan = JSON.parse(result.stdout);
    expect(
      plan.recipes.map((r: { recipe: string; action: string; reason: string; build: boolean; fromVersion: string; toVersion: string }) => [
        r.recipe,
        r.action,
        r.reason,
        r.build,
        r.fromVersion,
        r.toVersion,
      ]),
    ).toEqual([
      ['al2023-batch', 'delete', 'left-manifest', false, '1.0.0', null],
      ['al2023-db', 'update', 'version-changed', true, '1.0.0', '1.1.0'],
      ['al2023-new', 'create', 'new-recipe', true, null, '1.0.0'],
      ['al2023-web', 'update', 'deployment-changed', false, '1.0.0', '1.0.0'],
    ]);
    const db = plan.recipes[1].resources.map((c: { logicalId: string; action: string; replacement?: string }) => [
      c.logicalId,
      c.action,
      c.replacement ?? '',
    ]);
    expect(db).toEqual([
      ['ComponentCleanup', 'replace', 'always'],
      ['ImagePipeline', 'modify', ''],
      ['ImageRecipe', 'replace', 'always'],
    ]);
  });

  it('shows recipes whose folder did not change as unchanged, without bundling them', async () => {
    // Prepare
    const dir = planWorkspace();
    edit(dir, 'recipes/al2023-web/recipe.yaml', (t) => t.replace('- m7i.large', '- m7i.xlarge'));
    // Act
    const result = await bakery(['plan', '--base', 'main', '-f', 'json'], { cwd: dir });
    // Assess
    expect(JSON.parse(result.stdout).recipes.map((r: { recipe: string; action: string }) => [r.recipe, r.action])).toEqual([
      ['al2023-batch', 'unchanged'],
      ['al2023-db', 'unchanged'],
      ['al2023-web', 'update'],
    ]);
  });

  it('deletes a retired recipe with its reason', async () => {
    // Prepare
    const dir = planWorkspace();
    rmSync(path.join(dir, 'recipes/al2023-batch'), { recursive: true });
    writeFileSync(path.join(dir, 'recipes/retired.yaml'), '- name: al2023-batch\n  reason: the batch fleet moved to containers\n');
    // Act
    const result = await bakery(['plan', '--base', 'main'], { cwd: dir });
    // Assess
    expect(result.stdout.split('\n')[2]).toBe(
      '- al2023-batch  delete    1.0.0                         retired: the batch fleet moved to containers',
    );
  });

  it('fails, naming the refusal, when the change would delete every recipe', async () => {
    // Prepare
    const dir = planWorkspace();
    rmSync(path.join(dir, 'recipes'), { recursive: true });
    mkdirSync(path.join(dir, 'recipes'));
    // Act
    const result = await bakery(['plan', '--base', 'main'], { cwd: dir });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[2]).toBe(
      'PLAN001 refused: the bundle would delete every deployed recipe (3); deploy refused. If that is meant, list them in recipes/retired.yaml [al2023-batch, al2023-db, al2023-web]',
    );
  });

  it('compares with a bundle folder when given --base-bundle', async () => {
    // Prepare: an empty v2 bundle, so everything in the working tree is new against it
    const dir = planWorkspace();
    const bundleDir = path.join(dir, 'base-bundle');
    mkdirSync(bundleDir);
    writeFileSync(
      path.join(bundleDir, 'manifest.json'),
      JSON.stringify({ formatVersion: 2, sourceCommit: null, partial: false, retired: [], recipes: [] }),
    );
    // Act
    const result = await bakery(['plan', '--base-bundle', bundleDir, '-f', 'json'], { cwd: dir });
    // Assess
    expect(JSON.parse(result.stdout).recipes.map((r: { recipe: string; action: string }) => [r.recipe, r.action])).toEqual([
      ['al2023-batch', 'create'],
      ['al2023-db', 'create'],
      ['al2023-web', 'create'],
    ]);
  });

  it.each([
    [['plan', '--format', 'sarif'], "bakery: --format must be one of stylish, json, markdown, not 'sarif'\n"],
    [['plan', '--base', 'main', '--remote'], 'bakery: --base, --base-bundle and --remote exclude each other\n'],
    [['plan', 'recipes/x'], 'bakery: plan takes no PATH, got: recipes/x\n'],
    [['plan', '--stack-prefix', '9x'], "bakery: --stack-prefix '9x' cannot start a stack name\n"],
  ])('rejects %j as a usage error', async (argv, stderr) => {
    const dir = planWorkspace();
    expect(await bakery(argv, { cwd: dir })).toEqual({ code: 2, stdout: '', stderr });
  });

  it('names a base git does not know', async () => {
    const dir = planWorkspace();
    const result = await bakery(['plan', '--base', 'nope'], { cwd: dir });
    expect([result.code, result.stderr]).toEqual([
      2,
      'bakery: git does not know the base ref "nope"; give --base REF, or --base-bundle PATH\n',
    ]);
  });

  it('reports a recipe that does not bundle instead of planning', async () => {
    const dir = planWorkspace();
    edit(dir, 'recipes/al2023-web/recipe.yaml', (t) => t.replace('platform: linux', 'platform: beos'));
    const result = await bakery(['plan', '--base', 'main'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe('bakery plan: al2023-web does not bundle; fix the errors below first.');
  });
});

describe('Command: plan --remote', () => {
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => cfn.reset());

  it('plans against the deployed stacks with real change sets, shows their replacements, and deletes them unexecuted', async () => {
    // Prepare: al2023-db and al2023-web deployed at 1.0.0 by the deployer, al2023-batch not yet
    const dir = planWorkspace();
    edit(dir, 'recipes/al2023-db/recipe.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    const tags = (name: string) =>
      Object.entries({
        [TAGS.recipe]: name,
        [TAGS.version]: '1.0.0',
        [TAGS.contentHash]: 'x',
        [TAGS.deployHash]: 'old',
        [TAGS.managedBy]: MANAGED_BY,
      }).map(([Key, Value]) => ({ Key, Value }));
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        { StackName: 'ami-bakery-recipe-al2023-db', StackStatus: 'UPDATE_COMPLETE', Tags: tags('al2023-db'), CreationTime: new Date(0) },
        { StackName: 'ami-bakery-recipe-al2023-web', StackStatus: 'UPDATE_COMPLETE', Tags: tags('al2023-web'), CreationTime: new Date(0) },
        { StackName: 'other-stack', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0) },
      ],
    });
    cfn.on(CreateChangeSetCommand).callsFake((input: { StackName: string }) => ({
      Id: `arn:aws:cloudformation:eu-west-1:111122223333:changeSet/plan/${input.StackName}`,
      StackId: 'x',
    }));
    cfn.on(DescribeChangeSetCommand).callsFake((input: { ChangeSetName: string }) => {
      if (input.ChangeSetName.endsWith('al2023-db')) {
        return {
          Status: 'CREATE_COMPLETE',
          Changes: [
            {
              Type: 'Resource',
              ResourceChange: {
                Action: 'Modify',
                LogicalResourceId: 'ImageRecipe',
                ResourceType: 'AWS::ImageBuilder::ImageRecipe',
                Replacement: 'True',
                Details: [
                  {
                    Target: { Attribute: 'Properties', Name: 'Version', RequiresRecreation: 'Always' },
                    ChangeSource: 'DirectModification',
                  },
                ],
              },
            },
          ],
        };
      }
      if (input.ChangeSetName.endsWith('al2023-web'))
        return {
          Status: 'FAILED',
          StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
        };
      return {
        Status: 'CREATE_COMPLETE',
        Changes: [
          { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'InstanceRole', ResourceType: 'AWS::IAM::Role' } },
        ],
      };
    });
    cfn.on(DeleteChangeSetCommand).resolves({});
    cfn.on(DeleteStackCommand).resolves({});
    // Act
    const result = await bakery(['plan', '--remote', '--region', 'eu-west-1'], {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    // Assess
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(withoutCommits(result.stdout).split('\n').slice(0, 8)).toEqual([
      'Plan of ami-bakery-recipe-* stacks (deployed ami-bakery-recipe-* stacks in eu-west-1, head working tree (<commit>))',
      '',
      '+ al2023-batch  create    1.0.0             image build new recipe, version 1.0.0',
      '    + 1 resource to add',
      '~ al2023-db     update    1.0.0 -> 1.1.0    image build version changed',
      '    ! ImageRecipe         AWS::ImageBuilder::ImageRecipe  replace (Version*)',
      '~ al2023-web    update    1.0.0                         template or parameter values changed, same version',
      '',
    ]);
    expect(cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
    expect(cfn).toHaveReceivedCommandTimes(DeleteChangeSetCommand, 3);
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: 'ami-bakery-recipe-al2023-batch' });
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, {
      StackName: 'ami-bakery-recipe-al2023-db',
      ChangeSetType: 'UPDATE',
      Capabilities: ['CAPABILITY_IAM'],
      // The deployer's list: no SSM parameter in a recipe stack (RB6008).
      ResourceTypes: [...CHANGE_SET_RESOURCE_TYPES],
    });
    expect(CHANGE_SET_RESOURCE_TYPES).not.toContain('AWS::SSM::Parameter');
  });

  it('needs a region', async () => {
    const dir = planWorkspace();
    expect(await bakery(['plan', '--remote'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'bakery: --remote needs the bakery region: --region REGION or AWS_REGION\n',
    });
  });
});
