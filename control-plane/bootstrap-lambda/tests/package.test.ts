import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { bundleFiles } from '@ami-bakery/bundle';
import { describe, expect, it } from 'vitest';
import { PackageError } from '../src/errors.js';
import { parseProperties } from '../src/properties.js';
import { loadSeedBundle } from '../src/seed.js';
import { loadShipped } from '../src/shipped.js';
import { loadTemplate, stackParameters } from '../src/template.js';
import { deterministicZip } from '../src/zip.js';
import { properties, SEED_DIR, SHIPPED_DIR, tempDir } from './helpers.js';

describe('parseProperties', () => {
  it('fills the contract defaults for optional properties', () => {
    // Act
    const props = parseProperties(
      properties({
        NamePrefix: undefined,
        RepositoryName: undefined,
        BranchName: '',
        SourceType: undefined,
        SeedRecipes: undefined,
        Purge: undefined,
        SolutionVersion: undefined,
      }),
    );

    // Assess
    expect(props).toEqual({
      bakeryAccountId: '111122223333',
      bakeryRegion: 'eu-central-1',
      configurationRoleName: 'ami-bakery-configuration',
      bakeryStackName: 'ami-bakery',
      namePrefix: 'ami-bakery',
      repositoryName: 'ami-bakery-recipes',
      branchName: 'main',
      sourceType: 'CodeCommit',
      sourceObjectKey: 'source/bundle.zip',
      recipeStackPrefix: 'ami-bakery-recipe-',
      organizationId: 'o-abcdef1234',
      managementAccountId: '999988887777',
      seedRecipes: 'all',
      purge: false,
      solutionVersion: 'unversioned',
      prune: 'true',
      deployConcurrency: '4',
      evidenceLockMode: 'NONE',
      evidenceLockDays: '365',
      notificationEmail: '',
    });
  });

  it.each([
    { name: 'Purge as TRUE', input: { Purge: 'TRUE' }, key: 'purge', value: true },
    { name: 'Purge as a boolean', input: { Purge: true }, key: 'purge', value: true },
    {
      name: 'recipes deduplicated and sorted',
      input: { SeedRecipes: 'b-recipe,a-recipe,b-recipe' },
      key: 'seedRecipes',
      value: ['a-recipe', 'b-recipe'],
    },
    { name: 'GovCloud region', input: { BakeryRegion: 'us-gov-west-1' }, key: 'bakeryRegion', value: 'us-gov-west-1' },
    { name: 'branch with a slash', input: { BranchName: 'release/v1' }, key: 'branchName', value: 'release/v1' },
    { name: 'the CloudFormation-defined ServiceTimeout', input: { ServiceTimeout: '900' }, key: 'bakeryStackName', value: 'ami-bakery' },
    {
      name: 'a notification e-mail address',
      input: { NotificationEmail: 'platform@example.com' },
      key: 'notificationEmail',
      value: 'platform@example.com',
    },
  ])('accepts $name', ({ input, key, value }) => {
    // Act
    const props = parseProperties(properties(input)) as unknown as Record<string, unknown>;

    // Assess
    expect(props[key]).toEqual(value);
  });

  it.each([
    { name: 'not an object', input: 'x', problem: 'ResourceProperties is missing or not an object' },
    {
      name: 'several problems at once',
      input: properties({ BakeryAccountId: 'x', OrganizationId: undefined }),
      problem: 'BakeryAccountId "x" is invalid',
    },
    {
      name: 'a list where a string belongs',
      input: properties({ SeedRecipes: ['a'] }),
      problem: 'SeedRecipes must be a string, got a list',
    },
    {
      name: 'a repository named .git',
      input: properties({ RepositoryName: 'recipes.git' }),
      problem: 'RepositoryName "recipes.git" ends in ".git"',
    },
    { name: 'a branch with ".."', input: properties({ BranchName: 'a..b' }), problem: 'BranchName "a..b" is not a valid git branch name' },
    {
      name: 'a name prefix with "--"',
      input: properties({ NamePrefix: 'ami--bakery' }),
      problem: 'NamePrefix "ami--bakery" contains "--"',
    },
    {
      name: 'a source key without .zip',
      input: properties({ SourceObjectKey: 'source/bundle.tar' }),
      problem: 'SourceObjectKey "source/bundle.tar" must end in .zip',
    },
    {
      name: 'a stack name starting with a digit',
      input: properties({ BakeryStackName: '1bakery' }),
      problem: 'BakeryStackName "1bakery" is invalid',
    },
    {
      name: 'two notification e-mail addresses',
      input: properties({ NotificationEmail: 'a@example.com,b@example.com' }),
      problem: 'NotificationEmail "a@example.com,b@example.com" is invalid: give one e-mail address',
    },
  ])('rejects $name', ({ input, problem }) => {
    // Act
    const parse = () => parseProperties(input);

    // Assess
    expect(parse).toThrow(problem);
  });

  it('lists every problem in one message', () => {
    // Act
    let message = '';
    try {
      parseProperties(properties({ BakeryAccountId: 'x', OrganizationId: undefined }));
    } catch (error) {
      message = (error as Error).message;
    }

    // Assess
    expect(message).toBe(
      'Invalid custom-resource properties: BakeryAccountId "x" is invalid: give the bakery account id as 12 digits; OrganizationId is required and missing or empty: give the organization id, o- followed by 10-32 lowercase letters or digits',
    );
  });
});

describe('bakery template', () => {
  it('passes only the parameters the template declares', async () => {
    // Prepare
    const dir = tempDir('bootstrap-tpl-');
    const path = join(dir, 't.json');
    writeFileSync(
      path,
      JSON.stringify({ Parameters: { BranchName: { Type: 'String' }, Extra: { Type: 'String', Default: 'x' } }, Resources: {} }, null, 2),
    );

    // Act
    const template = await loadTemplate(path);
    const parameters = stackParameters(template, parseProperties(properties()));

    // Assess
    expect(parameters).toEqual([{ ParameterKey: 'BranchName', ParameterValue: 'main' }]);
    expect(template.body).toBe('{"Parameters":{"BranchName":{"Type":"String"},"Extra":{"Type":"String","Default":"x"}},"Resources":{}}');
  });

  it('reports a missing template with the command that builds it', async () => {
    // Act
    const load = loadTemplate(join(tmpdir(), 'nope', 'bakery-stack.template.json'));

    // Assess
    await expect(load).rejects.toThrow(PackageError);
    await expect(load).rejects.toThrow(
      'rebuild the package with "pnpm --filter @ami-bakery/bootstrap-lambda build" after synthesizing control-plane/bakery-stack',
    );
  });
});

describe('seed bundle', () => {
  it('refuses a packaged seed the deployer would refuse (a bakery/ folder of bundle format 1), naming the problem', async () => {
    // Prepare: an older bundle that still has the bakery/ folder (build.mjs leaves it out; a hand-made package may not).
    const dir = tempDir('bootstrap-seed-');
    cpSync(SEED_DIR, dir, { recursive: true });
    mkdirSync(join(dir, 'bakery'), { recursive: true });
    writeFileSync(join(dir, 'bakery', 'bakery-stack.template.json'), '{"Resources":{}}');

    // Act
    const load = loadSeedBundle(dir, parseProperties(properties({ SeedRecipes: 'al2023-stig' })));

    // Assess
    await expect(load).rejects.toThrow(PackageError);
    await expect(load).rejects.toThrow('BUNDLE011 bakery/bakery-stack.template.json');
  });

  it('refuses a CodeCommit seed larger than one commit allows', async () => {
    // Prepare: 50 recipes, 101 bundle files with the manifest.
    const dir = tempDir('bootstrap-seed-');
    const names = Array.from({ length: 50 }, (_, i) => `recipe-${String(i).padStart(2, '0')}`);
    const files = bundleFiles(
      names.map((name) => ({
        name,
        version: '1.0.0',
        stackName: `ami-bakery-recipe-${name}`,
        contentHash: `sha256:${'a'.repeat(64)}`,
        templateText: 'Resources:\n  C:\n    Type: AWS::ImageBuilder::Component\n',
        parameters: [],
        buildOnVersionChange: true,
        recipeManifest: { name, version: '1.0.0', stackName: `ami-bakery-recipe-${name}`, contentHash: `sha256:${'a'.repeat(64)}` },
      })),
      { sourceCommit: null, partial: false, retired: [] },
    );
    for (const [path, content] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }

    // Act
    const codeCommit = loadSeedBundle(dir, parseProperties(properties()));
    const s3 = loadSeedBundle(dir, parseProperties(properties({ SourceType: 'S3' })));

    // Assess
    await expect(codeCommit).rejects.toThrow(
      'exceeds one CodeCommit commit (100 files, 6291456 bytes): seed fewer recipes with SeedRecipes',
    );
    await expect(s3).resolves.toMatchObject({ recipes: names });
  });
});

/** Reads a stored or deflated zip through its central directory. */
function readZip(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString();
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString());
    at += 46 + nameLength;
  }
  return files;
}

describe('deterministicZip', () => {
  const entries = [
    { path: 'b.txt', content: Buffer.from('bee\n') },
    { path: 'a/ü.yaml', content: Buffer.from('key: value\n') },
  ];

  it('gives byte-identical archives for the same files in any order', () => {
    // Act
    const one = deterministicZip(entries);
    const two = deterministicZip([...entries].reverse());

    // Assess
    expect(one.equals(two)).toBe(true);
    expect([...readZip(one)]).toEqual([
      ['a/ü.yaml', 'key: value\n'],
      ['b.txt', 'bee\n'],
    ]);
  });

  it('is a valid archive for a standard zip reader', () => {
    // Prepare
    const python = spawnSync('python3', ['--version']);
    if (python.status !== 0) {
      if (process.env.CI === 'true') throw new Error('python3 is missing: CI needs it to check the zip format');
      console.warn('python3 not found: skipping the standard zip reader check');
      return;
    }
    const dir = tempDir('bootstrap-zip-');
    const file = join(dir, 'seed.zip');
    writeFileSync(file, deterministicZip(entries));

    // Act
    const out = spawnSync(
      'python3',
      [
        '-c',
        'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(";".join(f"{i.filename}={z.read(i).decode()!r}" for i in z.infolist()))',
        file,
      ],
      { encoding: 'utf8' },
    );

    // Assess
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe("a/ü.yaml='key: value\\n';b.txt='bee\\n'");
  });
});

describe('shipped control-plane code', () => {
  it('zips the deployer, the image-events function and the Guard rules under content-hash keys, the same for the same files', async () => {
    // Act
    const one = await loadShipped(SHIPPED_DIR);
    const two = await loadShipped(SHIPPED_DIR);

    // Assess
    expect(one.deployer.key).toMatch(/^deployer\/[0-9a-f]{64}\.zip$/);
    expect(one.imageEvents.key).toMatch(/^image-events\/[0-9a-f]{64}\.zip$/);
    expect(two.imageEvents.key).toBe(one.imageEvents.key);
    expect(one.guardRules.key).toMatch(/^guard-rules\/[0-9a-f]{64}\.zip$/);
    expect(two.deployer.key).toBe(one.deployer.key);
    expect(two.guardRules.body.equals(one.guardRules.body)).toBe(true);
    expect(one.guardRules.what).toBe('Guard rules (no-public-ami.guard)');
  });

  it('zips the whole deployer build, the Guard evaluator next to the handler included', async () => {
    // Act
    const shipped = await loadShipped(SHIPPED_DIR);

    // Assess
    expect([...readZip(shipped.deployer.body).keys()]).toEqual([
      'cloudformation-validate/index.js',
      'cloudformation-validate/package.json',
      'index.mjs',
    ]);
  });

  it.each([
    { name: 'the deployer', remove: 'deployer', message: 'lacks index.mjs, cloudformation-validate/package.json' },
    {
      name: 'the Guard evaluator of the deployer',
      remove: 'cloudformation-validate',
      message: 'lacks cloudformation-validate/package.json',
    },
    { name: 'the image-events function', remove: 'image-events', message: 'The image-events function is missing from the Lambda package' },
    { name: 'the Guard rules', remove: 'guard-rules', message: 'The Guard rules are missing from the Lambda package' },
  ])('refuses a package without $name, naming the build command', async ({ remove, message }) => {
    // Prepare
    const dir = tempDir('bootstrap-shipped-');
    cpSync(SHIPPED_DIR, dir, { recursive: true, filter: (src) => !src.includes(remove) });

    // Act
    const load = loadShipped(dir);

    // Assess
    await expect(load).rejects.toThrow(message);
    await expect(load).rejects.toThrow('pnpm --filter @ami-bakery/');
  });
});
