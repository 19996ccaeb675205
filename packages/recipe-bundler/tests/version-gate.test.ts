import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allRules } from '@ami-bakery/recipe-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { checkVersions, VERSION_RULES } from '../src/index.js';
import { copyFixture, tempDir } from './helpers/fixtures.js';
import { RecipeRepo } from './helpers/recipe-repo.js';

const RECIPE = 'recipe.yaml';
const CLEANUP = 'components/cleanup.yaml';
const AUDIT = 'components/audit.yaml';
const bumpRecipeVersion = (t: string) => t.replace('version: 1.2.0', 'version: 1.2.1');

let current: RecipeRepo | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

function readRecipe(r: RecipeRepo): string {
  return readFileSync(path.join(r.dir, r.relativeDir, RECIPE), 'utf8');
}

function repo(fixture = 'full-linux'): RecipeRepo {
  current = new RecipeRepo(fixture);
  return current;
}

describe('Rule: RB4001 version-not-bumped', () => {
  it('reports a recipe content change without a version bump at the version line', () => {
    // Prepare
    const r = repo();
    r.edit(RECIPE, (t) => t.replace('sizeGiB: 30', 'sizeGiB: 40'));

    // Act
    const findings = checkVersions(r.relativeDir, { base: r.base, cwd: r.dir });

    // Assess
    const line = r.lineOf(RECIPE, 'version: 1.2.0');
    expect(findings).toEqual([
      {
        ruleId: 'RB4001',
        slug: 'version-not-bumped',
        severity: 'error',
        message: `The image recipe changed since ${r.base} (build.rootVolume) but its version is still 1.2.0; Image Builder recipes are immutable per version. Run \`pnpm bakery bump full-linux\`.`,
        file: 'recipes/full-linux/recipe.yaml',
        range: { start: { line, column: 10 }, end: { line, column: 15 } },
        path: ['version'],
        source: 'bakery',
      },
    ]);
  });

  it.each([
    {
      name: 'content change with a recipe bump',
      edits: [[RECIPE, (t: string) => bumpRecipeVersion(t.replace('sizeGiB: 30', 'sizeGiB: 40'))]],
    },
    {
      name: 'comment-only change',
      edits: [[RECIPE, (t: string) => `# owned by the platform team\n${t.replace('sizeGiB: 30', 'sizeGiB: 30 # GiB')}`]],
    },
    {
      name: 'whitespace-only change',
      edits: [
        [
          RECIPE,
          (t: string) => t.replace('regions: [eu-west-1, eu-central-1]', 'regions: [ eu-west-1,   eu-central-1 ]').replaceAll('\n', '\n\n'),
        ],
      ],
    },
    { name: 'component comment and indentation change', edits: [[CLEANUP, (t: string) => `# cleanup\n${t.replaceAll('\n', '  \n')}`]] },
    {
      name: 'component change with component and recipe bumps',
      edits: [
        [CLEANUP, (t: string) => t.replace('dnf clean all', 'dnf clean packages')],
        [RECIPE, (t: string) => bumpRecipeVersion(t.replace('version: 2.0.0', 'version: 2.0.1'))],
      ],
    },
    { name: 'version bumped without content change', edits: [[RECIPE, bumpRecipeVersion]] },
    { name: 'no change at all', edits: [] },
  ] as { name: string; edits: [string, (t: string) => string][] }[])('is clean for a $name', ({ edits }) => {
    const r = repo();
    for (const [file, change] of edits) r.edit(file, change);
    expect(checkVersions(r.relativeDir, { base: r.base, cwd: r.dir })).toEqual([]);
  });

  it.each([
    {
      name: 'a build component',
      file: CLEANUP,
      edit: (t: string) => t.replace('dnf clean all', 'dnf clean packages'),
      entry: ['components', 3, 'version'],
      needle: 'version: 2.0.0',
      version: '2.0.0',
    },
    {
      name: 'a test component',
      file: AUDIT,
      edit: (t: string) => t.replace('sshd -t', 'sshd -T'),
      entry: ['tests', 1, 'version'],
      needle: 'version: 1.1.0',
      version: '1.1.0',
    },
  ])('reports a change to $name at its version entry in recipe.yaml', ({ file, edit, entry, needle, version }) => {
    // Prepare
    const r = repo();
    r.edit(file, edit);

    // Act
    const findings = checkVersions(r.relativeDir, { base: r.base, cwd: r.dir });

    // Assess
    const line = r.lineOf(RECIPE, needle);
    expect(findings.map(({ ruleId, path: p, range, file: f, message }) => ({ ruleId, path: p, range, file: f, message }))).toEqual([
      {
        ruleId: 'RB4001',
        path: entry,
        range: { start: { line, column: 14 }, end: { line, column: 19 } },
        file: 'recipes/full-linux/recipe.yaml',
        message: `Component ${file} changed since ${r.base} but its version is still ${version}; Image Builder components are immutable per version. Run \`pnpm bakery bump full-linux\`.`,
      },
    ]);
  });

  it('asks for a recipe bump once a component version was raised', () => {
    const r = repo();
    r.edit(CLEANUP, (t) => t.replace('dnf clean all', 'dnf clean packages'));
    r.edit(RECIPE, (t) => t.replace('version: 2.0.0', 'version: 2.0.1'));
    expect(checkVersions(r.relativeDir, { base: r.base, cwd: r.dir }).map((f) => [f.ruleId, f.path])).toEqual([['RB4001', ['version']]]);
  });

  it('says nothing about a recipe that is new since the base', () => {
    const r = repo();
    copyFixture('minimal', path.join(r.dir, 'recipes/minimal'));
    expect(checkVersions('recipes/minimal', { base: r.base, cwd: r.dir })).toEqual([]);
  });

  it('says nothing about a component the base recipe did not use', () => {
    const r = repo('minimal');
    r.write(
      'extra.yaml',
      'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: ExecuteBash\n        inputs:\n          commands: [echo a]\n',
    );
    r.edit(RECIPE, (t) =>
      t
        .replace('version: 0.1.0', 'version: 0.2.0')
        .replace('  - managed: update-linux', '  - managed: update-linux\n  - file: extra.yaml\n    version: 1.0.0'),
    );
    expect(checkVersions(r.relativeDir, { base: r.base, cwd: r.dir })).toEqual([]);
  });

  it('marks the finding suppressed when the recipe suppresses RB4001', () => {
    const r = repo('minimal');
    r.edit(
      RECIPE,
      (t) =>
        `${t.replace('  - managed: update-linux', '  - managed: update-linux\n  - managed: reboot-linux')}suppressions:\n  - id: RB4001\n    reason: re-deploying the same version on purpose in a sandbox\n`,
    );
    expect(checkVersions(r.relativeDir, { base: r.base, cwd: r.dir }).map((f) => [f.ruleId, f.suppressed])).toEqual([
      ['RB4001', { reason: 're-deploying the same version on purpose in a sandbox' }],
    ]);
  });
});

/** One edit of full-linux/recipe.yaml per field: what Image Builder fixes with the version, and what updates in place. */
const FIELDS: Array<{ field: string; edit: (t: string) => string; bump: boolean }> = [
  { field: 'description', edit: (t) => t.replace('DISA STIG high and site hardening', 'DISA STIG high, site hardening'), bump: true },
  { field: 'parentImage', edit: (t) => t.replace('al2023-ami-kernel-default-x86_64', 'al2023-ami-kernel-6.1-x86_64'), bump: true },
  { field: 'components (managed version)', edit: (t) => t.replace('version: 2025.1.x', 'version: 2025.2.x'), bump: true },
  { field: 'components (parameter value)', edit: (t) => t.replace('Level: high', 'Level: medium'), bump: true },
  {
    field: 'components (one more)',
    edit: (t) => t.replace('  - managed: update-linux', '  - managed: update-linux\n  - managed: aws-cli-version-2-linux'),
    bump: true,
  },
  { field: 'tests', edit: (t) => t.replace('  - managed: reboot-test-linux\n', ''), bump: true },
  { field: 'build.rootVolume', edit: (t) => t.replace('throughput: 250', 'throughput: 300'), bump: true },
  {
    field: 'build.workingDirectory',
    edit: (t) =>
      t.replace('  instanceTypes: [m6i.large, m5.large]', '  instanceTypes: [m6i.large, m5.large]\n  workingDirectory: /opt/imagebuilder'),
    bump: true,
  },
  { field: 'build.instanceTypes', edit: (t) => t.replace('[m6i.large, m5.large]', '[m7i.large, m6i.large]'), bump: false },
  { field: 'build.subnetId', edit: (t) => t.replace('subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'), bump: false },
  { field: 'build.instanceMetadata', edit: (t) => t.replace('httpPutResponseHopLimit: 1', 'httpPutResponseHopLimit: 2'), bump: false },
  { field: 'build.snsTopic', edit: (t) => t.replace('snsTopic: ami-bakery-builds', 'snsTopic: golden-ami-builds'), bump: false },
  {
    field: 'distribution.regions',
    edit: (t) => t.replace('[eu-west-1, eu-central-1]', '[eu-west-1, eu-central-1, eu-north-1]'),
    bump: false,
  },
  { field: 'distribution.amiTags', edit: (t) => t.replace('Compliance: stig-high', 'Compliance: stig-high-2026'), bump: false },
  {
    field: 'distribution.launchPermissions',
    edit: (t) => t.replace('accounts: ["444455556666"]', 'accounts: ["444455556666", "123456789012"]'),
    bump: false,
  },
  { field: 'schedule', edit: (t) => t.replace('cron(0 4 ? * sun *)', 'cron(0 2 ? * sat *)'), bump: false },
  { field: 'testing', edit: (t) => t.replace('timeoutMinutes: 120', 'timeoutMinutes: 90'), bump: false },
  { field: 'scanning', edit: (t) => t.replace('inspector: true', 'inspector: false'), bump: false },
  { field: 'lifecycle', edit: (t) => t.replace('keepLatest: 3', 'keepLatest: 5'), bump: false },
  { field: 'tags', edit: (t) => t.replace('Owner: cloud-team', 'Owner: platform-team'), bump: false },
  { field: 'suppressions', edit: (t) => `${t}suppressions:\n  - id: RB3010\n    reason: scanned by the security account\n`, bump: false },
];

describe('Rule: RB4001 asks for a bump only for content behind the version', () => {
  it.each(FIELDS)('$field changed without a bump: bump needed = $bump', ({ field, edit, bump }) => {
    // Prepare
    const r = repo();
    const before = readRecipe(r);
    r.edit(RECIPE, edit);
    expect(readRecipe(r)).not.toBe(before);

    // Act
    const findings = checkVersions(r.relativeDir, { base: r.base, cwd: r.dir });

    // Assess
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual(bump ? [['RB4001', ['version']]] : []);
    if (bump) expect(findings[0]?.message).toContain(`(${field.split(' ')[0]})`);
  });

  it('asks for the components to be bumped too when the platform changes (it is part of their identity)', () => {
    const r = repo();
    r.edit(RECIPE, (t) => t.replace('platform: linux', 'platform: windows'));
    expect(checkVersions(r.relativeDir, { base: r.base, cwd: r.dir }).map((f) => f.path.join('.'))).toEqual([
      'version',
      'components.2.version',
      'components.3.version',
      'tests.1.version',
    ]);
  });
});

describe('Rule: RB4002 version-decreased', () => {
  it.each([
    {
      name: 'the recipe version',
      file: RECIPE,
      edit: (t: string) => t.replace('version: 1.2.0', 'version: 1.1.9'),
      path: ['version'],
      needle: 'version: 1.1.9',
      column: 10,
    },
    {
      name: 'a component version',
      file: RECIPE,
      edit: (t: string) => bumpRecipeVersion(t.replace('version: 1.0.3', 'version: 1.0.2')),
      path: ['components', 2, 'version'],
      needle: 'version: 1.0.2',
      column: 14,
    },
  ])('reports $name going down, even without a content change', ({ file, edit, path: p, needle, column }) => {
    const r = repo();
    r.edit(file, edit);
    const findings = checkVersions(r.relativeDir, { base: r.base, cwd: r.dir });
    const line = r.lineOf(RECIPE, needle);
    expect(findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, path: f.path, start: f.range.start }))).toEqual([
      { ruleId: 'RB4002', severity: 'error', path: p, start: { line, column } },
    ]);
    expect(findings[0]?.message).toContain('pnpm bakery bump full-linux');
  });
});

describe('Rule: RB4003 version-gate-skipped', () => {
  it('gives one info finding outside a git repository', () => {
    const { dir, cleanup } = tempDir('bakery-nogit');
    try {
      copyFixture('minimal', path.join(dir, 'minimal'));
      const findings = checkVersions('minimal', { cwd: dir, env: {} });
      expect(findings.map((f) => [f.ruleId, f.severity, f.file, f.path])).toEqual([['RB4003', 'info', 'minimal/recipe.yaml', ['version']]]);
      expect(findings[0]?.message).toMatch(/^Version gate skipped: .* is not inside a git work tree/);
    } finally {
      cleanup();
    }
  });

  // The environment is always given: the suite itself runs with CI=true on CI.
  it.each([
    {
      where: 'outside CI',
      env: {},
      expected: [
        'RB4003',
        'info',
        'Version gate skipped: git does not know the base ref "no-such-branch". Set BAKERY_BASE to the ref to compare with.',
      ],
    },
    {
      where: 'on CI (CI=true), as an error',
      env: { CI: 'true' },
      expected: [
        'RB4004',
        'error',
        'The version gate cannot run on CI: git does not know the base ref "no-such-branch". Give the job the full git history (actions/checkout with fetch-depth: 0, or git fetch --unshallow origin) and a base git knows (BAKERY_BASE or NX_BASE).',
      ],
    },
  ])('gives one finding for an unknown base $where', ({ env, expected }) => {
    const r = repo('minimal');
    const findings = checkVersions(r.relativeDir, { base: 'no-such-branch', cwd: r.dir, env });
    expect(findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([expected]);
  });
});

describe('checkVersions: base resolution', () => {
  const changeWithoutBump = (r: RecipeRepo) =>
    r.edit(RECIPE, (t) => t.replace('  - managed: update-linux', '  - managed: update-linux\n  - managed: reboot-linux'));

  it.each([
    { name: 'BAKERY_BASE', env: (base: string) => ({ BAKERY_BASE: base, NX_BASE: 'no-such-ref' }) },
    { name: 'NX_BASE', env: (base: string) => ({ NX_BASE: base }) },
  ])('uses $name when no base is given', ({ env }) => {
    const r = repo('minimal');
    changeWithoutBump(r);
    r.repo.commitAll('change');
    expect(checkVersions(r.relativeDir, { cwd: r.dir, env: env(r.base) }).map((f) => f.ruleId)).toEqual(['RB4001']);
  });

  it('falls back to the merge-base of HEAD with main', () => {
    // Prepare: the change is committed on a feature branch
    const r = repo('minimal');
    r.repo.git('checkout', '-q', '-b', 'feature');
    changeWithoutBump(r);
    r.repo.commitAll('change on feature');

    // Act
    const findings = checkVersions(r.relativeDir, { cwd: r.dir, env: {} });

    // Assess
    expect(findings.map((f) => [f.ruleId, f.message.includes('merge-base(HEAD, main)')])).toEqual([['RB4001', true]]);
  });
});

describe('VERSION_RULES', () => {
  it('registers RB4001-RB4003 with the rule registry', () => {
    const ids = allRules()
      .filter((rule) => rule.id.startsWith('RB4'))
      .map(({ id, slug, severity, description }) => ({ id, slug, severity, description }));
    expect(ids).toEqual(Object.values(VERSION_RULES).map(({ id, slug, severity, description }) => ({ id, slug, severity, description })));
  });
});
