import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recipeRules } from '../../src/rules/recipe/index.js';
import type { Finding, JsonPath } from '../../src/types.js';
import { validateRecipeFile } from '../../src/validate.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/recipe/', import.meta.url));

interface Expected {
  path: JsonPath;
  line: number;
  column: number;
  /** A phrase the message must contain: the part that tells the author what to do. */
  says: string;
}

interface RuleCase {
  id: string;
  slug: string;
  severity: 'error' | 'warning';
  /** Fixtures the rule must accept. */
  good: string[];
  /** Fixtures the rule must reject, with the one finding each must produce. */
  bad: Record<string, Expected>;
}

const CASES: RuleCase[] = [
  {
    id: 'RB3001',
    slug: 'parent-image-platform',
    severity: 'error',
    good: ['good-baseline', 'good-arm64-graviton', 'good-managed-image-arm64', 'good-windows'],
    bad: {
      'RB3001-windows-parent-on-linux': { path: ['parentImage', 'ssmParameter'], line: 7, column: 17, says: 'or set platform: windows' },
      'RB3001-arm64-managed-image-on-x86': {
        path: ['parentImage', 'managedImage'],
        line: 7,
        column: 17,
        says: "use the x86_64 variant 'amazon-linux-2023-x86/x.x.x'",
      },
    },
  },
  {
    id: 'RB3002',
    slug: 'instance-type-architecture',
    severity: 'error',
    good: ['good-baseline', 'good-arm64-graviton', 'good-managed-image-arm64'],
    bad: {
      'RB3002-graviton-on-x86': {
        path: ['build', 'instanceTypes', 1],
        line: 15,
        column: 7,
        says: 'r7gd.xlarge is a Graviton (arm64) instance type',
      },
      'RB3002-intel-on-arm64': { path: ['build', 'instanceTypes', 1], line: 13, column: 30, says: 'use a Graviton type such as m7g.large' },
    },
  },
  {
    id: 'RB3003',
    slug: 'imdsv2-required',
    severity: 'error',
    good: ['good-baseline', 'good-secure-build'],
    bad: { 'RB3003-imdsv1': { path: ['build', 'instanceMetadata', 'httpTokens'], line: 16, column: 17, says: 'set httpTokens: required' } },
  },
  {
    id: 'RB3004',
    slug: 'ebs-encryption',
    severity: 'error',
    good: ['good-baseline', 'good-secure-build'],
    bad: { 'RB3004-unencrypted-root': { path: ['build', 'rootVolume', 'encrypted'], line: 17, column: 16, says: 'or set it to true' } },
  },
  {
    id: 'RB3005',
    slug: 'terminate-on-failure',
    severity: 'error',
    good: ['good-baseline', 'good-secure-build'],
    bad: {
      'RB3005-keep-failed-instances': {
        path: ['build', 'terminateOnFailure'],
        line: 15,
        column: 23,
        says: 'suppress RB3005 with a reason',
      },
    },
  },
  {
    id: 'RB3006',
    slug: 'no-public-launch-permission',
    severity: 'error',
    good: ['good-baseline', 'good-secure-build'],
    bad: {
      'RB3006-public-ami': {
        path: ['distribution', 'launchPermissions', 'userGroups', 0],
        line: 19,
        column: 9,
        says: 'share with organization: true',
      },
    },
  },
  {
    id: 'RB3007',
    slug: 'component-file-exists',
    severity: 'error',
    good: ['good-baseline', 'good-local-components'],
    bad: {
      'RB3007-missing-file': {
        path: ['components', 1, 'file'],
        line: 10,
        column: 11,
        says: "There is no file 'components/does-not-exist.yaml'",
      },
    },
  },
  {
    id: 'RB3008',
    slug: 'duplicate-component',
    severity: 'error',
    good: ['good-baseline', 'good-local-components', 'good-windows'],
    bad: {
      'RB3008-duplicate-managed': {
        path: ['components', 2, 'managed'],
        line: 11,
        column: 14,
        says: 'already listed as components entry 1',
      },
      'RB3008-duplicate-file': { path: ['components', 1, 'file'], line: 13, column: 11, says: 'already listed as components entry 1' },
    },
  },
  {
    id: 'RB3009',
    slug: 'component-path-outside-recipe',
    severity: 'error',
    good: ['good-baseline', 'good-local-components'],
    bad: {
      'RB3009-parent-folder': { path: ['components', 1, 'file'], line: 10, column: 11, says: 'is outside the recipe folder' },
      'RB3009-absolute-path': { path: ['components', 1, 'file'], line: 10, column: 11, says: 'use a relative path' },
      'RB3009-symlink': {
        path: ['components', 1, 'file'],
        line: 10,
        column: 11,
        says: "'components/linked.yaml' is outside the recipe folder",
      },
    },
  },
  {
    id: 'RB3010',
    slug: 'inspector-scanning',
    severity: 'warning',
    good: ['good-baseline', 'good-secure-build'],
    bad: {
      'RB3010-inspector-off': { path: ['scanning', 'inspector'], line: 16, column: 14, says: 'remove it (scanning is on by default)' },
    },
  },
  {
    id: 'RB3011',
    slug: 'ami-name-unique',
    severity: 'error',
    good: ['good-baseline', 'good-secure-build'],
    bad: {
      'RB3011-fixed-ami-name': {
        path: ['distribution', 'amiName'],
        line: 16,
        column: 12,
        says: "'golden-al2023-{{ imagebuilder:buildDate }}'",
      },
    },
  },
  {
    id: 'RB3012',
    slug: 'working-directory-noexec',
    severity: 'warning',
    good: ['good-baseline', 'good-secure-build', 'good-windows'],
    bad: {
      'RB3012-tmp-working-directory': { path: ['build', 'workingDirectory'], line: 15, column: 21, says: 'use /var/tmp/imagebuilder' },
    },
  },
  {
    id: 'RB3013',
    slug: 'managed-component-platform',
    severity: 'error',
    good: ['good-baseline', 'good-windows'],
    bad: {
      'RB3013-windows-component-on-linux': {
        path: ['components', 1, 'managed'],
        line: 10,
        column: 14,
        says: 'use the linux counterpart (e.g. update-linux)',
      },
    },
  },
  {
    id: 'RB3014',
    slug: 'component-stage',
    severity: 'warning',
    good: ['good-local-components'],
    bad: {
      'RB3014-build-component-in-tests': {
        path: ['tests', 1, 'file'],
        line: 12,
        column: 11,
        says: 'add a test phase or move it to components',
      },
      'RB3014-test-only-in-components': { path: ['components', 1, 'file'], line: 10, column: 11, says: 'move it to tests' },
    },
  },
  {
    id: 'RB3015',
    slug: 'undersized-instance',
    severity: 'warning',
    good: ['good-baseline', 'good-arm64-graviton', 'good-managed-image-arm64'],
    bad: { 'RB3015-t3-micro': { path: ['build', 'instanceTypes', 0], line: 14, column: 7, says: 'use a large type such as m7i.large' } },
  },
  {
    id: 'RB3016',
    slug: 'component-parameters',
    severity: 'error',
    good: ['good-local-components'],
    bad: {
      'RB3016-undeclared-parameter': {
        path: ['components', 1, 'parameters', 'Baner'],
        line: 14,
        column: 7,
        says: "Did you mean 'Banner'?",
      },
      'RB3016-missing-required-parameter': { path: ['components', 1, 'file'], line: 10, column: 11, says: "requires parameter 'Banner'" },
    },
  },
  {
    id: 'RB3017',
    slug: 'parameter-step-reference',
    severity: 'error',
    good: ['good-local-components'],
    bad: {
      'RB3017-step-output-parameter': {
        path: ['components', 1, 'parameters', 'Banner'],
        line: 13,
        column: 27,
        says: 'reaches the component as literal text',
      },
    },
  },
  {
    id: 'RB3018',
    slug: 'instance-type-exists',
    severity: 'error',
    good: ['good-baseline', 'good-arm64-graviton'],
    bad: { 'RB3018-misspelt-type': { path: ['build', 'instanceTypes', 0], line: 14, column: 7, says: "Did you mean 'm7g.large'?" } },
  },
  {
    id: 'RB3019',
    slug: 'recipe-name-folder',
    severity: 'error',
    good: ['recipes/good-named', 'good-baseline'],
    bad: { 'recipes/named-elsewhere': { path: ['name'], line: 2, column: 7, says: 'Set name: named-elsewhere' } },
  },
];

function validateFixture(name: string): Finding[] {
  return validateRecipeFile(`${name}/recipe.yaml`, { cwd: FIXTURES }).findings;
}

function located(finding: Finding) {
  return { ruleId: finding.ruleId, path: finding.path, line: finding.range.start.line, column: finding.range.start.column };
}

describe('recipe rule fixtures', () => {
  it('cover every registered recipe rule with a good and a bad fixture', () => {
    // Prepare
    const covered = CASES.filter((c) => c.good.length > 0 && Object.keys(c.bad).length > 0).map((c) => c.id);

    // Assess
    expect(covered).toEqual(recipeRules.map((r) => r.id));
  });

  const goodFixtures = [...new Set(CASES.flatMap((c) => c.good))].sort();
  it.each(goodFixtures)('%s validates without any finding', (fixture) => {
    expect(validateFixture(fixture).map(located)).toEqual([]);
  });
});

for (const rule of CASES) {
  describe(`Rule: ${rule.id} ${rule.slug}`, () => {
    it.each(rule.good)('accepts %s', (fixture) => {
      // Act
      const findings = validateFixture(fixture).filter((f) => f.ruleId === rule.id);

      // Assess
      expect(findings.map(located)).toEqual([]);
    });

    it.each(Object.entries(rule.bad))('reports %s at the offending value', (fixture, expected) => {
      // Act
      const findings = validateFixture(fixture);

      // Assess: exactly one finding, from this rule, at the value the author has to change.
      expect(findings.map(located)).toEqual([{ ruleId: rule.id, path: expected.path, line: expected.line, column: expected.column }]);
      const [finding] = findings;
      expect(finding).toMatchObject({
        slug: rule.slug,
        severity: rule.severity,
        file: `${fixture}/recipe.yaml`,
        source: 'bakery',
      });
      expect(finding?.message).toContain(expected.says);
    });
  });
}
