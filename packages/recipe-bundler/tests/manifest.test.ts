import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleRecipe, readSourceCommit } from '../src/index.js';
import { bundleFixture, copyFixture, FIXTURES, PACKAGE_DIR, tempDir } from './helpers/fixtures.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('bundleRecipe: determinism', () => {
  it('gives byte-identical template text and manifest for two runs and for any working directory', () => {
    // Prepare
    const absolute = path.join(FIXTURES, 'full-linux');

    // Act
    const first = bundleRecipe('tests/fixtures/full-linux', { cwd: PACKAGE_DIR, sourceCommit: null });
    const second = bundleRecipe('tests/fixtures/full-linux', { cwd: PACKAGE_DIR, sourceCommit: null });
    const fromRecipeDir = bundleRecipe('.', { cwd: absolute, sourceCommit: null });
    const fromRoot = bundleRecipe(absolute, { cwd: '/', sourceCommit: null });

    // Assess
    expect(first.templateText).toBeDefined();
    for (const other of [second, fromRecipeDir, fromRoot]) {
      expect(other.templateText).toBe(first.templateText);
      expect(JSON.stringify(other.manifest)).toBe(JSON.stringify(first.manifest));
    }
  });

  it('keeps display paths in links relative to the working directory', () => {
    const result = bundleRecipe('.', { cwd: path.join(FIXTURES, 'full-linux'), sourceCommit: null });
    expect([...new Set(result.links.map((link) => link.file))].sort()).toEqual([
      'components/audit.yaml',
      'components/cleanup.yaml',
      'components/site-hardening.yaml',
      'recipe.yaml',
    ]);
  });

  it('writes the template sections in CloudFormation order', () => {
    const { templateText } = bundleFixture('full-linux');
    const sections = (templateText ?? '')
      .split('\n')
      .filter((line) => /^[A-Za-z]/.test(line))
      .map((line) => line.split(':')[0]);
    // full-linux has no condition any more (the security parameters are mandatory), so no Conditions section.
    expect(sections).toEqual(['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Rules', 'Resources', 'Outputs']);
  });
});

describe('bundleRecipe: manifest', () => {
  it('records name, version, stack, content hash, inputs and components exactly', () => {
    const dir = path.join(FIXTURES, 'full-linux');
    const result = bundleRecipe(dir, { cwd: PACKAGE_DIR, sourceCommit: '0123456789abcdef0123456789abcdef01234567' });
    expect(result.manifest).toEqual({
      name: 'full-linux',
      version: '1.2.0',
      platform: 'linux',
      architecture: 'x86_64',
      stackName: 'ami-bakery-recipe-full-linux',
      contentHash: 'sha256:c8fce2a1fe2109df83002046833b1ca14caf9f14614ae89b617ba05c03754360',
      sourceCommit: '0123456789abcdef0123456789abcdef01234567',
      inputs: [
        { path: 'components/audit.yaml', sha256: sha256(path.join(dir, 'components/audit.yaml')) },
        { path: 'components/cleanup.yaml', sha256: sha256(path.join(dir, 'components/cleanup.yaml')) },
        { path: 'components/site-hardening.yaml', sha256: sha256(path.join(dir, 'components/site-hardening.yaml')) },
        { path: 'recipe.yaml', sha256: sha256(path.join(dir, 'recipe.yaml')) },
      ],
      components: [
        { kind: 'managed', name: 'update-linux', version: 'x.x.x' },
        { kind: 'managed', name: 'stig-build-linux', version: '2025.1.x' },
        { kind: 'local', name: 'ami-bakery-recipe-full-linux-site-hardening', version: '1.0.3', file: 'components/site-hardening.yaml' },
        { kind: 'local', name: 'ami-bakery-recipe-full-linux-cleanup', version: '2.0.0', file: 'components/cleanup.yaml' },
        { kind: 'managed', name: 'reboot-test-linux', version: 'x.x.x', stage: 'test' },
        { kind: 'local', name: 'ami-bakery-recipe-full-linux-audit', version: '1.1.0', file: 'components/audit.yaml', stage: 'test' },
      ],
      buildOnVersionChange: true,
    });
    expect(result.stackName).toBe('ami-bakery-recipe-full-linux');
  });

  it('names the stack with a custom prefix', () => {
    const result = bundleRecipe('tests/fixtures/minimal', { cwd: PACKAGE_DIR, sourceCommit: null, stackNamePrefix: 'bakery-' });
    expect([result.stackName, result.manifest?.stackName]).toEqual(['bakery-minimal', 'bakery-minimal']);
  });

  it('names local components after the stack they deploy in, as Image Builder will', () => {
    const result = bundleRecipe('tests/fixtures/full-linux', { cwd: PACKAGE_DIR, sourceCommit: null, stackNamePrefix: 'bakery-' });
    expect(result.manifest?.components.filter((c) => c.kind === 'local').map((c) => c.name)).toEqual([
      'bakery-full-linux-site-hardening',
      'bakery-full-linux-cleanup',
      'bakery-full-linux-audit',
    ]);
  });

  it('normalizes ./ in component paths for inputs and components', () => {
    const manifest = bundleFixture('pinned-ami').manifest;
    expect(manifest?.inputs.map((input) => input.path)).toEqual([
      'components/build/setup.yaml',
      'components/test/setup.yaml',
      'recipe.yaml',
    ]);
    expect(manifest?.components).toEqual([
      { kind: 'managed', name: 'update-linux', version: 'x.x.x' },
      { kind: 'local', name: 'ami-bakery-recipe-pinned-ami-components-build-setup', version: '1.0.0', file: 'components/build/setup.yaml' },
      {
        kind: 'local',
        name: 'ami-bakery-recipe-pinned-ami-components-test-setup',
        version: '1.0.0',
        file: 'components/test/setup.yaml',
        stage: 'test',
      },
    ]);
  });

  it('reads the source commit from git when none is given, and null outside a repository', () => {
    const { dir, cleanup } = tempDir('bundler-nogit');
    try {
      copyFixture('minimal', path.join(dir, 'minimal'));
      expect(bundleRecipe(path.join(dir, 'minimal'), { cwd: dir }).manifest?.sourceCommit).toBeNull();
      const injected = bundleRecipe(path.join(dir, 'minimal'), { cwd: dir, git: () => ({ ok: true, stdout: `${'a'.repeat(40)}\n` }) });
      expect(injected.manifest?.sourceCommit).toBe('a'.repeat(40));
    } finally {
      cleanup();
    }
    expect(readSourceCommit(PACKAGE_DIR)).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('contentHash and component Data', () => {
  // Data and the content hash must move together: a Data change under an unchanged hash would
  // replace an Image Builder component under the same (immutable) version.
  const mutations: { name: string; file: string; edit: (text: string) => string; changes: boolean; dataChanges: boolean }[] = [
    {
      name: 'a comment in the recipe',
      file: 'recipe.yaml',
      edit: (t) => `# reviewed\n${t.replace('version: 1.2.0', 'version: 1.2.0 # current')}`,
      changes: false,
      dataChanges: false,
    },
    {
      name: 'blank lines and trailing spaces in a component',
      file: 'components/cleanup.yaml',
      edit: (t) => t.replaceAll('\n', '  \n\n'),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'comments in a component',
      file: 'components/cleanup.yaml',
      edit: (t) => `# owned by ops\n${t.replace('dnf clean all', 'dnf clean all # caches')}`,
      changes: false,
      dataChanges: false,
    },
    {
      name: 'indentation of a component',
      file: 'components/cleanup.yaml',
      edit: (t) => t.replaceAll('\n  ', '\n    '),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'key order in a component',
      file: 'components/cleanup.yaml',
      edit: (t) =>
        t.replace(
          'name: cleanup\ndescription: Removes build leftovers before the snapshot',
          'description: Removes build leftovers before the snapshot\nname: cleanup',
        ),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'quoting of a component string',
      file: 'components/cleanup.yaml',
      edit: (t) => t.replace('- dnf clean all', "- 'dnf clean all'"),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'flow style in a component',
      file: 'components/cleanup.yaml',
      edit: (t) =>
        t.replace(
          'commands:\n            - dnf clean all\n            - rm -rf /var/tmp/imagebuilder-cache',
          'commands: [dnf clean all, rm -rf /var/tmp/imagebuilder-cache]',
        ),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'key order in the recipe',
      file: 'recipe.yaml',
      edit: (t) => t.replace('platform: linux\narchitecture: x86_64', 'architecture: x86_64\nplatform: linux'),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'flow style instead of block style',
      file: 'recipe.yaml',
      edit: (t) => t.replace('regions: [eu-west-1, eu-central-1]', 'regions:\n    - eu-west-1\n    - eu-central-1'),
      changes: false,
      dataChanges: false,
    },
    {
      name: 'a recipe value',
      file: 'recipe.yaml',
      edit: (t) => t.replace('sizeGiB: 30', 'sizeGiB: 40'),
      changes: true,
      dataChanges: false,
    },
    {
      name: 'a component command',
      file: 'components/cleanup.yaml',
      edit: (t) => t.replace('dnf clean all', 'dnf clean packages'),
      changes: true,
      dataChanges: true,
    },
    {
      name: 'a number token AWSTOE reads as text (1.0 to 1.00)',
      file: 'components/cleanup.yaml',
      edit: (t) => t.replace('schemaVersion: 1.0', 'schemaVersion: 1.00'),
      changes: true,
      dataChanges: true,
    },
    {
      name: 'the recipe version',
      file: 'recipe.yaml',
      edit: (t) => t.replace('version: 1.2.0', 'version: 1.2.1'),
      changes: true,
      dataChanges: false,
    },
  ];

  const componentData = (template: unknown) =>
    Object.entries((template as { Resources: Record<string, { Type: string; Properties: { Data?: string } }> }).Resources)
      .filter(([, resource]) => resource.Type === 'AWS::ImageBuilder::Component')
      .map(([id, resource]) => `${id}\n${resource.Properties.Data}`);

  it.each(mutations)(
    '$name: content hash changes = $changes, Data changes = $dataChanges, raw input hash always changes',
    ({ file, edit, changes, dataChanges }) => {
      // Prepare
      const { dir, cleanup } = tempDir('bundler-hash');
      try {
        const recipeDir = copyFixture('full-linux', path.join(dir, 'full-linux'));
        const before = bundleRecipe(recipeDir, { cwd: dir, sourceCommit: null });
        const target = path.join(recipeDir, file);
        const edited = edit(readFileSync(target, 'utf8'));
        expect(edited).not.toBe(readFileSync(target, 'utf8'));
        writeFileSync(target, edited);

        // Act
        const after = bundleRecipe(recipeDir, { cwd: dir, sourceCommit: null });

        // Assess
        expect(after.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(after.manifest?.contentHash !== before.manifest?.contentHash).toBe(changes);
        expect(componentData(after.template).join('\n') !== componentData(before.template).join('\n')).toBe(dataChanges);
        const raw = (m: typeof before.manifest) => m?.inputs.find((input) => input.path === file)?.sha256;
        expect(raw(after.manifest)).not.toBe(raw(before.manifest));
      } finally {
        cleanup();
      }
    },
  );
});
