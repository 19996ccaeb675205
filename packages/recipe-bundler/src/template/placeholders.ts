/**
 * `{{ bakery:... }}` placeholders: values a component parameter (or a generated document's
 * parameter) may hold that are only known when the template is built or deployed.
 *
 * | placeholder | becomes |
 * |---|---|
 * | `{{ bakery:artifactBucket }}` | the `ArtifactBucketName` template parameter (then mandatory) |
 * | `{{ bakery:evidenceBucket }}` | the `EvidenceBucketName` template parameter (then mandatory) |
 * | `{{ bakery:evidencePrefix }}` | `evidence/<recipe>`: the only prefix the build instance may write evidence under |
 * | `{{ bakery:evidencePath }}` | `evidence/<recipe>/<recipe version>`: a component appends `/<image build version>/` |
 * | `{{ bakery:recipeName }}`, `{{ bakery:recipeVersion }}` | the recipe's name and version |
 */
import { escapeSub, sub } from './intrinsics.js';
import type { TemplateInputs } from './parameters.js';

export const PLACEHOLDERS = {
  artifactBucket: /\{\{\s*bakery:artifactBucket\s*\}\}/g,
  evidenceBucket: /\{\{\s*bakery:evidenceBucket\s*\}\}/g,
  evidencePrefix: /\{\{\s*bakery:evidencePrefix\s*\}\}/g,
  evidencePath: /\{\{\s*bakery:evidencePath\s*\}\}/g,
  recipeName: /\{\{\s*bakery:recipeName\s*\}\}/g,
  recipeVersion: /\{\{\s*bakery:recipeVersion\s*\}\}/g,
} as const;

/** Every placeholder name, for messages and the schema of component parameter values. */
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS).map((name) => `{{ bakery:${name} }}`);

/** `evidence/<recipe>`: the prefix of everything a recipe's instances may write to the evidence bucket. */
export function evidencePrefix(recipeName: string): string {
  return `evidence/${recipeName}`;
}

/** `evidence/<recipe>/<version>`: where the evidence of one recipe version goes, one folder per image build below. */
export function evidencePath(recipeName: string, recipeVersion: string): string {
  return `${evidencePrefix(recipeName)}/${recipeVersion}`;
}

export interface PlaceholderContext {
  recipeName: string;
  recipeVersion: string;
  inputs: TemplateInputs;
}

const BUCKETS = [
  { pattern: PLACEHOLDERS.artifactBucket, parameter: 'ArtifactBucketName' as const },
  { pattern: PLACEHOLDERS.evidenceBucket, parameter: 'EvidenceBucketName' as const },
];

/**
 * A component parameter value with its placeholders replaced. Names known now are written in;
 * a bucket becomes a reference to its template parameter (`Ref`, or `Fn::Sub` inside a longer
 * string), which a template rule then requires to be set.
 */
export function resolvePlaceholders(value: string, context: PlaceholderContext): unknown {
  const known = value
    .replace(PLACEHOLDERS.evidencePath, evidencePath(context.recipeName, context.recipeVersion))
    .replace(PLACEHOLDERS.evidencePrefix, evidencePrefix(context.recipeName))
    .replace(PLACEHOLDERS.recipeName, context.recipeName)
    .replace(PLACEHOLDERS.recipeVersion, context.recipeVersion);
  const used = BUCKETS.filter(({ pattern }) => new RegExp(pattern.source).test(known));
  if (used.length === 0) return known;
  // Both bucket parameters are mandatory (no default), so naming one is enough.
  for (const { parameter } of used) context.inputs.parameter(parameter);
  const only = used.length === 1 && known.replace(new RegExp((used[0] as (typeof BUCKETS)[number]).pattern.source, 'g'), '') === '';
  if (only && known.match(new RegExp((used[0] as (typeof BUCKETS)[number]).pattern.source, 'g'))?.length === 1)
    return context.inputs.parameter((used[0] as (typeof BUCKETS)[number]).parameter);
  // Inside a longer string: Fn::Sub with the rest escaped.
  const marker = '\u0000';
  let text = known;
  for (const { pattern, parameter } of used) text = text.replace(new RegExp(pattern.source, 'g'), `${marker}${parameter}${marker}`);
  return sub(
    text
      .split(marker)
      .map((part, i) => (i % 2 === 1 ? `\${${part}}` : escapeSub(part)))
      .join(''),
  );
}

/** Whether a value names the evidence bucket. */
export function namesEvidenceBucket(value: unknown): boolean {
  return typeof value === 'string' && new RegExp(PLACEHOLDERS.evidenceBucket.source).test(value);
}

/** AMI tag naming the evidence folder of the image's recipe version (added when a component uploads evidence). */
export const EVIDENCE_TAG = 'ami-bakery:evidence';

/** `s3://<EvidenceBucketName>/evidence/<recipe>/<version>/`, resolved at deploy time. */
export function evidenceUri(recipeName: string, recipeVersion: string): { 'Fn::Sub': string } {
  return sub(`s3://\${EvidenceBucketName}/${escapeSub(evidencePath(recipeName, recipeVersion))}/`);
}
