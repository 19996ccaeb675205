/** CloudFormation intrinsic functions in their long form (the YAML output has no custom tags). */
export type Intrinsic =
  | { Ref: string }
  | { 'Fn::Sub': string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::If': [string, unknown, unknown] };

export const ref = (name: string): { Ref: string } => ({ Ref: name });
export const sub = (text: string): { 'Fn::Sub': string } => ({ 'Fn::Sub': text });
export const getAtt = (logicalId: string, attribute: string): { 'Fn::GetAtt': [string, string] } => ({
  'Fn::GetAtt': [logicalId, attribute],
});
export const ifCondition = (condition: string, whenTrue: unknown, whenFalse: unknown): { 'Fn::If': [string, unknown, unknown] } => ({
  'Fn::If': [condition, whenTrue, whenFalse],
});
export const NO_VALUE = ref('AWS::NoValue');

/** Makes user text literal inside `Fn::Sub` (where `${` starts a variable). */
export function escapeSub(text: string): string {
  return text.replaceAll('${', '${!');
}

const ARN_WITH_PARTITION = /^arn:aws(?:-[a-z]+)*:/;

/**
 * An ARN written by the author with its partition swapped for `${AWS::Partition}`, so one bundle
 * deploys unchanged in every partition (aws, aws-us-gov, aws-cn). Anything else is returned as is.
 */
export function partitionAware(value: string): string | { 'Fn::Sub': string } {
  const match = ARN_WITH_PARTITION.exec(value);
  if (!match) return value;
  return sub(`arn:\${AWS::Partition}:${escapeSub(value.slice(match[0].length))}`);
}

/** `prefix` + an author's value that may be an ARN (e.g. `ssm:` + a parameter name or ARN). */
export function prefixed(prefix: string, value: string): string | { 'Fn::Sub': string } {
  const aware = partitionAware(value);
  return typeof aware === 'string' ? `${prefix}${aware}` : sub(`${escapeSub(prefix)}${aware['Fn::Sub']}`);
}
