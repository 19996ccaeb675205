import type { JsonPath } from '@ami-bakery/recipe-schema';
import { didYouMean } from '../suggest.js';
import { intrinsicName, isRecord } from '../intrinsics.js';
import type { TemplateHit, TemplateRule } from '../rule.js';

const SECTIONS = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs', 'Hooks'];
const RESOURCE_KEYS = ['Type', 'Properties', 'DependsOn', 'Condition', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy'];

export const templateStructure: TemplateRule = {
  id: 'RB5007',
  slug: 'template-structure',
  severity: 'error',
  description: 'The template is a map of known sections with a non-empty Resources map; every resource is a map with a Type and known attributes.',
  appliesTo: 'template',
  check(ctx) {
    const hits: TemplateHit[] = [];
    const hit = (path: JsonPath, message: string, at?: 'key') => hits.push(at ? { path, message, at } : { path, message });
    const root = ctx.template;
    if (!isRecord(root)) {
      hit([], 'The template must be a map of sections (AWSTemplateFormatVersion, Resources, ...); this file holds something else. Check that the right file was given.');
      return hits;
    }
    for (const key of Object.keys(root)) {
      if (SECTIONS.includes(key)) continue;
      const suggestion = didYouMean(key, SECTIONS);
      hit([key], `'${key}' is not a template section${suggestion ? `; did you mean '${suggestion}'?` : `; use one of ${SECTIONS.join(', ')}.`}`, 'key');
    }
    const resources = root.Resources;
    if (resources === undefined) hit([], 'The template has no Resources section; CloudFormation needs at least one resource.');
    else if (!isRecord(resources)) hit(['Resources'], 'Resources must be a map of logical id to resource.');
    else if (Object.keys(resources).length === 0) hit(['Resources'], 'Resources is empty; CloudFormation needs at least one resource.');
    else {
      for (const [name, resource] of Object.entries(resources)) {
        // Fn::ForEach (language extensions) expands into resources at deploy time.
        if (name.startsWith('Fn::ForEach::')) continue;
        const path = ['Resources', name];
        if (!/^[A-Za-z0-9]+$/.test(name)) hit(path, `Logical id '${name}' may contain only letters and digits; rename it.`, 'key');
        if (!isRecord(resource)) {
          hit(path, `Resource '${name}' must be a map with at least a Type.`);
          continue;
        }
        if (resource.Type === undefined) hit(path, `Resource '${name}' has no Type; add one, e.g. Type: AWS::S3::Bucket.`, 'key');
        else if (typeof resource.Type !== 'string') hit([...path, 'Type'], `The Type of '${name}' must be a string such as AWS::S3::Bucket.`);
        const properties = resource.Properties;
        if (properties !== undefined && properties !== null && !isRecord(properties)) {
          hit([...path, 'Properties'], `Properties of '${name}' must be a map of property names to values.`);
        } else if (isRecord(properties) && intrinsicName(properties) !== undefined && intrinsicName(properties) !== 'Fn::If') {
          hit([...path, 'Properties'], `Properties of '${name}' cannot be a ${intrinsicName(properties)}; write the properties out (Fn::If is the only function allowed here).`);
        }
        for (const key of Object.keys(resource)) {
          if (RESOURCE_KEYS.includes(key)) continue;
          const suggestion = didYouMean(key, RESOURCE_KEYS);
          hit([...path, key], `'${key}' is not a resource attribute${suggestion ? `; did you mean '${suggestion}'?` : `; move it under Properties or use one of ${RESOURCE_KEYS.join(', ')}.`}`, 'key');
        }
      }
    }
    if (isRecord(root.Parameters)) {
      for (const [name, parameter] of Object.entries(root.Parameters)) {
        if (!isRecord(parameter) || typeof parameter.Type !== 'string') {
          hit(['Parameters', name], `Parameter '${name}' needs a Type (String, Number, AWS::SSM::Parameter::Value<String>, ...).`, 'key');
        }
      }
    }
    if (isRecord(root.Outputs)) {
      for (const [name, output] of Object.entries(root.Outputs)) {
        if (!isRecord(output) || output.Value === undefined) hit(['Outputs', name], `Output '${name}' needs a Value.`, 'key');
      }
    }
    return hits;
  },
};
