/**
 * catalog.yaml next to recipe.yaml: the schema (RB1xxx) and the catalog rules (RB7xxx), each
 * finding with its id, its path in catalog.yaml and its line:column there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules, catalogRules, promotionThreshold, validateFile, validateRecipeFile } from '../../src/index.js';

const temp = mkdtempSync(path.join(tmpdir(), 'bakery-catalog-rules-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const RECIPE = `name: web
version: 1.2.0
platform: linux
architecture: x86_64
parentImage:
  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
components:
  - managed: update-linux
build:
  instanceTypes:
    - m7i.large
distribution:
  regions: [eu-west-1, us-east-1]
`;

const STABLE = `channels:
  stable:
    image: 1.2.0/3
    amis: { eu-west-1: ami-0123456789abcdef0, us-east-1: ami-0fedcba9876543210 }
    score: 98.5
    promotedAt: 2026-12-02T10:00:00Z
`;

let counter = 0;
/** A workspace folder with recipes/web/{recipe.yaml,catalog.yaml} (and extra files); returns the recipe file. */
function recipeWith(
  catalog: string,
  options: { recipe?: string; files?: Record<string, string> } = {},
): { recipeFile: string; cwd: string } {
  counter += 1;
  const cwd = path.join(temp, String(counter));
  const dir = path.join(cwd, 'recipes', 'web');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'recipe.yaml'), options.recipe ?? RECIPE);
  writeFileSync(path.join(dir, 'catalog.yaml'), catalog);
  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return { recipeFile: path.join(dir, 'recipe.yaml'), cwd };
}

function catalogFindings(catalog: string, options: { recipe?: string; files?: Record<string, string> } = {}) {
  const { recipeFile, cwd } = recipeWith(catalog, options);
  return validateRecipeFile(recipeFile, { cwd })
    .findings.filter((f) => f.file === 'recipes/web/catalog.yaml')
    .map((f) => ({
      id: f.ruleId,
      path: f.path.join('.'),
      at: `${f.range.start.line}:${f.range.start.column}`,
      severity: f.severity,
      message: f.message,
    }));
}

const WITH_SCAN = RECIPE.replace(
  '  - managed: update-linux\n',
  '  - managed: update-linux\n  - generate: scap-evidence\n    table: compliance/scan.yaml\n    version: 1.0.0\n',
);

interface Case {
  name: string;
  catalog: string;
  recipe?: string;
  files?: Record<string, string>;
  /** [id, path, line:col, a phrase of the message] */
  expected: [string, string, string, string][];
}

const CASES: Case[] = [
  {
    name: 'a promoted image and a revoked one',
    catalog: `${STABLE}revoked:\n  - image: 1.1.0/2\n    amis: { eu-west-1: ami-0aaaaaaaaaaaaaaa1 }\n    reason: CVE-2026-1234 in openssl\n    disable: false\n    revokedAt: 2026-12-02T11:00:00Z\n`,
    expected: [],
  },
  { name: 'an empty file', catalog: '', expected: [] },
  {
    name: 'an undeclared channel and candidate',
    catalog: `${STABLE}  beta:\n    image: 1.2.0/3\n    amis: { eu-west-1: ami-0123456789abcdef0, us-east-1: ami-0fedcba9876543210 }\n    promotedAt: 2026-12-02T10:00:00Z\n  candidate:\n    image: 1.2.0/3\n    amis: { eu-west-1: ami-0123456789abcdef0, us-east-1: ami-0fedcba9876543210 }\n    promotedAt: 2026-12-02T10:00:00Z\n`,
    expected: [
      ['RB7001', 'channels.beta', '7:3', 'add it to catalog.channels in recipe.yaml'],
      ['RB7001', 'channels.candidate', '11:3', 'promote to stable or a declared channel'],
    ],
  },
  {
    name: 'a declared channel',
    recipe: `${RECIPE}catalog:\n  channels: [stable, beta]\n`,
    catalog: STABLE.replace('stable:', 'beta:'),
    expected: [],
  },
  {
    name: 'an entry without a recorded build',
    catalog: 'channels:\n  stable:\n    image: 1.2.0/4\n    promotedAt: 2026-12-02T10:00:00Z\n',
    expected: [['RB7002', 'channels.stable', '2:3', 'Write it with bakery promote <recipe> <image> --channel stable']],
  },
  {
    name: 'a score below the scan threshold',
    recipe: WITH_SCAN,
    files: { 'compliance/scan.yaml': 'minimumScore: 99\n' },
    catalog: STABLE,
    expected: [['RB7003', 'channels.stable.score', '5:12', 'below 99 (minimumScore of compliance/scan.yaml)']],
  },
  {
    name: 'no score though the recipe scans',
    recipe: `${RECIPE}catalog:\n  minimumScore: 95\n`,
    catalog: STABLE.replace('    score: 98.5\n', ''),
    expected: [['RB7003', 'channels.stable', '2:3', 'need 95 (catalog.minimumScore in recipe.yaml)']],
  },
  {
    name: 'a channel on a revoked image',
    catalog: `${STABLE}revoked:\n  - image: 1.2.0/3\n    amis: { eu-west-1: ami-0123456789abcdef0 }\n    reason: broken sshd\n    revokedAt: 2026-12-02T11:00:00Z\n`,
    expected: [['RB7004', 'channels.stable.image', '3:12', 'promote another image (bakery promote) or unrevoke it']],
  },
  {
    name: 'an image newer than the recipe',
    catalog: STABLE.replace('1.2.0/3', '1.3.0/1'),
    expected: [['RB7005', 'channels.stable.image', '3:12', "above the recipe's 1.2.0"]],
  },
  {
    name: 'a region of the distribution without an AMI',
    catalog: STABLE.replace(', us-east-1: ami-0fedcba9876543210', ''),
    expected: [['RB7006', 'channels.stable.amis', '4:5', 'No AMI for us-east-1']],
  },
  {
    name: 'an image revoked twice',
    catalog:
      'revoked:\n  - image: 1.1.0/2\n    amis: { eu-west-1: ami-0aaaaaaaaaaaaaaa1 }\n    reason: a\n    revokedAt: 2026-12-02T11:00:00Z\n  - image: 1.1.0/2\n    amis: { eu-west-1: ami-0aaaaaaaaaaaaaaa1 }\n    reason: b\n    revokedAt: 2026-12-02T12:00:00Z\n',
    expected: [['RB7007', 'revoked.1.image', '6:12', 'revoked already (revoked[0])']],
  },
  {
    name: 'malformed ids, region, time and reason',
    catalog:
      'channels:\n  Stable:\n    image: latest\n    promotedAt: yesterday\n  stable:\n    image: 1.2/3\n    amis: { Ireland: ami-0123456789abcdef0, us-east-1: ami-XYZ }\n    promotedAt: 2026-12-02 10:00\nrevoked:\n  - image: 1.1.0/2\n    amis: { eu-west-1: ami-0aaaaaaaaaaaaaaa1 }\n    reason: ""\n    revokedAt: 2026-12-02T11:00:00Z\n',
    expected: [
      ['RB1002', 'channels.Stable', '2:3', 'Channel names are a lower-case letter'],
      ['RB1005', 'channels.stable.image', '6:12', 'Write the image build version as <recipe version>/<build number>'],
      ['RB7006', 'channels.stable.amis', '7:5', 'No AMI for eu-west-1'],
      ['RB1002', 'channels.stable.amis.Ireland', '7:13', 'Map each region code'],
      ['RB1005', 'channels.stable.amis.us-east-1', '7:56', 'Write an AMI id'],
      ['RB1005', 'channels.stable.promotedAt', '8:17', 'Write a UTC time such as 2026-12-02T10:00:00Z'],
      ['RB1005', 'revoked.0.reason', '12:13', 'Give the reason on one line'],
    ],
  },
  { name: 'an unknown key', catalog: `${STABLE}pinned: true\n`, expected: [['RB1002', 'pinned', '7:1', "Unknown property 'pinned'"]] },
  { name: 'not YAML', catalog: 'channels: [\n', expected: [['RB0001', '', '1:11', '']] },
];

describe('Validation: recipes/<name>/catalog.yaml', () => {
  it.each(CASES)('$name', ({ catalog, recipe, files, expected }) => {
    // Act
    const findings = catalogFindings(catalog, { ...(recipe ? { recipe } : {}), ...(files ? { files } : {}) });
    // Assess
    expect(findings.map((f) => [f.id, f.path, f.at])).toEqual(expected.map(([id, p, at]) => [id, p, at]));
    findings.forEach((f, i) => {
      expect(f.message).toContain((expected[i] as [string, string, string, string])[3]);
    });
  });

  it('a recipe suppression does not silence a catalog finding', () => {
    // Act
    const findings = catalogFindings(STABLE.replace('1.2.0/3', '1.3.0/1'), {
      recipe: `${RECIPE}suppressions:\n  - id: RB7005\n    reason: trying\n`,
    });
    // Assess
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['RB7005', 'error']]);
  });

  it('catalog.yaml named on its own is checked with the recipe beside it', () => {
    // Prepare
    const { recipeFile, cwd } = recipeWith(STABLE.replace('stable:', 'beta:'));
    // Act
    const result = validateFile(path.join(path.dirname(recipeFile), 'catalog.yaml'), { cwd });
    // Assess
    expect(result.kind).toBe('catalog');
    expect(result.findings.map((f) => [f.ruleId, f.file, f.path.join('.')])).toEqual([
      ['RB7001', 'recipes/web/catalog.yaml', 'channels.beta'],
    ]);
  });
});

describe('Function: promotionThreshold', () => {
  it.each([
    { name: 'no scan, no minimum', recipe: {}, expected: undefined },
    { name: 'usg-tailoring', recipe: { components: [{ generate: 'usg-tailoring', table: 't.yaml' }] }, expected: 100 },
    {
      name: 'a stricter minimum than the scan',
      recipe: { catalog: { minimumScore: 95 }, components: [{ generate: 'scap-evidence', table: 'missing.yaml' }] },
      expected: 95,
    },
    {
      name: 'a laxer minimum than the scan',
      recipe: { catalog: { minimumScore: 50 }, tests: [{ generate: 'windows-controls', table: 't.yaml' }] },
      expected: 100,
    },
  ])('$name', ({ recipe, expected }) => {
    expect(promotionThreshold(recipe, temp)?.score).toBe(expected);
  });
});

describe('Registry: catalog rules', () => {
  it('every catalog rule has an RB7 id and is in the registry', () => {
    const ids = new Set(allRules().map((r) => r.id));
    expect(catalogRules.map((r) => r.id)).toEqual(['RB7001', 'RB7002', 'RB7003', 'RB7004', 'RB7005', 'RB7006', 'RB7007']);
    expect(catalogRules.every((r) => ids.has(r.id) && r.example && r.fix)).toBe(true);
  });
});
