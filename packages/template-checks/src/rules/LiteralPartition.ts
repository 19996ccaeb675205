import type { JsonPath } from '@ami-bakery/recipe-schema';
import { intrinsicName, isRecord } from '../intrinsics.js';
import type { TemplateHit, TemplateRule } from '../rule.js';

// Assembled rather than written out, so that a search of the sources for the literal finds only real mistakes.
const LITERAL = ['arn', 'aws', ''].join(':');

export const literalPartition: TemplateRule = {
  id: 'RB5008',
  slug: 'literal-partition',
  severity: 'error',
  description: `No value hard-codes the commercial partition ('${LITERAL}'); ARNs use \${AWS::Partition} so the template deploys in aws-us-gov and aws-cn too.`,
  appliesTo: 'template',
  check(ctx) {
    const hits: TemplateHit[] = [];
    const visit = (value: unknown, path: JsonPath, inSub: boolean): void => {
      if (typeof value === 'string') {
        if (!value.includes(LITERAL)) return;
        hits.push({
          path,
          needle: LITERAL,
          message: inSub
            ? `'${LITERAL}' pins the commercial partition; write 'arn:\${AWS::Partition}:' instead.`
            : `'${LITERAL}' pins the commercial partition; write !Sub 'arn:\${AWS::Partition}:...' instead.`,
        });
      } else if (Array.isArray(value)) for (const [index, item] of value.entries()) visit(item, [...path, index], inSub);
      else if (isRecord(value)) {
        const sub = intrinsicName(value) === 'Fn::Sub';
        for (const [key, item] of Object.entries(value)) {
          // Metadata and descriptions are prose for people and tools; CloudFormation deploys neither.
          if (key === 'Metadata' || (path.length === 0 && key === 'Description')) continue;
          visit(item, [...path, key], inSub || sub);
        }
      }
    };
    visit(ctx.template, [], false);
    return hits;
  },
};
