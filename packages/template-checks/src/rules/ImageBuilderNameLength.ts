import { isRecord } from '../intrinsics.js';
import { IMAGE_BUILDER_NAME_MAX, IMAGE_BUILDER_NAMED_TYPES, resolvedName, STACK_NAME_MAX } from '../limits.js';
import type { TemplateHit, TemplateRule } from '../rule.js';

/** Every Image Builder name, and the stack name it is built from, fits the 128-character limits. */
export const imageBuilderNameLength: TemplateRule = {
  id: 'RB5009',
  slug: 'image-builder-name-length',
  severity: 'error',
  description: `Every Image Builder resource name, once its stack name is filled in, has at most ${IMAGE_BUILDER_NAME_MAX} characters, and the stack name at most ${STACK_NAME_MAX}.`,
  appliesTo: 'template',
  check(ctx) {
    const hits: TemplateHit[] = [];
    if (ctx.stackName !== undefined && ctx.stackName.length > STACK_NAME_MAX) {
      hits.push({
        path: [],
        message: `The stack name ${ctx.stackName} has ${ctx.stackName.length} characters; CloudFormation allows ${STACK_NAME_MAX}. Shorten the recipe name.`,
      });
    }
    for (const [logicalId, resource] of Object.entries(ctx.resources)) {
      if (!isRecord(resource) || typeof resource.Type !== 'string' || !IMAGE_BUILDER_NAMED_TYPES.has(resource.Type)) continue;
      const properties = isRecord(resource.Properties) ? resource.Properties : {};
      const name = resolvedName(properties.Name, ctx.stackName);
      if (name === undefined || name.length <= IMAGE_BUILDER_NAME_MAX) continue;
      const kind = resource.Type.slice('AWS::ImageBuilder::'.length);
      hits.push({
        path: ['Resources', logicalId, 'Properties', 'Name'],
        message: `The ${kind} is named ${name} (${name.length} characters); Image Builder allows ${IMAGE_BUILDER_NAME_MAX}. Shorten the recipe name${kind === 'Component' ? ' or the component file name' : ''} by ${name.length - IMAGE_BUILDER_NAME_MAX} characters.`,
      });
    }
    return hits;
  },
};
