import type { TemplateRule } from '../rule.js';

export const missingRequiredProperty: TemplateRule = {
  id: 'RB5002',
  slug: 'missing-required-property',
  severity: 'error',
  description: 'Every property the CloudFormation resource specification marks as required is present.',
  appliesTo: 'template',
  check: (ctx) => ctx.propertyIssues().filter((issue) => issue.kind === 'missing-required-property'),
};
