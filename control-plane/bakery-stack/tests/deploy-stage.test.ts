import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleManifest, deployableRecipes, InvalidManifestError, synthBakeryTemplate } from '../src/index.js';
import { getAtt, type Json, manifestOf, recipe, ref } from './support.js';

process.env.CDK_VALIDATION = 'false';

const stagesOf = (template: Json): Json[] => {
  const resources = template.Resources as Record<string, Json>;
  return ((resources.Pipeline as Json).Properties as Json).Stages as Json[];
};
const actionsOf = (stage: Json | undefined): Json[] => (stage?.Actions ?? []) as Json[];
const bucketId = (template: Json): string =>
  Object.keys(template.Resources as Json).find((id) => id.startsWith('ArtifactBucket') && !id.includes('Policy')) as string;
const boundaryId = (template: Json): string =>
  Object.keys(template.Resources as Json).find((id) => id.startsWith('RecipePermissionsBoundary')) as string;

function deployAction(name: string, overrides?: Json): Json {
  return {
    Name: name,
    ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'CloudFormation', Version: '1' },
    InputArtifacts: [{ Name: 'SourceArtifact' }],
    RunOrder: 1,
    Configuration: {
      ActionMode: 'CREATE_UPDATE',
      Capabilities: 'CAPABILITY_NAMED_IAM',
      StackName: { 'Fn::Sub': `\${RecipeStackPrefix}${name}` },
      TemplatePath: `SourceArtifact::recipes/${name}/template.yaml`,
      RoleArn: getAtt('RecipeDeployRole52EAC3AB'),
      ...(overrides ? { ParameterOverrides: overrides } : {}),
    },
  };
}

describe('Deploy stage from a manifest with 1 recipe', () => {
  let template: Json;
  beforeAll(() => {
    template = synthBakeryTemplate(manifestOf(recipe('amazon-linux-2023-stig-high'))) as Json;
  });

  it('has Source, UpdatePipeline and one Deploy stage with one action', () => {
    expect(stagesOf(template).map((s) => s.Name)).toEqual(['Source', 'UpdatePipeline', 'Deploy']);
    const deploy = actionsOf(stagesOf(template)[2]);
    expect(deploy).toEqual([
      deployAction('amazon-linux-2023-stig-high', {
        'Fn::Sub': [
          '{"ArtifactBucketName":"${ArtifactBucket}","PermissionsBoundaryArn":"${PermissionsBoundary}"}',
          { ArtifactBucket: ref(bucketId(template)), PermissionsBoundary: ref(boundaryId(template)) },
        ],
      }),
    ]);
  });
});

describe('Deploy stage from a manifest with 3 recipes', () => {
  let template: Json;
  beforeAll(() => {
    // Given unsorted: the stage must not depend on manifest order.
    template = synthBakeryTemplate(
      manifestOf(
        recipe('windows-2022-stig', []),
        recipe('amazon-linux-2023-stig-high', ['PermissionsBoundaryArn']),
        recipe('ubuntu-pro-2204-cis-l1', ['PermissionsBoundaryArn', 'OrganizationId', 'ManagementAccountId', 'ArtifactBucketName']),
      ),
    ) as Json;
  });

  it('runs one CloudFormation action per recipe, sorted by name, in parallel', () => {
    const deploy = actionsOf(stagesOf(template)[2]);
    expect(deploy.map((a) => a.Name)).toEqual(['amazon-linux-2023-stig-high', 'ubuntu-pro-2204-cis-l1', 'windows-2022-stig']);
    expect(deploy.map((a) => a.RunOrder)).toEqual([1, 1, 1]);
  });

  it('passes only the parameters each recipe declares', () => {
    const [al2023, ubuntu, windows] = actionsOf(stagesOf(template)[2]);
    expect(al2023).toEqual(
      deployAction('amazon-linux-2023-stig-high', {
        'Fn::Sub': ['{"PermissionsBoundaryArn":"${PermissionsBoundary}"}', { PermissionsBoundary: ref(boundaryId(template)) }],
      }),
    );
    expect(ubuntu).toEqual(
      deployAction('ubuntu-pro-2204-cis-l1', {
        'Fn::Sub': [
          '{"ArtifactBucketName":"${ArtifactBucket}","ManagementAccountId":"${ManagementAccountId}","OrganizationId":"${OrganizationId}","PermissionsBoundaryArn":"${PermissionsBoundary}"}',
          { ArtifactBucket: ref(bucketId(template)), PermissionsBoundary: ref(boundaryId(template)) },
        ],
      }),
    );
    // No overrides at all: a CloudFormation action fails on overrides the template does not declare.
    expect(windows).toEqual(deployAction('windows-2022-stig'));
  });
});

describe('Deploy stage edge cases', () => {
  it('omits the Deploy stage when the manifest has no recipes', () => {
    const template = synthBakeryTemplate(manifestOf()) as Json;
    expect(stagesOf(template).map((s) => s.Name)).toEqual(['Source', 'UpdatePipeline']);
  });

  it('spills past 50 actions into Deploy-2 (CodePipeline allows 50 actions per stage)', () => {
    const names = Array.from({ length: 51 }, (_, i) => `recipe-${String(i).padStart(2, '0')}`);
    const recipes = deployableRecipes(manifestOf(...names.map((n) => recipe(n, []))));
    expect(recipes).toHaveLength(51);
    const template = synthBakeryTemplate(manifestOf(...names.map((n) => recipe(n, [])))) as Json;
    const stages = stagesOf(template);
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'UpdatePipeline', 'Deploy', 'Deploy-2']);
    expect(actionsOf(stages[2])).toHaveLength(50);
    expect(actionsOf(stages[3]).map((a) => a.Name)).toEqual(['recipe-50']);
  });
});

describe('Manifest validation', () => {
  const cases: { name: string; manifest: unknown; problem: RegExp }[] = [
    {
      name: 'unknown format version',
      manifest: { formatVersion: 2, sourceCommit: null, recipes: [] },
      problem: /formatVersion 2 is not supported/,
    },
    { name: 'recipes not a list', manifest: { formatVersion: 1, sourceCommit: null, recipes: {} }, problem: /"recipes" must be a list/ },
    { name: 'bad recipe name', manifest: manifestOf(recipe('Bad_Name')), problem: /name "Bad_Name" must be 1-63 lowercase/ },
    { name: 'duplicate recipe', manifest: manifestOf(recipe('a'), recipe('a')), problem: /recipe a appears twice/ },
    {
      name: 'template outside the bundle',
      manifest: manifestOf({ ...recipe('a'), template: '../x/template.yaml' }),
      problem: /must be relative to the bundle root/,
    },
    {
      name: 'unknown parameter',
      manifest: manifestOf(recipe('a', ['VpcId'])),
      problem: /parameter\(s\) VpcId cannot be supplied by the pipeline/,
    },
  ];

  it.each(cases)('rejects $name with a message that says what to fix', ({ manifest, problem }) => {
    let caught: unknown;
    try {
      deployableRecipes(manifest as BundleManifest);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidManifestError);
    expect((caught as InvalidManifestError).message).toMatch(problem);
  });

  it('lists every problem at once', () => {
    const manifest = manifestOf(recipe('a', ['VpcId']), recipe('a'), { ...recipe('b'), template: '/abs.yaml' });
    let caught: InvalidManifestError | undefined;
    try {
      deployableRecipes(manifest);
    } catch (error) {
      caught = error as InvalidManifestError;
    }
    expect(caught?.problems).toEqual([
      'recipe a: parameter(s) VpcId cannot be supplied by the pipeline (known: ArtifactBucketName, PermissionsBoundaryArn, OrganizationId, ManagementAccountId)',
      'recipe a appears twice: recipe names must be unique',
      'recipe b: template path "/abs.yaml" must be relative to the bundle root, with "/" and no ".."',
    ]);
  });
});
