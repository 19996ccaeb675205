/** What the checks need to know about CloudFormation intrinsic functions and references. */

export const PSEUDO_PARAMETERS: readonly string[] = [
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The function name when `value` is a long-form intrinsic function (`{ Ref: X }`, `{ 'Fn::Sub': ... }`). */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

export interface SubVariable {
  /** Text between `${` and `}`, trimmed. */
  name: string;
  /** The whole `${...}` as written, for locating it. */
  raw: string;
}

/** Variables of an `Fn::Sub` string; `${!Literal}` is an escape and names nothing. */
export function subVariables(text: string): SubVariable[] {
  const out: SubVariable[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const inner = match[1] as string;
    if (inner.startsWith('!')) continue;
    out.push({ name: inner.trim(), raw: match[0] });
  }
  return out;
}

/** A custom resource accepts any properties and attributes its provider defines. */
export function isCustomResourceType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}
