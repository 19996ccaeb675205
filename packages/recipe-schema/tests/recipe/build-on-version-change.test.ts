import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRecipeText } from '../../src/validate.js';

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const INLINE_RECIPE = `${PACKAGE}tests/fixtures/recipe/inline/recipe.yaml`;

const recipe = (schedule: string) =>
  [
    'name: schema-case',
    'version: 1.0.0',
    'platform: linux',
    'architecture: x86_64',
    'parentImage:',
    '  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    'components:',
    '  - managed: update-linux',
    'build:',
    '  instanceTypes: [m7i.large]',
    schedule,
    '',
  ].join('\n');

const schemaFindings = (text: string) =>
  validateRecipeText(text, INLINE_RECIPE, { cwd: PACKAGE })
    .findings.filter((f) => f.ruleId.startsWith('RB1'))
    .map((f) => `${f.ruleId} ${f.path.join('.')}`);

describe('Schema: schedule.buildOnVersionChange', () => {
  it.each([
    ['schedule: { expression: cron(0 4 ? * sun *), buildOnVersionChange: false }', []],
    ['schedule: { expression: cron(0 4 ? * sun *), buildOnVersionChange: true }', []],
  ])('accepts %s', (schedule, expected) => {
    expect(schemaFindings(recipe(schedule))).toEqual(expected);
  });

  it('must be true or false', () => {
    expect(schemaFindings(recipe('schedule: { expression: cron(0 4 ? * sun *), buildOnVersionChange: "no" }'))).toEqual([
      'RB1003 schedule.buildOnVersionChange',
    ]);
  });
});
