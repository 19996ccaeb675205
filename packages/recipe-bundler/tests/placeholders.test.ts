import { describe, expect, it } from 'vitest';
import { TemplateInputs } from '../src/template/parameters.js';
import { resolvePlaceholders } from '../src/template/placeholders.js';

const context = () => ({ recipeName: 'rhel-9-stig-high', recipeVersion: '1.2.0', inputs: new TemplateInputs() });

describe('Function: resolvePlaceholders', () => {
  it.each([
    ['the evidence bucket alone', '{{ bakery:evidenceBucket }}', { Ref: 'EvidenceBucketName' }],
    ['the artifact bucket alone', '{{bakery:artifactBucket}}', { Ref: 'ArtifactBucketName' }],
    ['the evidence path', '{{ bakery:evidencePath }}', 'evidence/rhel-9-stig-high/1.2.0'],
    ['the evidence prefix', '{{ bakery:evidencePrefix }}/x', 'evidence/rhel-9-stig-high/x'],
    ['name and version', '{{ bakery:recipeName }}@{{ bakery:recipeVersion }}', 'rhel-9-stig-high@1.2.0'],
    [
      'a bucket inside a longer string, with ${ escaped',
      's3://{{ bakery:evidenceBucket }}/{{ bakery:evidencePath }}/${x}',
      { 'Fn::Sub': 's3://${EvidenceBucketName}/evidence/rhel-9-stig-high/1.2.0/${!x}' },
    ],
    [
      'both buckets',
      '{{ bakery:artifactBucket }}+{{ bakery:evidenceBucket }}',
      { 'Fn::Sub': '${ArtifactBucketName}+${EvidenceBucketName}' },
    ],
    ['no placeholder', 'plain', 'plain'],
  ])('resolves %s', (_, value, expected) => {
    expect(resolvePlaceholders(value, context())).toEqual(expected);
  });

  it('declares the bucket parameter it names (a mandatory one: no rule needed)', () => {
    // Prepare
    const ctx = context();

    // Act
    resolvePlaceholders('{{ bakery:evidenceBucket }}', ctx);

    // Assess
    expect(Object.keys(ctx.inputs.parametersSection())).toEqual(['EvidenceBucketName']);
    expect(ctx.inputs.parametersSection().EvidenceBucketName).not.toHaveProperty('Default');
  });
});
