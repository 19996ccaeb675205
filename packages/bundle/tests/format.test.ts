import { describe, expect, it } from 'vitest';
import {
  deployedStateOf,
  diffTemplates,
  formatPlan,
  loadBundle,
  type PlanDocument,
  planDocument,
  planRecipes,
  type RecipeOutcome,
} from '../src/index.js';
import { makeBundle } from './helpers.js';

const PREFIX = 'ami-bakery-recipe-';

/** A base bundle and a head bundle with one bump, one new, one removed, one changed in place and one unchanged recipe. */
function fixturePlan(kind: 'plan' | 'deployment' = 'plan', outcomes?: Map<string, RecipeOutcome>): PlanDocument {
  const base = loadBundle(
    makeBundle([{ name: 'al2023-db' }, { name: 'al2023-old' }, { name: 'al2023-web' }, { name: 'ubuntu-cis' }]),
  ).bundle;
  const head = loadBundle(
    makeBundle([
      { name: 'al2023-db', version: '1.1.0' },
      { name: 'al2023-new' },
      { name: 'al2023-web', data: 'x' },
      { name: 'ubuntu-cis' },
    ]),
  ).bundle;
  if (!base || !head) throw new Error('fixture bundles are invalid');
  const plan = planRecipes(head.manifest, deployedStateOf(base.manifest, { stackPrefix: PREFIX }), { stackPrefix: PREFIX });
  const template = (b: typeof base, name: string) => b.recipes.find((r) => r.entry.name === name)?.template;
  const resources = new Map(
    plan.items
      .filter((i) => i.action !== 'unchanged')
      .map((i) => [i.recipe, { changes: diffTemplates(template(base, i.recipe), template(head, i.recipe)), from: 'templates' as const }]),
  );
  return planDocument({
    kind,
    plan,
    subject: { base: 'main (1a2b3c4)', head: 'working tree' },
    stackPrefix: PREFIX,
    prune: true,
    partial: false,
    resources,
    ...(outcomes ? { outcomes } : {}),
  });
}

describe('Function: formatPlan', () => {
  it('stylish: add, change in place, change with replacement, remove and a build', () => {
    expect(formatPlan(fixturePlan(), 'stylish')).toBe(`Plan of ami-bakery-recipe-* stacks (base main (1a2b3c4), head working tree)

~ al2023-db   update    1.0.0 -> 1.1.0    image build version changed
    ! ComponentHarden     AWS::ImageBuilder::Component      replace (Version*)
    ~ ImagePipeline       AWS::ImageBuilder::ImagePipeline  modify (ImageRecipeArn <- ImageRecipe)
    ! ImageRecipe         AWS::ImageBuilder::ImageRecipe    replace (Components* <- ComponentHarden, Version*)
+ al2023-new  create    1.0.0             image build new recipe, version 1.0.0
    + 6 resources to add
- al2023-old  delete    1.0.0                         left the manifest: its stack is deleted (AMIs stay)
    - 6 resources to remove
~ al2023-web  update    1.0.0                         template or parameter values changed, same version
    ! ComponentHarden     AWS::ImageBuilder::Component      replace (Data*)
    ~ ImagePipeline       AWS::ImageBuilder::ImagePipeline  modify (ImageRecipeArn <- ImageRecipe)
    ! ImageRecipe         AWS::ImageBuilder::ImageRecipe    may replace (Components* <- ComponentHarden)

1 to create, 2 to update (2 with replacements), 1 to delete, 1 unchanged; 2 image builds will start
* create-only property: changing it replaces the resource
`);
  });

  it('markdown: a table of recipes and one collapsible table per changed recipe', () => {
    expect(formatPlan(fixturePlan(), 'markdown')).toBe(`### Recipe plan

**base** main (1a2b3c4) · **head** working tree

1 to create, 2 to update (2 with replacements), 1 to delete, 1 unchanged; 2 image builds will start

| recipe | action | version | image build | why |
|---|---|---|---|---|
| \`al2023-db\` | update | 1.0.0 -&gt; 1.1.0 | yes | version changed |
| \`al2023-new\` | create | 1.0.0 | yes | new recipe, version 1.0.0 (6 resources to add) |
| \`al2023-old\` | delete | 1.0.0 |  | left the manifest: its stack is deleted (AMIs stay) (6 resources to remove) |
| \`al2023-web\` | update | 1.0.0 |  | template or parameter values changed, same version |

<details><summary>al2023-db: 3 resource changes, 2 replaced</summary>

| resource | type | action | properties |
|---|---|---|---|
| \`ComponentHarden\` | AWS::ImageBuilder::Component | **replace** | Version* |
| \`ImagePipeline\` | AWS::ImageBuilder::ImagePipeline | modify | ImageRecipeArn &lt;- ImageRecipe |
| \`ImageRecipe\` | AWS::ImageBuilder::ImageRecipe | **replace** | Components* &lt;- ComponentHarden, Version* |

</details>

<details><summary>al2023-web: 3 resource changes, 2 replaced</summary>

| resource | type | action | properties |
|---|---|---|---|
| \`ComponentHarden\` | AWS::ImageBuilder::Component | **replace** | Data* |
| \`ImagePipeline\` | AWS::ImageBuilder::ImagePipeline | modify | ImageRecipeArn &lt;- ImageRecipe |
| \`ImageRecipe\` | AWS::ImageBuilder::ImageRecipe | **may replace** | Components* &lt;- ComponentHarden |

</details>

\\* create-only property: changing it replaces the resource.
`);
  });

  it('json: every recipe with its resources, keys sorted', () => {
    // Act
    const parsed = JSON.parse(formatPlan(fixturePlan(), 'json'));
    // Assess
    expect(parsed.formatVersion).toBe(1);
    expect(parsed.counts).toEqual({ blocked: 0, builds: 2, create: 1, delete: 1, failed: 0, replacements: 2, unchanged: 1, update: 2 });
    expect(parsed.recipes.map((r: { recipe: string; action: string; build: boolean }) => [r.recipe, r.action, r.build])).toEqual([
      ['al2023-db', 'update', true],
      ['al2023-new', 'create', true],
      ['al2023-old', 'delete', false],
      ['al2023-web', 'update', false],
      ['ubuntu-cis', 'unchanged', false],
    ]);
    expect(parsed.recipes[0].resources[2]).toEqual({
      action: 'replace',
      attributes: [],
      logicalId: 'ImageRecipe',
      properties: [
        { cause: 'reference', createOnly: true, path: 'Components', via: ['ComponentHarden'] },
        { cause: 'value', createOnly: true, path: 'Version' },
      ],
      replacement: 'always',
      type: 'AWS::ImageBuilder::ImageRecipe',
    });
    expect(formatPlan(fixturePlan(), 'json')).toBe(formatPlan(fixturePlan(), 'json'));
  });

  it('deployment report: each recipe with its result, failures in words', () => {
    // Prepare
    const outcomes = new Map<string, RecipeOutcome>([
      [
        'al2023-db',
        { status: 'succeeded', imageBuildArn: 'arn:aws:imagebuilder:eu-west-1:111122223333:image/ami-bakery-recipe-al2023-db/1.1.0/1' },
      ],
      ['al2023-new', { status: 'failed', message: 'stack CREATE_FAILED: InstanceRole: AccessDenied | iam:CreateRole' }],
      ['al2023-old', { status: 'succeeded' }],
      ['al2023-web', { status: 'succeeded' }],
    ]);
    // Act
    const markdown = formatPlan(fixturePlan('deployment', outcomes), 'markdown');
    // Assess
    expect(markdown.split('\n').slice(0, 12)).toEqual([
      '### Recipe deployment',
      '',
      '**base** main (1a2b3c4) · **head** working tree',
      '',
      '1 to create, 2 to update (2 with replacements), 1 to delete, 1 unchanged; 2 image builds started or due; 1 failed',
      '',
      '| recipe | action | version | image build | why | result |',
      '|---|---|---|---|---|---|',
      '| `al2023-db` | update | 1.0.0 -&gt; 1.1.0 | yes | version changed | succeeded |',
      '| `al2023-new` | create | 1.0.0 | yes | new recipe, version 1.0.0 (6 resources to add) | failed: stack CREATE_FAILED: InstanceRole: AccessDenied \\| iam:CreateRole |',
      '| `al2023-old` | delete | 1.0.0 |  | left the manifest: its stack is deleted (AMIs stay) (6 resources to remove) | succeeded |',
      '| `al2023-web` | update | 1.0.0 |  | template or parameter values changed, same version | succeeded |',
    ]);
  });

  it('stylish: names the refusal before anything else', () => {
    // Prepare
    const base = loadBundle(makeBundle([{ name: 'aaa' }, { name: 'bbb' }])).bundle;
    const empty = loadBundle(makeBundle([])).bundle;
    if (!base || !empty) throw new Error('fixture bundles are invalid');
    const plan = planRecipes(empty.manifest, deployedStateOf(base.manifest, { stackPrefix: PREFIX }), { stackPrefix: PREFIX });
    // Act
    const text = formatPlan(planDocument({ kind: 'plan', plan, stackPrefix: PREFIX, prune: true, partial: false }), 'stylish');
    // Assess
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Plan of ami-bakery-recipe-* stacks',
      '',
      'PLAN001 refused: the bundle would delete every deployed recipe (2); deploy refused. If that is meant, list them in recipes/retired.yaml [aaa, bbb]',
    ]);
  });
});
