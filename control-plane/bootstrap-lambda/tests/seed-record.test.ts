import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSourceArtifactExtra, verifyBundle } from '@ami-bakery/bundle';
import { type ClientFactory, gitBlobId, publish, RECORD_PATH, readZip } from '@ami-bakery/publisher';
import {
  BranchDoesNotExistException,
  CodeCommitClient,
  CreateCommitCommand,
  FileDoesNotExistException,
  GetBranchCommand,
  GetFileCommand,
  GetFolderCommand,
} from '@aws-sdk/client-codecommit';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseProperties } from '../src/properties.js';
import { seedS3Source } from '../src/s3-source.js';
import { loadSeedBundle, seedRepository } from '../src/seed.js';
import type { BakerySession } from '../src/session.js';
import { awsError, properties, recordingLogger, SEED_DIR } from './helpers.js';

const BUNDLE_PATHS = [
  'manifest.json',
  'recipes/al2023-stig/manifest.json',
  'recipes/al2023-stig/template.yaml',
  'recipes/ubuntu-2204-cis/manifest.json',
  'recipes/ubuntu-2204-cis/template.yaml',
  'recipes/windows-2022-stig/manifest.json',
  'recipes/windows-2022-stig/template.yaml',
];

const seedClients = { codeCommit: new CodeCommitClient({ region: 'eu-central-1' }), s3: new S3Client({ region: 'eu-central-1' }) };
const publishClients = { codeCommit: new CodeCommitClient({ region: 'eu-central-1' }), s3: new S3Client({ region: 'eu-central-1' }) };
const seedCodeCommit = mockClient(seedClients.codeCommit);
const seedS3 = mockClient(seedClients.s3);
const targetCodeCommit = mockClient(publishClients.codeCommit);
const targetS3 = mockClient(publishClients.s3);

const factory: ClientFactory = {
  codeCommit: () => publishClients.codeCommit,
  s3: () => publishClients.s3,
  sts: () => new STSClient({ region: 'eu-central-1' }),
};

function session(): BakerySession {
  return {
    partition: 'aws',
    roleArn: 'configuration-role',
    where: '111122223333/eu-central-1',
    cloudFormation: undefined as never,
    codeCommit: seedClients.codeCommit,
    s3: seedClients.s3,
  };
}

/** Serves one commit holding `files` the way CodeCommit answers the publisher's reads. */
function serveBranch(files: ReadonlyMap<string, Uint8Array>): void {
  const head = 'seedcommit';
  targetCodeCommit.on(GetBranchCommand).resolves({ branch: { branchName: 'main', commitId: head } });
  targetCodeCommit.on(GetFolderCommand).callsFake((input) => {
    const folder = (input.folderPath ?? '').replace(/^\/+|\/+$/g, '');
    const prefix = folder === '' ? '' : `${folder}/`;
    const entries = [...files]
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, content]) => [path.slice(prefix.length), content] as const);
    return {
      commitId: head,
      files: entries.filter(([rest]) => !rest.includes('/')).map(([rest, content]) => ({ relativePath: rest, blobId: gitBlobId(content) })),
      subFolders: [...new Set(entries.filter(([rest]) => rest.includes('/')).map(([rest]) => rest.split('/')[0] as string))].map(
        (name) => ({ relativePath: name }),
      ),
    };
  });
  targetCodeCommit.on(GetFileCommand).callsFake((input) => {
    const content = files.get(input.filePath ?? '');
    if (!content) throw new FileDoesNotExistException({ message: 'no such file', $metadata: {} });
    return { commitId: head, fileContent: content };
  });
}

beforeEach(() => {
  for (const mock of [seedCodeCommit, seedS3, targetCodeCommit, targetS3]) mock.reset();
});

describe('seed: the publish record', () => {
  it("records every seeded bundle file by git blob id, with the manifest's recipes and source commit, and leaves the README out", async () => {
    // Act
    const bundle = await loadSeedBundle(SEED_DIR, parseProperties(properties()));

    // Assess
    expect(bundle.files.map((f) => f.path)).toEqual(['.bakery/published.json', 'README.md', ...BUNDLE_PATHS]);
    // Every recipe seeded: the packaged manifest as it is, not partial.
    expect(String(bundle.files.find((f) => f.path === 'manifest.json')?.content)).toBe(
      readFileSync(join(SEED_DIR, 'manifest.json'), 'utf8'),
    );
    const content = (path: string) => bundle.files.find((f) => f.path === path)?.content ?? Buffer.alloc(0);
    const record = content(RECORD_PATH).toString('utf8');
    expect(JSON.parse(record)).toEqual({
      complete: true,
      files: Object.fromEntries(BUNDLE_PATHS.map((path) => [path, gitBlobId(content(path))])),
      formatVersion: 1,
      recipes: [
        { name: 'al2023-stig', version: '1.0.0' },
        { name: 'ubuntu-2204-cis', version: '1.2.0' },
        { name: 'windows-2022-stig', version: '0.3.0' },
      ],
      sourceCommit: '0123456789abcdef0123456789abcdef01234567',
    });
    // Written by the publisher's own serializer: sorted keys, 2-space JSON, trailing newline.
    expect(record).toBe(`${JSON.stringify(JSON.parse(record), null, 2)}\n`);
    expect(record.startsWith('{\n  "complete": true,\n  "files": {\n    "manifest.json": ')).toBe(true);
  });

  it('records only the chosen recipes when SeedRecipes names a subset, in a partial bundle of format 2 the deployer accepts', async () => {
    // Act
    const bundle = await loadSeedBundle(SEED_DIR, parseProperties(properties({ SeedRecipes: 'ubuntu-2204-cis' })));

    // Assess
    const files = new Map(bundle.files.map((f) => [f.path, new Uint8Array(f.content)] as const));
    expect(verifyBundle(files, { allowExtra: isSourceArtifactExtra })).toEqual([]);
    const manifest = JSON.parse(String(files.get('manifest.json') ? Buffer.from(files.get('manifest.json') as Uint8Array) : ''));
    expect(manifest).toMatchObject({ formatVersion: 2, partial: true, retired: [] });
    expect(manifest.recipes.map((r: { name: string }) => r.name)).toEqual(['ubuntu-2204-cis']);
    const record = JSON.parse(String(bundle.files.find((f) => f.path === RECORD_PATH)?.content));
    expect(Object.keys(record.files)).toEqual([
      'manifest.json',
      'recipes/ubuntu-2204-cis/manifest.json',
      'recipes/ubuntu-2204-cis/template.yaml',
    ]);
    expect(record.recipes).toEqual([{ name: 'ubuntu-2204-cis', version: '1.2.0' }]);
  });

  it('lets the first publish after a CodeCommit seed go ahead without drift, keeping the README', async () => {
    // Prepare: seed one recipe, as a Create with SeedRecipes would.
    const props = parseProperties(properties({ SeedRecipes: 'al2023-stig' }));
    const bundle = await loadSeedBundle(SEED_DIR, props);
    seedCodeCommit.on(GetBranchCommand).rejects(new BranchDoesNotExistException({ message: 'no branch', $metadata: {} }));
    seedCodeCommit.on(CreateCommitCommand).resolves({ commitId: 'seedcommit' });
    await seedRepository(session(), props, bundle, new AbortController().signal, recordingLogger().logger);
    const committed = seedCodeCommit.commandCalls(CreateCommitCommand)[0]?.args[0].input.putFiles ?? [];
    expect(committed.map((f) => f.filePath)).toContain(RECORD_PATH);
    serveBranch(new Map(committed.map((f) => [f.filePath as string, f.fileContent as Uint8Array])));

    // Act: the monorepo publishes its full bundle (the seed directory is one).
    const result = await publish(
      {
        bundleDir: SEED_DIR,
        target: { kind: 'codecommit', repositoryName: 'ami-bakery-recipes', branch: 'main' },
        region: 'eu-central-1',
        dryRun: true,
      },
      { clients: factory },
    );

    // Assess
    expect(result.plan.drift).toEqual([]);
    expect(result.plan.add.map((f) => f.path)).toEqual([
      'recipes/ubuntu-2204-cis/manifest.json',
      'recipes/ubuntu-2204-cis/template.yaml',
      'recipes/windows-2022-stig/manifest.json',
      'recipes/windows-2022-stig/template.yaml',
    ]);
    // The seed's manifest lists one recipe and is partial; the bundle's lists three.
    expect(result.plan.change.map((f) => f.path)).toEqual(['manifest.json']);
    expect(result.plan.delete).toEqual([]);
    expect(result.plan.unchanged).toBe(2);
  });

  it('lets the first publish after an S3 seed go ahead without drift, keeping the README in the zip', async () => {
    // Prepare
    const props = parseProperties(properties({ SourceType: 'S3', SourceObjectKey: 'source/bundle.zip' }));
    const bundle = await loadSeedBundle(SEED_DIR, props);
    seedS3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
    seedS3.on(PutObjectCommand).resolves({});
    await seedS3Source(session(), 'artifacts', 'source/bundle.zip', bundle, new AbortController().signal, recordingLogger().logger);
    const zip = seedS3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as Buffer;
    expect([...readZip(zip).keys()]).toEqual(['.bakery/published.json', 'README.md', ...BUNDLE_PATHS]);
    // No publisher metadata on a seeded object: publish downloads it and reads the record inside.
    targetS3.on(HeadObjectCommand).resolves({ ETag: '"seeded"' });
    targetS3.on(GetObjectCommand).resolves({ ETag: '"seeded"', Body: { transformToByteArray: async () => new Uint8Array(zip) } as never });

    // Act
    const result = await publish(
      { bundleDir: SEED_DIR, target: { kind: 's3', bucket: 'artifacts', key: 'source/bundle.zip' }, region: 'eu-central-1', dryRun: true },
      { clients: factory },
    );

    // Assess
    // Every recipe was seeded: the seed is the bundle, byte for byte, and publish has nothing to write.
    expect(result.plan.drift).toEqual([]);
    expect(result.plan.add).toEqual([]);
    expect(result.plan.change).toEqual([]);
    expect(result.plan.delete).toEqual([]);
    expect(result.plan.unchanged).toBe(7);
    expect(Buffer.from(readZip(zip).get('manifest.json') ?? []).toString('utf8')).toBe(
      readFileSync(join(SEED_DIR, 'manifest.json'), 'utf8'),
    );
  });
});
