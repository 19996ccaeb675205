import { isRecord } from '../intrinsics.js';
import { COMPONENT_DATA_MAX } from '../limits.js';
import type { TemplateHit, TemplateRule } from '../rule.js';

/** A component's inline document fits Image Builder's 16,000-character limit. */
export const componentDataSize: TemplateRule = {
  id: 'RB5010',
  slug: 'component-data-size',
  severity: 'error',
  description: `Every component's inline document (Data) has at most ${COMPONENT_DATA_MAX.toLocaleString('en-US')} characters, Image Builder's limit.`,
  appliesTo: 'template',
  check(ctx) {
    const hits: TemplateHit[] = [];
    for (const [logicalId, resource] of Object.entries(ctx.resources)) {
      if (!isRecord(resource) || resource.Type !== 'AWS::ImageBuilder::Component') continue;
      const data = isRecord(resource.Properties) ? resource.Properties.Data : undefined;
      if (typeof data !== 'string' || data.length <= COMPONENT_DATA_MAX) continue;
      hits.push({
        path: ['Resources', logicalId, 'Properties', 'Data'],
        message: `This component document is ${data.length.toLocaleString('en-US')} characters once bundled; Image Builder takes at most ${COMPONENT_DATA_MAX.toLocaleString('en-US')}. Split it into two components (or move large scripts to S3 and download them in a step).`,
      });
    }
    return hits;
  },
};
