/**
 * Mutants of a shipped recipe template, each breaking one or more invariants the way a hostile
 * recipe, a bundler bug or a hand-edited template would. `breaks` is the exact set of invariant
 * ids the rule set must report.
 */
import type { Json } from './helpers.js';

type Mutate = (template: Json) => void;

const res = (t: Json, id: string): Json => (t.Resources as Json)[id] as Json;
const props = (t: Json, id: string): Json => res(t, id).Properties as Json;
const typed = (t: Json, type: string): string[] =>
  Object.entries(t.Resources as Json)
    .filter(([, r]) => (r as Json).Type === type)
    .map(([id]) => id);
const firstDistribution = (t: Json): Json =>
  ((props(t, 'DistributionConfiguration').Distributions as Json[])[0] as Json).AmiDistributionConfiguration as Json;
const instanceRole = (t: Json): Json => props(t, 'InstanceRole');
const firstPolicyStatements = (t: Json): Json[] =>
  (((instanceRole(t).Policies as Json[])[0] as Json).PolicyDocument as Json).Statement as Json[];

export interface Mutant {
  name: string;
  breaks: string[];
  mutate: Mutate;
}

export const MUTANTS: Mutant[] = [
  {
    name: 'public launch permission (UserGroups all)',
    breaks: ['RB6001'],
    mutate: (t) => {
      firstDistribution(t).LaunchPermissionConfiguration = { UserGroups: ['all'] };
    },
  },
  {
    name: 'launch permissions behind a condition',
    breaks: ['RB6001'],
    mutate: (t) => {
      firstDistribution(t).LaunchPermissionConfiguration = { 'Fn::If': ['Public', { UserGroups: ['all'] }, { Ref: 'AWS::NoValue' }] };
    },
  },
  {
    name: 'IMDSv1 allowed (HttpTokens optional)',
    breaks: ['RB6002'],
    mutate: (t) => {
      (props(t, 'InfrastructureConfiguration').InstanceMetadataOptions as Json).HttpTokens = 'optional';
    },
  },
  {
    name: 'no instance metadata options at all',
    breaks: ['RB6002'],
    mutate: (t) => {
      delete props(t, 'InfrastructureConfiguration').InstanceMetadataOptions;
    },
  },
  {
    name: 'unencrypted root volume',
    breaks: ['RB6003'],
    mutate: (t) => {
      (((props(t, 'ImageRecipe').BlockDeviceMappings as Json[])[0] as Json).Ebs as Json).Encrypted = false;
    },
  },
  {
    name: 'no block device mappings (root inherits the parent snapshot)',
    breaks: ['RB6003'],
    mutate: (t) => {
      delete props(t, 'ImageRecipe').BlockDeviceMappings;
    },
  },
  {
    name: 'role without a permissions boundary',
    breaks: ['RB6004'],
    mutate: (t) => {
      delete instanceRole(t).PermissionsBoundary;
    },
  },
  {
    name: 'boundary only when a parameter is set',
    breaks: ['RB6004'],
    mutate: (t) => {
      props(t, 'LifecycleExecutionRole').PermissionsBoundary = {
        'Fn::If': ['HasBoundary', { Ref: 'LifecyclePermissionsBoundaryArn' }, { Ref: 'AWS::NoValue' }],
      };
    },
  },
  {
    name: 'role trusting another account',
    breaks: ['RB6005'],
    mutate: (t) => {
      instanceRole(t).AssumeRolePolicyDocument = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:${AWS::Partition}:iam::999999999999:root' }, Action: 'sts:AssumeRole' }],
      };
    },
  },
  {
    name: 'role trusting "*"',
    breaks: ['RB6005'],
    mutate: (t) => {
      instanceRole(t).AssumeRolePolicyDocument = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
      };
    },
  },
  {
    name: 'role trusting Lambda as well',
    breaks: ['RB6005'],
    mutate: (t) => {
      instanceRole(t).AssumeRolePolicyDocument = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
      };
    },
  },
  {
    name: 'inline policy granting iam:*',
    breaks: ['RB6006'],
    mutate: (t) => {
      firstPolicyStatements(t).push({ Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    },
  },
  {
    name: 'inline policy granting sts:AssumeRole on *',
    breaks: ['RB6006'],
    mutate: (t) => {
      firstPolicyStatements(t).push({ Effect: 'Allow', Action: ['s3:GetObject', 'sts:AssumeRole'], Resource: '*' });
    },
  },
  {
    name: 'inline policy with NotAction',
    breaks: ['RB6006'],
    mutate: (t) => {
      firstPolicyStatements(t).push({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' });
    },
  },
  {
    name: 'inline policy swapped in by a condition',
    breaks: ['RB6006'],
    mutate: (t) => {
      const policies = instanceRole(t).Policies as Json[];
      policies.push({
        'Fn::If': [
          'Escalate',
          { PolicyName: 'admin', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
          { Ref: 'AWS::NoValue' },
        ],
      });
    },
  },
  {
    name: 'a KMS key open to every account',
    breaks: ['RB6007', 'RB6008'],
    mutate: (t) => {
      (t.Resources as Json).OpenKey = {
        Type: 'AWS::KMS::Key',
        Properties: {
          KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] },
        },
      };
    },
  },
  {
    name: 'an IAM user (and its admin policy)',
    breaks: ['RB6006', 'RB6008'],
    mutate: (t) => {
      (t.Resources as Json).Backdoor = { Type: 'AWS::IAM::User', Properties: {} };
      (t.Resources as Json).BackdoorPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'admin',
          Users: [{ Ref: 'Backdoor' }],
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      };
    },
  },
  {
    name: 'a macro (Transform) that could add anything',
    breaks: ['RB6008'],
    mutate: (t) => {
      t.Transform = 'AWS::Serverless-2016-10-31';
    },
  },
  {
    name: 'AdministratorAccess attached to the instance role',
    breaks: ['RB6009'],
    mutate: (t) => {
      (instanceRole(t).ManagedPolicyArns as unknown[]).push({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' });
    },
  },
  {
    name: 'a role named like a bakery role',
    breaks: ['RB6010'],
    mutate: (t) => {
      instanceRole(t).RoleName = 'ami-bakery-recipe-deploy';
    },
  },
  {
    name: 'a role outside the stack path',
    breaks: ['RB6010'],
    mutate: (t) => {
      props(t, 'LifecycleExecutionRole').Path = '/';
    },
  },
  {
    name: 'combination: public, IMDSv1, unencrypted',
    breaks: ['RB6001', 'RB6002', 'RB6003'],
    mutate: (t) => {
      firstDistribution(t).LaunchPermissionConfiguration = { UserGroups: ['all'] };
      (props(t, 'InfrastructureConfiguration').InstanceMetadataOptions as Json).HttpTokens = 'optional';
      (((props(t, 'ImageRecipe').BlockDeviceMappings as Json[])[0] as Json).Ebs as Json).Encrypted = false;
    },
  },
  {
    name: 'combination: a second, unbounded admin role trusting the world',
    breaks: ['RB6004', 'RB6005', 'RB6006', 'RB6009', 'RB6010'],
    mutate: (t) => {
      (t.Resources as Json).AdminRole = {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'admin',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
          },
          // A literal ARN (built here so no commercial ARN prefix appears in the sources).
          ManagedPolicyArns: [['arn', 'aws', 'iam', '', 'aws', 'policy/AdministratorAccess'].join(':')],
          Policies: [{ PolicyName: 'all', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:Create*', Resource: '*' }] } }],
        },
      };
    },
  },
];

/** The names of every role-carrying resource, for tests that want them. */
export const rolesOf = (template: Json): string[] => typed(template, 'AWS::IAM::Role');
