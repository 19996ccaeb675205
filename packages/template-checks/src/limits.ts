/**
 * AWS limits the CloudFormation resource database does not carry, so they are found offline,
 * before cfn-lint and long before a deploy fails:
 *
 * - Image Builder resource names: 1 to 128 characters (the API's `ResourceName` pattern
 *   `^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$`);
 * - a component's inline `Data`: at most 16,000 characters (`InlineComponentData`);
 * - a stack name: at most 128 characters.
 */
import { intrinsicName, isRecord } from './intrinsics.js';

export const IMAGE_BUILDER_NAME_MAX = 128;
export const COMPONENT_DATA_MAX = 16_000;
export const STACK_NAME_MAX = 128;

/** The Image Builder resource types whose `Name` the 128-character limit applies to. */
export const IMAGE_BUILDER_NAMED_TYPES: ReadonlySet<string> = new Set([
  'AWS::ImageBuilder::Component',
  'AWS::ImageBuilder::ImageRecipe',
  'AWS::ImageBuilder::ContainerRecipe',
  'AWS::ImageBuilder::InfrastructureConfiguration',
  'AWS::ImageBuilder::DistributionConfiguration',
  'AWS::ImageBuilder::ImagePipeline',
  'AWS::ImageBuilder::LifecyclePolicy',
  'AWS::ImageBuilder::Workflow',
]);

/**
 * The value a name takes once deployed in stack `stackName`: a literal, or a `Fn::Sub` string
 * whose `${AWS::StackName}` is known. Undefined when it depends on something else (a parameter,
 * another function), so the limit cannot be decided offline.
 */
export function resolvedName(value: unknown, stackName: string | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || intrinsicName(value) !== 'Fn::Sub') return undefined;
  const body = value['Fn::Sub'];
  if (typeof body !== 'string') return undefined;
  let unresolved = false;
  const text = body.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    if (name === 'AWS::StackName' && stackName !== undefined) return stackName;
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : text.replaceAll('${!', '${');
}
