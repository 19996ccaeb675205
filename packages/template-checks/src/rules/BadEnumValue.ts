import type { TemplateRule } from '../rule.js';

export const badEnumValue: TemplateRule = {
  id: 'RB5004',
  slug: 'bad-enum-value',
  severity: 'error',
  description: 'A property with a fixed set of allowed values holds one of them.',
  appliesTo: 'template',
  check: (ctx) => ctx.propertyIssues().filter((issue) => issue.kind === 'bad-enum-value'),
};
