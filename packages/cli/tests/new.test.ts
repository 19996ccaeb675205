import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaComment } from '@ami-bakery/recipe-schema';
import { describe, expect, it } from 'vitest';
import { bakery, located } from './helpers.js';
import { REPO_ROOT, snapshotFiles, tempDir, workspaceCopy } from './pipeline-helpers.js';

const SHIPPED = 'amazon-linux-2023-stig-high';

/** A workspace holding a copy of the shipped recipe. */
function shippedWorkspace(): string {
  const root = tempDir();
  writeFileSync(path.join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  mkdirSync(path.join(root, 'recipes'));
  cpSync(path.join(REPO_ROOT, 'recipes', SHIPPED), path.join(root, 'recipes', SHIPPED), { recursive: true });
  return root;
}

describe('Command: new', () => {
  it('copies the shipped recipe under a new name, and the copy validates clean', async () => {
    // Prepare
    const root = shippedWorkspace();
    const source = readFileSync(path.join(root, 'recipes', SHIPPED, 'recipe.yaml'), 'utf8');
    const sourceVersion = /^version: (.+)$/m.exec(source)?.[1];

    // Act
    const result = await bakery(['new', 'amazon-linux-2023-stig-medium', '--from', SHIPPED], { cwd: root });

    // Assess
    const created = path.join(root, 'recipes/amazon-linux-2023-stig-medium');
    const copiedFiles = Object.keys(snapshotFiles(path.join(root, 'recipes', SHIPPED))).filter(
      (f) => f !== 'README.md' && f !== 'recipe.yaml',
    );
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, copiedFiles.length + 4)).toEqual([
      `Created recipes/amazon-linux-2023-stig-medium from recipes/${SHIPPED}:`,
      ...['README.md', ...copiedFiles, 'recipe.yaml'].sort().map((f) => `  recipes/amazon-linux-2023-stig-medium/${f}`),
      `Renamed from ${SHIPPED}: name, distribution.amiName, distribution.ssmParameter, tags.ami-bakery:recipe`,
    ]);
    expect(lines.slice(copiedFiles.length + 4)).toEqual([
      expect.stringMatching(/^Version 1\.0\.0: recipe(, (components\/[a-z0-9-]+\.yaml|[a-z0-9-]+ \(generated from [a-z0-9/.-]+\)))*$/),
      expect.stringMatching(/^No problems in \d+ files?\.$/),
      '',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Only the name, the version and the values derived from the name differ; comments stay.
    expect(readFileSync(path.join(created, 'recipe.yaml'), 'utf8')).toBe(
      source
        .replace(`name: ${SHIPPED}\n`, 'name: amazon-linux-2023-stig-medium\n')
        .replace(`version: ${sourceVersion}\n`, 'version: 1.0.0\n')
        .replace(/^( {4}version: )\d+\.\d+\.\d+$/gm, '$11.0.0')
        .replace(
          `amiName: '${SHIPPED}-{{ imagebuilder:buildDate }}'`,
          "amiName: 'amazon-linux-2023-stig-medium-{{ imagebuilder:buildDate }}'",
        )
        .replace(`ssmParameter: /ami-bakery/${SHIPPED}/latest`, 'ssmParameter: /ami-bakery/amazon-linux-2023-stig-medium/latest')
        .replace(`ami-bakery:recipe: ${SHIPPED}\n`, 'ami-bakery:recipe: amazon-linux-2023-stig-medium\n'),
    );
    for (const file of copiedFiles) {
      // AWSTOE documents gain the line that associates them with the component schema in editors.
      const original = readFileSync(path.join(root, 'recipes', SHIPPED, file), 'utf8');
      const schemaLine = /^(schemaVersion|phases):/m.test(original)
        ? `${schemaComment('component', path.dirname(path.join(created, file)))}\n`
        : '';
      expect(readFileSync(path.join(created, file), 'utf8')).toBe(`${schemaLine}${original}`);
    }
    expect(readFileSync(path.join(created, 'README.md'), 'utf8').split('\n').slice(0, 6)).toEqual([
      '# amazon-linux-2023-stig-medium',
      '',
      `Copied from \`recipes/${SHIPPED}\` by \`bakery new\`. Say here what this image is for, what it hardens`,
      'and who uses it.',
      '',
      '## TODO',
    ]);
    // Outside git the version gate only says it was skipped.
    const validation = await bakery(['validate', 'recipes/amazon-linux-2023-stig-medium', '--format', 'json'], { cwd: root });
    expect(located(validation.stdout)).toEqual(['recipes/amazon-linux-2023-stig-medium/recipe.yaml:3:10 RB4003']);
    expect(validation.code).toBe(0);
  });

  it('resets local component versions, keeps managed ones, and copies component files byte for byte', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['new', 'al2023-web', '--from', 'recipes/al2023-hardened'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout: [
        'Created recipes/al2023-web from recipes/al2023-hardened:',
        '  recipes/al2023-web/README.md',
        '  recipes/al2023-web/components/harden-ssh.yaml',
        '  recipes/al2023-web/recipe.yaml',
        'Renamed from al2023-hardened: name, distribution.amiName, distribution.ssmParameter, tags.ami-bakery:recipe',
        'Version 1.0.0: recipe, components/harden-ssh.yaml',
        'No problems in 2 files.',
        '',
      ].join('\n'),
      stderr: '',
    });
    const recipe = readFileSync(path.join(root, 'recipes/al2023-web/recipe.yaml'), 'utf8');
    expect(recipe).toContain(
      '  - managed: update-linux\n    version: x.x.x\n  # Site policy, after the updates so no package resets it.\n  - file: components/harden-ssh.yaml\n    version: 1.0.0\n',
    );
    expect(recipe.split('\n').slice(0, 3)).toEqual([
      '# Amazon Linux 2023 with updates and a local SSH hardening component.',
      'name: al2023-web',
      'version: 1.0.0',
    ]);
  });

  it("leaves the source's image catalog behind: the new recipe has built no image", async () => {
    // Prepare
    const root = workspaceCopy();
    const catalog =
      'channels:\n  stable:\n    image: 1.0.0/1\n    amis: { us-east-1: ami-0123456789abcdef0 }\n    promotedAt: 2026-12-01T10:00:00Z\n';
    writeFileSync(path.join(root, 'recipes/al2023-hardened/catalog.yaml'), catalog);

    // Act
    const result = await bakery(['new', 'al2023-web', '--from', 'recipes/al2023-hardened'], { cwd: root });

    // Assess
    expect(result.stdout).not.toContain('catalog.yaml');
    expect(Object.keys(snapshotFiles(path.join(root, 'recipes/al2023-web'))).sort()).toEqual([
      'README.md',
      'components/harden-ssh.yaml',
      'recipe.yaml',
    ]);
    expect(readFileSync(path.join(root, 'recipes/al2023-hardened/catalog.yaml'), 'utf8')).toBe(catalog);
  });

  it('refuses to touch an existing folder', async () => {
    // Prepare
    const root = workspaceCopy();
    const before = snapshotFiles(path.join(root, 'recipes'));

    // Act
    const result = await bakery(['new', 'imds-optional', '--from', 'al2023-hardened'], { cwd: root });

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'bakery: recipes/imds-optional already exists; choose another name or remove that folder first.\n',
    });
    expect(snapshotFiles(path.join(root, 'recipes'))).toEqual(before);
  });

  it('refuses a source recipe with errors and creates nothing', async () => {
    // Prepare
    const root = workspaceCopy();

    // Act
    const result = await bakery(['new', 'imds-copy', '--from', 'imds-optional'], { cwd: root });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('bakery: recipes/imds-optional has errors; fix them before copying it (nothing was created):\n');
    expect(result.stdout).toContain('19:17  error  httpTokens: optional');
    expect(Object.keys(snapshotFiles(path.join(root, 'recipes'))).some((f) => f.startsWith('imds-copy'))).toBe(false);
  });

  describe('usage errors: one line on stderr, exit code 2', () => {
    it.each([
      {
        name: 'no name',
        argv: ['new', '--from', 'al2023-hardened'],
        stderr: "bakery: new needs the name of the recipe to create. Run 'bakery new --help'.\n",
      },
      { name: 'no --from', argv: ['new', 'al2023-web'], stderr: 'bakery: new needs --from RECIPE, the recipe to copy\n' },
      {
        name: 'a name the schema rejects',
        argv: ['new', 'Al2023_Web', '--from', 'al2023-hardened'],
        stderr:
          'bakery: invalid recipe name \'Al2023_Web\': Name is "Al2023_Web", which is not valid. Use lower-case letters, digits and single hyphens, starting and ending with a letter or digit, e.g. amazon-linux-2023-stig-high.\n',
      },
      {
        name: 'a name too short',
        argv: ['new', 'ab', '--from', 'al2023-hardened'],
        stderr:
          "bakery: invalid recipe name 'ab': Name is 2 characters long; it must be at least 3 characters. Use lower-case letters, digits and single hyphens, starting and ending with a letter or digit, e.g. amazon-linux-2023-stig-high.\n",
      },
      {
        name: 'an unknown source',
        argv: ['new', 'al2023-web', '--from', 'nope'],
        stderr: "bakery: no recipe 'nope': name a recipe folder, its recipe.yaml, or a recipe under recipes/.\n",
      },
    ])('$name', async ({ argv, stderr }) => {
      // Prepare
      const root = workspaceCopy();

      // Act
      const result = await bakery(argv, { cwd: root });

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr });
    });
  });
});
