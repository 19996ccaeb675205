import { describe, expect, it } from 'vitest';
import { formatPlan, type PublishPlan, type PublishTarget, requiredPermissions } from '../src/index.js';
import { commitMessage } from '../src/plan.js';

const base: PublishPlan = {
  target: 'codecommit://ami-bakery-recipes/main',
  base: '0f98b1f7eda33a4e9cfaab09506aa8094044085f',
  sourceCommit: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  add: [],
  change: [],
  delete: [],
  obsolete: [],
  unchanged: 6,
  drift: [],
  force: false,
  recipes: [],
  writes: 0,
  partial: false,
  allowDelete: false,
};

const blob = '0'.repeat(40);

describe('Function: formatPlan', () => {
  it.each([
    {
      case: 'a plan with additions, changes and deletions',
      plan: {
        ...base,
        add: [{ path: 'recipes/windows-server-2022-stig/template.yaml', size: 12_345, blobId: blob }],
        change: [{ path: 'manifest.json', size: 812, blobId: blob }],
        delete: ['recipes/ubuntu-pro-2204-cis-level1/template.yaml'],
        unchanged: 3,
        recipes: [
          { name: 'ubuntu-pro-2204-cis-level1', version: null, kind: 'removed' as const },
          { name: 'windows-server-2022-stig', version: '0.1.0', kind: 'added' as const },
        ],
        writes: 1,
      },
      text: [
        'Publish to codecommit://ami-bakery-recipes/main',
        '  base: 0f98b1f7eda33a4e9cfaab09506aa8094044085f',
        '  source commit: 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
        'Files:',
        '  ~ manifest.json (812 B)',
        '  - recipes/ubuntu-pro-2204-cis-level1/template.yaml',
        '  + recipes/windows-server-2022-stig/template.yaml (12.3 kB)',
        'Recipes:',
        '  ubuntu-pro-2204-cis-level1 (removed)',
        '  windows-server-2022-stig 0.1.0 (added)',
        '1 to add, 1 to change, 1 to delete, 3 unchanged; 1 commit.',
      ],
    },
    {
      case: 'nothing to publish',
      plan: { ...base, target: 's3://ami-bakery-source/source/bundle.zip', base: '"etag"', sourceCommit: null },
      text: [
        'Publish to s3://ami-bakery-source/source/bundle.zip',
        '  base: "etag"',
        '  source commit: unknown',
        'Nothing to publish: s3://ami-bakery-source/source/bundle.zip already holds this bundle (6 files).',
      ],
    },
    {
      case: 'a first publish refused for drift',
      plan: {
        ...base,
        base: null,
        change: [{ path: 'recipes/a/template.yaml', size: 2_500_000, blobId: blob }],
        drift: [{ path: 'recipes/a/template.yaml', kind: 'untracked' as const }],
        writes: 2,
      },
      text: [
        'Publish to codecommit://ami-bakery-recipes/main',
        '  base: none (first publish)',
        '  source commit: 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
        'Drift (publish refuses; fix it in the monorepo or pass --force):',
        '  ! recipes/a/template.yaml: not written by publish',
        'Files:',
        '  ~ recipes/a/template.yaml (2.5 MB)',
        '0 to add, 1 to change, 0 to delete, 6 unchanged; 2 commits.',
        'Refused: 1 file drifted.',
      ],
    },
    {
      case: 'forced drift',
      plan: {
        ...base,
        target: 's3://b/k',
        force: true,
        change: [{ path: 'recipes/a/template.yaml', size: 10, blobId: blob }],
        drift: [{ path: 'recipes/a/template.yaml', kind: 'modified' as const }],
        writes: 1,
      },
      text: [
        'Publish to s3://b/k',
        '  base: 0f98b1f7eda33a4e9cfaab09506aa8094044085f',
        '  source commit: 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
        'Drift (overwritten because of --force):',
        '  ! recipes/a/template.yaml: changed outside publish',
        'Files:',
        '  ~ recipes/a/template.yaml (10 B)',
        '0 to add, 1 to change, 0 to delete, 6 unchanged; 1 upload.',
      ],
    },
  ])('prints $case', ({ plan, text }) => {
    expect(formatPlan(plan)).toBe(`${text.join('\n')}\n`);
  });
});

describe('Function: commitMessage', () => {
  it.each([
    {
      case: 'one changed recipe',
      plan: {
        ...base,
        change: [{ path: 'recipes/a/template.yaml', size: 1, blobId: blob }],
        recipes: [{ name: 'a', version: '1.2.0', kind: 'changed' as const }],
      },
      part: undefined,
      subject: 'bakery publish: a 1.2.0 (source 1a2b3c4)',
    },
    {
      case: 'only the manifest, with no source commit',
      plan: { ...base, sourceCommit: null, change: [{ path: 'manifest.json', size: 1, blobId: blob }] },
      part: undefined,
      subject: 'bakery publish: manifest (source unknown)',
    },
    {
      case: 'more recipes than the subject names, in the second of three parts',
      plan: {
        ...base,
        recipes: ['a', 'b', 'c', 'd'].map((name) => ({ name, version: '1.0.0', kind: 'added' as const })),
      },
      part: { index: 2, count: 3 },
      subject: 'bakery publish: 4 recipes (source 1a2b3c4) [part 2/3]',
    },
  ])('names $case in the subject', ({ plan, part, subject }) => {
    expect(commitMessage(plan, part).split('\n')[0]).toBe(subject);
  });

  it('lists every recipe and the full source commit in the body', () => {
    // Prepare
    const plan: PublishPlan = {
      ...base,
      recipes: [
        { name: 'a', version: '1.0.0', kind: 'added' },
        { name: 'b', version: null, kind: 'removed' },
      ],
    };

    // Act & Assess
    expect(commitMessage(plan)).toBe(
      'bakery publish: a 1.0.0, remove b (source 1a2b3c4)\n\n' +
        'Source commit: 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d\nRecipes:\n  a 1.0.0 (added)\n  b (removed)\n',
    );
  });
});

describe('Function: requiredPermissions', () => {
  it.each<{ case: string; target: PublishTarget; permissions: unknown }>([
    {
      case: 'CodeCommit',
      target: { kind: 'codecommit', repositoryName: 'ami-bakery-recipes', branch: 'main' },
      permissions: [
        {
          actions: ['codecommit:CreateCommit', 'codecommit:GetBranch', 'codecommit:GetFile', 'codecommit:GetFolder'],
          resource: 'repository ami-bakery-recipes',
        },
      ],
    },
    {
      case: 'S3',
      target: { kind: 's3', bucket: 'ami-bakery-source', key: 'source/bundle.zip' },
      permissions: [
        { actions: ['s3:GetObject', 's3:PutObject'], resource: 'object source/bundle.zip in bucket ami-bakery-source' },
        { actions: ['s3:ListBucket'], resource: 'bucket ami-bakery-source' },
        {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resource: 'the KMS key of bucket ami-bakery-source, through S3 only (kms:ViaService)',
        },
      ],
    },
  ])('lists exactly the actions publish calls for $case', ({ target, permissions }) => {
    expect(requiredPermissions(target)).toEqual(permissions);
  });
});
