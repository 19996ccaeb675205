import type { TemplateRule } from '../rule.js';

export const unknownProperty: TemplateRule = {
  id: 'RB5001',
  slug: 'unknown-property',
  severity: 'error',
  description: 'Every resource property (and nested property) exists in the CloudFormation resource specification.',
  appliesTo: 'template',
  check: (ctx) => ctx.propertyIssues().filter((issue) => issue.kind === 'unknown-property'),
};
