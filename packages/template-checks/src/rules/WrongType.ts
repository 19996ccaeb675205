import type { TemplateRule } from '../rule.js';

export const wrongType: TemplateRule = {
  id: 'RB5003',
  slug: 'wrong-type',
  severity: 'error',
  description: 'Every property value has the type the specification gives it (string, number, boolean, list, map, object); intrinsic functions are accepted where a value is expected.',
  appliesTo: 'template',
  check: (ctx) => ctx.propertyIssues().filter((issue) => issue.kind === 'wrong-type'),
};
