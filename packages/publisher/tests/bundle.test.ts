import { createHash } from 'node:crypto';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleNotFoundError, InvalidBundleError, readBundle } from '../src/index.js';
import { AL2023, bundleFiles, bytes, removeBundles, SOURCE, TEMPLATE_BODY, UBUNTU, writeBundle } from './helpers/bundle.js';

afterAll(removeBundles);

const TEMPLATE = `recipes/${AL2023}/template.yaml`;
const RECIPE_MANIFEST = `recipes/${AL2023}/manifest.json`;

/** `id recipe path` of every problem: what the tests compare. */
const named = (problems: readonly { id: string; recipe?: string; path?: string }[]) =>
  problems.map((p) => `${p.id} ${p.recipe ?? '-'} ${p.path ?? '-'}`);

function editJson(files: Map<string, Uint8Array>, file: string, change: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(new TextDecoder().decode(files.get(file))) as Record<string, unknown>;
  change(value);
  files.set(file, bytes(JSON.stringify(value)));
}

function editEntry(files: Map<string, Uint8Array>, change: (entry: Record<string, unknown>) => void): void {
  editJson(files, 'manifest.json', (m) => change((m.recipes as Record<string, unknown>[])[0] as Record<string, unknown>));
}

describe('Function: readBundle (the verifier of @ami-bakery/bundle, as the deployer runs it)', () => {
  it.each([
    {
      case: 'format version 1',
      change: (f: Map<string, Uint8Array>) => editJson(f, 'manifest.json', (m) => (m.formatVersion = 1)),
      problems: ['BUNDLE003 - manifest.json'],
    },
    {
      case: 'a template edited after bundling',
      change: (f: Map<string, Uint8Array>) => f.set(TEMPLATE, bytes(`# edited\n${TEMPLATE_BODY}`)),
      problems: [`BUNDLE013 ${AL2023} ${TEMPLATE}`],
    },
    {
      case: 'an edited version',
      change: (f: Map<string, Uint8Array>) => editEntry(f, (e) => (e.version = '9.9.9')),
      problems: [`BUNDLE014 ${AL2023} ${RECIPE_MANIFEST}`],
    },
    {
      case: 'an old bakery/ stack',
      change: (f: Map<string, Uint8Array>) => f.set('bakery/bakery-stack.template.json', bytes('{}')),
      problems: ['BUNDLE011 - bakery/bakery-stack.template.json'],
    },
    {
      case: 'a resource type no recipe may hold (consistent hashes)',
      change: (f: Map<string, Uint8Array>) => {
        const evil = bytes('Parameters:\n  ArtifactBucketName:\n    Type: String\nResources:\n  U:\n    Type: AWS::IAM::User\n');
        f.set(TEMPLATE, evil);
        editEntry(f, (e) => (e.templateHash = `sha256:${createHash('sha256').update(evil).digest('hex')}`));
      },
      problems: [`BUNDLE021 ${AL2023} ${TEMPLATE}`],
    },
  ])('refuses $case with the id the deployer gives it', async ({ change, problems }) => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    change(files);
    const dir = await writeBundle(files);

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidBundleError);
    expect(named((error as InvalidBundleError).problems)).toEqual(problems);
  });
});

describe('Function: readBundle', () => {
  it('returns every file as path → bytes, sorted, with the parsed manifest', async () => {
    // Prepare
    const files = bundleFiles([
      { name: UBUNTU, version: '1.0.0' },
      { name: AL2023, version: '1.2.0' },
    ]);
    const dir = await writeBundle(files);

    // Act
    const bundle = await readBundle(dir);

    // Assess
    expect([...bundle.files.keys()]).toEqual([
      'manifest.json',
      `recipes/${AL2023}/manifest.json`,
      `recipes/${AL2023}/template.yaml`,
      `recipes/${UBUNTU}/manifest.json`,
      `recipes/${UBUNTU}/template.yaml`,
    ]);
    expect(bundle.files.get(TEMPLATE)).toEqual(files.get(TEMPLATE));
    expect(bundle.manifest.sourceCommit).toBe(SOURCE);
    expect(bundle.manifest.partial).toBe(false);
    expect(bundle.manifest.recipes.map((r) => [r.name, r.version])).toEqual([
      [AL2023, '1.2.0'],
      [UBUNTU, '1.0.0'],
    ]);
  });

  it('refuses a folder without manifest.json, saying to run bakery bundle', async () => {
    // Prepare
    const dir = await writeBundle(new Map([['recipes/a/template.yaml', 'x']]));

    // Act & Assess
    await expect(readBundle(dir)).rejects.toThrow(BundleNotFoundError);
    await expect(readBundle(dir)).rejects.toThrow(
      `No bundle at ${dir}: manifest.json is missing. Run \`bakery bundle\` (or \`bakery build\`) first.`,
    );
    await expect(readBundle(path.join(dir, 'absent'))).rejects.toThrow(BundleNotFoundError);
  });

  it('refuses an inconsistent bundle, naming each problem, and says to bundle again', async () => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    files.delete(RECIPE_MANIFEST);
    const dir = await writeBundle(files);

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidBundleError);
    expect(named((error as InvalidBundleError).problems)).toEqual([`BUNDLE010 ${AL2023} ${RECIPE_MANIFEST}`]);
    expect((error as Error).message).toContain(`  - BUNDLE010 ${RECIPE_MANIFEST}: the recipe manifest is missing`);
    expect((error as Error).message).toContain('Run `bakery bundle` (or `bakery build`) again');
  });

  it.each([
    { case: 'a link to a file outside the bundle', target: '/etc/hostname' },
    { case: 'a link to a device', target: '/dev/zero' },
  ])('never reads through $case', async ({ target }) => {
    // Prepare
    const files = bundleFiles([{ name: AL2023, version: '1.0.0' }]);
    files.delete(TEMPLATE);
    const dir = await writeBundle(files);
    await symlink(target, path.join(dir, TEMPLATE));

    // Act
    const error = await readBundle(dir).catch((e: unknown) => e);

    // Assess
    expect(named((error as InvalidBundleError).problems)).toEqual([`BUNDLE012 - ${TEMPLATE}`, `BUNDLE010 ${AL2023} ${TEMPLATE}`]);
  });

  it('refuses a manifest.json that is a folder', async () => {
    // Prepare
    const dir = await writeBundle(new Map([['recipes/a/template.yaml', 'x']]));
    await mkdir(path.join(dir, 'manifest.json'));

    // Act & Assess
    await expect(readBundle(dir)).rejects.toThrow(BundleNotFoundError);
  });
});
