import { describe, expect, it } from 'vitest';
import { isSourceArtifactExtra, loadBundle, templateHash, verifyBundle } from '../src/index.js';
import { editManifest, ids, makeBundle, read, text } from './helpers.js';

type Files = Map<string, Uint8Array>;

const three = () => makeBundle([{ name: 'al2023-base' }, { name: 'al2023-web', parameters: [] }, { name: 'ubuntu-cis' }]);

/** Replaces a template and fixes its hash in manifest.json, so only the template's own problem shows. */
function replaceTemplate(files: Files, name: string, bytes: Uint8Array): Files {
  const copy = editManifest(files, (m) => {
    for (const r of m.recipes as Record<string, unknown>[]) if (r.name === name) r.templateHash = templateHash(bytes);
  });
  copy.set(`recipes/${name}/template.yaml`, bytes);
  const recipeManifest = JSON.parse(read(copy, `recipes/${name}/manifest.json`));
  recipeManifest.templateHash = templateHash(bytes);
  copy.set(`recipes/${name}/manifest.json`, text(JSON.stringify(recipeManifest)));
  return copy;
}

function withFile(files: Files, path: string, content: string | Uint8Array): Files {
  const copy = new Map(files);
  copy.set(path, typeof content === 'string' ? text(content) : content);
  return copy;
}

function without(files: Files, path: string): Files {
  const copy = new Map(files);
  copy.delete(path);
  return copy;
}

const entry = (m: Record<string, unknown>, name: string) =>
  (m.recipes as Record<string, unknown>[]).find((r) => r.name === name) as Record<string, unknown>;

describe('Function: verifyBundle', () => {
  it('accepts a well-formed bundle of three recipes', () => {
    // Prepare
    const files = three();
    // Act
    const result = loadBundle(files);
    // Assess
    expect(result.problems).toEqual([]);
    expect(result.bundle?.recipes.map((r) => r.entry.name)).toEqual(['al2023-base', 'al2023-web', 'ubuntu-cis']);
  });

  const cases: { name: string; files: () => Files; expected: string[] }[] = [
    {
      name: 'no manifest: every recipe file is outside the bundle',
      files: () => without(makeBundle([{ name: 'al2023-base' }]), 'manifest.json'),
      expected: ['BUNDLE001 manifest.json', 'BUNDLE011 recipes/al2023-base/manifest.json', 'BUNDLE011 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'manifest is not JSON',
      files: () => withFile(three(), 'manifest.json', '{"formatVersion": 2,'),
      expected: ['BUNDLE002 manifest.json'].concat(allExtra()),
    },
    { name: 'format 1 bundle', files: () => editManifest(three(), (m) => (m.formatVersion = 1)), expected: ['BUNDLE003 manifest.json'] },
    {
      name: 'unknown top-level key',
      files: () => editManifest(three(), (m) => (m.bakeryStack = 'bakery/x.json')),
      expected: ['BUNDLE005 manifest.json'],
    },
    {
      name: 'sourceCommit is not a commit',
      files: () => editManifest(three(), (m) => (m.sourceCommit = 'main')),
      expected: ['BUNDLE004 manifest.json'],
    },
    {
      name: 'template edited after bundling',
      files: () => withFile(three(), 'recipes/al2023-web/template.yaml', `${read(three(), 'recipes/al2023-web/template.yaml')}# x\n`),
      expected: ['BUNDLE013 recipes/al2023-web/template.yaml'],
    },
    {
      name: 'per-recipe manifest disagrees on the version',
      files: () =>
        withFile(
          three(),
          'recipes/ubuntu-cis/manifest.json',
          JSON.stringify({ ...JSON.parse(read(three(), 'recipes/ubuntu-cis/manifest.json')), version: '9.9.9' }),
        ),
      expected: ['BUNDLE014 recipes/ubuntu-cis/manifest.json'],
    },
    {
      name: 'per-recipe manifest is not JSON',
      files: () => withFile(three(), 'recipes/ubuntu-cis/manifest.json', 'nope'),
      expected: ['BUNDLE015 recipes/ubuntu-cis/manifest.json'],
    },
    {
      name: 'extra file in a recipe folder',
      files: () => withFile(three(), 'recipes/al2023-base/notes.txt', 'x'),
      expected: ['BUNDLE011 recipes/al2023-base/notes.txt'],
    },
    {
      name: 'the old bakery stack template',
      files: () => withFile(three(), 'bakery/bakery-stack.template.json', '{}'),
      expected: ['BUNDLE011 bakery/bakery-stack.template.json'],
    },
    {
      name: 'a recipe folder the manifest does not list',
      files: () => withFile(three(), 'recipes/zz-stale/template.yaml', 'x'),
      expected: ['BUNDLE011 recipes/zz-stale/template.yaml'],
    },
    {
      name: 'template missing',
      files: () => without(three(), 'recipes/al2023-web/template.yaml'),
      expected: ['BUNDLE010 recipes/al2023-web/template.yaml'],
    },
    {
      name: 'recipe manifest missing',
      files: () => without(three(), 'recipes/al2023-web/manifest.json'),
      expected: ['BUNDLE010 recipes/al2023-web/manifest.json'],
    },
    {
      name: 'template not UTF-8',
      files: () => replaceTemplate(three(), 'al2023-base', new Uint8Array([0xff, 0xfe, 0x41])),
      expected: ['BUNDLE016 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'template with a NUL',
      files: () => replaceTemplate(three(), 'al2023-base', text('Resources:\u0000')),
      expected: ['BUNDLE016 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'template not YAML',
      files: () => replaceTemplate(three(), 'al2023-base', text('Resources:\n  A: [\n')),
      expected: ['BUNDLE017 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'template with a duplicate key',
      files: () => replaceTemplate(three(), 'al2023-base', text('Resources: {}\nResources: {}\n')),
      expected: ['BUNDLE017 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'template without resources',
      files: () => replaceTemplate(three(), 'al2023-base', text('Description: nothing\n')),
      expected: ['BUNDLE018 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'empty template',
      files: () => replaceTemplate(three(), 'al2023-base', new Uint8Array()),
      expected: ['BUNDLE018 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'a resource type recipes may not contain',
      files: () =>
        replaceTemplate(
          three(),
          'al2023-web',
          text(
            `${read(three(), 'recipes/al2023-web/template.yaml').replace('Resources:\n', 'Resources:\n  Backdoor:\n    Type: AWS::Lambda::Function\n    Properties: {}\n')}`,
          ),
        ),
      expected: ['BUNDLE021 recipes/al2023-web/template.yaml'],
    },
    {
      name: 'template declares a parameter the manifest does not list',
      files: () => editManifest(three(), (m) => (entry(m, 'ubuntu-cis').parameters = [])),
      expected: ['BUNDLE022 recipes/ubuntu-cis/template.yaml'],
    },
    {
      name: 'a parameter the deployer does not fill',
      files: () => editManifest(three(), (m) => (entry(m, 'ubuntu-cis').parameters = ['AdminPassword', 'PermissionsBoundaryArn'])),
      expected: ['BUNDLE023 manifest.json'],
    },
    {
      name: 'a recipe both listed and retired',
      files: () => editManifest(three(), (m) => (m.retired = [{ name: 'al2023-web', reason: 'replaced' }])),
      expected: ['BUNDLE024 manifest.json'],
    },
    {
      name: 'template over 1,000,000 bytes',
      files: () => replaceTemplate(three(), 'al2023-base', text(`Resources: {}\n#${'x'.repeat(1_000_000)}\n`)),
      expected: ['BUNDLE019 recipes/al2023-base/template.yaml'],
    },
    {
      name: 'a path that climbs out of the bundle',
      files: () => withFile(three(), '../outside', 'x'),
      expected: ['BUNDLE012 (-)', 'BUNDLE011 ../outside'],
    },
    {
      name: 'recipes out of order',
      files: () => editManifest(three(), (m) => (m.recipes as unknown[]).reverse()),
      expected: ['BUNDLE008 manifest.json', 'BUNDLE008 manifest.json'],
    },
    {
      name: 'the same recipe twice',
      files: () => editManifest(three(), (m) => (m.recipes as unknown[]).push((m.recipes as unknown[])[2])),
      expected: ['BUNDLE007 manifest.json'],
    },
    {
      name: 'a recipe name that is a path',
      files: () => editManifest(three(), (m) => (entry(m, 'al2023-web').name = '../../etc')),
      expected: ['BUNDLE006 manifest.json', 'BUNDLE011 recipes/al2023-web/manifest.json', 'BUNDLE011 recipes/al2023-web/template.yaml'],
    },
    {
      name: 'a stack name that does not end in the recipe name',
      files: () => editManifest(three(), (m) => (entry(m, 'al2023-web').stackName = 'other-stack')),
      expected: ['BUNDLE027 manifest.json'],
    },
  ];

  it.each(cases)('reports $name', ({ files, expected }) => {
    // Act
    const problems = verifyBundle(files());
    // Assess
    expect(ids(problems)).toEqual(expected);
  });

  it('names every problem of every recipe at once', () => {
    // Prepare: three recipes, each broken its own way
    let files = three();
    files = withFile(files, 'recipes/al2023-base/template.yaml', 'Resources: {}\n');
    files = withFile(files, 'recipes/al2023-web/manifest.json', JSON.stringify({ name: 'al2023-web', version: '0.0.1', contentHash: 'x' }));
    files = without(files, 'recipes/ubuntu-cis/template.yaml');
    files = withFile(files, 'recipes/ubuntu-cis/extra.sh', 'curl evil');
    // Act
    const problems = verifyBundle(files);
    // Assess
    expect(problems.map((p) => [p.id, p.recipe, p.path])).toEqual([
      ['BUNDLE013', 'al2023-base', 'recipes/al2023-base/template.yaml'],
      ['BUNDLE018', 'al2023-base', 'recipes/al2023-base/template.yaml'],
      ['BUNDLE014', 'al2023-web', 'recipes/al2023-web/manifest.json'],
      ['BUNDLE014', 'al2023-web', 'recipes/al2023-web/manifest.json'],
      ['BUNDLE011', 'ubuntu-cis', 'recipes/ubuntu-cis/extra.sh'],
      ['BUNDLE010', 'ubuntu-cis', 'recipes/ubuntu-cis/template.yaml'],
    ]);
  });

  it('accepts the publish record and README next to the bundle when told they belong to the source', () => {
    // Prepare
    const files = withFile(withFile(three(), '.bakery/published.json', '{}'), 'README.md', '# bakery');
    // Act
    const strict = verifyBundle(files);
    const source = verifyBundle(files, { allowExtra: isSourceArtifactExtra });
    // Assess
    expect(ids(strict)).toEqual(['BUNDLE011 .bakery/published.json', 'BUNDLE011 README.md']);
    expect(source).toEqual([]);
  });

  it('refuses more files than the limit without reading them', () => {
    // Act
    const problems = verifyBundle(three(), { limits: { maxFiles: 3 } });
    // Assess
    expect(ids(problems)).toEqual(['BUNDLE020 (-)']);
  });

  it('refuses a recipe whose stack name would pass 128 characters with the deployer prefix', () => {
    // Act
    const problems = verifyBundle(three(), { stackPrefix: `${'p'.repeat(117)}-` });
    // Assess
    expect(ids(problems)).toEqual(['BUNDLE027 (al2023-base)']);
  });

  it('says where a YAML error is', () => {
    // Prepare
    const files = replaceTemplate(three(), 'al2023-base', text('Resources:\n  A:\n    Type: [\n'));
    // Act
    const [first] = verifyBundle(files);
    // Assess
    expect(first?.message).toMatch(/^the template does not parse at recipes\/al2023-base\/template.yaml:\d+:\d+: /);
  });
});

function allExtra(): string[] {
  return ['al2023-base', 'al2023-web', 'ubuntu-cis'].flatMap((n) => [
    `BUNDLE011 recipes/${n}/manifest.json`,
    `BUNDLE011 recipes/${n}/template.yaml`,
  ]);
}
