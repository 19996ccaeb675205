import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseEnv } from '../src/index.js';
import { ENV } from './helpers.js';

describe('Function: parseEnv', () => {
  it('reads the contract variables', () => {
    expect(parseEnv(ENV)).toEqual({
      artifactBucket: 'bakery-artifacts',
      stackPrefix: 'ami-bakery-recipe-',
      deployRoleArn: 'arn:aws:iam::123456789012:role/ami-bakery-recipe-deploy',
      parameterValues: { PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/ami-bakery-boundary' },
      prune: true,
      maxConcurrency: 2,
      namePrefix: 'ami-bakery',
      region: 'us-east-1',
      partition: 'aws',
    });
  });

  it('takes the partition from the deploy role', () => {
    expect(parseEnv({ ...ENV, AWS_REGION: 'cn-north-1', RECIPE_DEPLOY_ROLE_ARN: 'arn:aws-cn:iam::123456789012:role/x' }).partition).toBe(
      'aws-cn',
    );
  });

  it('defaults PRUNE, MAX_CONCURRENCY, NAME_PREFIX and RECIPE_PARAMETERS', () => {
    const { PRUNE, MAX_CONCURRENCY, NAME_PREFIX, RECIPE_PARAMETERS, ...rest } = ENV;
    expect(parseEnv(rest)).toMatchObject({ prune: true, maxConcurrency: 10, namePrefix: 'ami-bakery', parameterValues: {} });
  });

  const bad: [string, Record<string, string | undefined>, string][] = [
    ['no bucket', { ARTIFACT_BUCKET: undefined }, 'ARTIFACT_BUCKET is not set'],
    ['a bucket with capitals', { ARTIFACT_BUCKET: 'Bad_Bucket' }, 'ARTIFACT_BUCKET="Bad_Bucket" is not an S3 bucket name'],
    ['a prefix starting with a digit', { RECIPE_STACK_PREFIX: '1x-' }, 'RECIPE_STACK_PREFIX="1x-" is not a stack name prefix'],
    ['a role that is no ARN', { RECIPE_DEPLOY_ROLE_ARN: 'deploy' }, 'RECIPE_DEPLOY_ROLE_ARN="deploy" is not an IAM role ARN'],
    ['PRUNE yes', { PRUNE: 'yes' }, 'PRUNE="yes" is not true or false'],
    ['MAX_CONCURRENCY 0', { MAX_CONCURRENCY: '0' }, 'MAX_CONCURRENCY="0" is not a whole number from 1 to 50'],
    ['parameters not JSON', { RECIPE_PARAMETERS: '{' }, 'RECIPE_PARAMETERS is not JSON'],
    [
      'an unknown parameter',
      { RECIPE_PARAMETERS: '{"AdminPassword":"x"}' },
      'RECIPE_PARAMETERS has "AdminPassword", which no recipe template declares',
    ],
    ['a parameter that is no text', { RECIPE_PARAMETERS: '{"OrganizationId":1}' }, 'RECIPE_PARAMETERS.OrganizationId must be text'],
  ];
  it.each(bad)('refuses %s', (_name, change, message) => {
    expect(() => parseEnv({ ...ENV, ...change })).toThrow(ConfigurationError);
    expect(() => parseEnv({ ...ENV, ...change })).toThrow(message);
  });

  it('names every problem at once', () => {
    try {
      parseEnv({ AWS_REGION: 'us-east-1', PRUNE: 'maybe' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigurationError).problems).toEqual([
        'ARTIFACT_BUCKET is not set (an S3 bucket name)',
        'RECIPE_STACK_PREFIX is not set (a stack name prefix (a letter, then letters, digits, hyphens; at most 100))',
        'RECIPE_DEPLOY_ROLE_ARN is not set (an IAM role ARN)',
        'PRUNE="maybe" is not true or false',
      ]);
    }
  });
});
