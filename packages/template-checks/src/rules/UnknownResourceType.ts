import { didYouMean } from '../suggest.js';
import { isCustomResourceType, isRecord } from '../intrinsics.js';
import type { TemplateHit, TemplateRule } from '../rule.js';

export const unknownResourceType: TemplateRule = {
  id: 'RB5006',
  slug: 'unknown-resource-type',
  severity: 'error',
  description: 'Every resource Type exists in the CloudFormation resource specification (custom resources excepted).',
  appliesTo: 'template',
  check(ctx) {
    const hits: TemplateHit[] = [];
    for (const [name, resource] of Object.entries(ctx.resources)) {
      if (!isRecord(resource) || typeof resource.Type !== 'string') continue;
      const type = resource.Type;
      // Modules are defined per account in the registry; the public specification cannot know them.
      if (isCustomResourceType(type) || type.endsWith('::MODULE') || ctx.spec.resource(type)) continue;
      const known = ctx.spec.resourceTypes();
      const suggestion = didYouMean(type, known);
      hits.push({
        path: ['Resources', name, 'Type'],
        message: suggestion
          ? `Resource type '${type}' does not exist; did you mean '${suggestion}'?`
          : `Resource type '${type}' does not exist in the CloudFormation specification; check its spelling (AWS::Service::Resource) or use Custom:: for a custom resource.`,
      });
    }
    return hits;
  },
};
