/** The registry of built-in template rules, in id order. */
import type { RuleMeta } from '@ami-bakery/recipe-schema';
import type { TemplateRule } from '../rule.js';
import { badEnumValue } from './BadEnumValue.js';
import { componentDataSize } from './ComponentDataSize.js';
import { danglingReference } from './DanglingReference.js';
import { imageBuilderNameLength } from './ImageBuilderNameLength.js';
import { literalPartition } from './LiteralPartition.js';
import { missingRequiredProperty } from './MissingRequiredProperty.js';
import { templateStructure } from './TemplateStructure.js';
import { unknownProperty } from './UnknownProperty.js';
import { unknownResourceType } from './UnknownResourceType.js';
import { wrongType } from './WrongType.js';

export const templateRules: readonly TemplateRule[] = [
  unknownProperty,
  missingRequiredProperty,
  wrongType,
  badEnumValue,
  danglingReference,
  unknownResourceType,
  templateStructure,
  literalPartition,
  imageBuilderNameLength,
  componentDataSize,
];

/** Metadata only (no check functions), for docs and `allRules()`. */
export const TEMPLATE_RULES: readonly RuleMeta[] = templateRules.map(({ id, slug, severity, description }) => ({ id, slug, severity, description }));

export {
  badEnumValue,
  componentDataSize,
  danglingReference,
  imageBuilderNameLength,
  literalPartition,
  missingRequiredProperty,
  templateStructure,
  unknownProperty,
  unknownResourceType,
  wrongType,
};
