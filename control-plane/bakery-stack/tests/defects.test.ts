/**
 * The stack defects of the security review, each as a check over a pair of templates (bakery stack,
 * access StackSet): it fails on the templates of the previous version (tests/fixtures/old, synthesized
 * before the fix) and passes on today's. Requests are evaluated with the contract tests' IAM subset
 * (tests/cfn-eval.ts); the full IAM simulation lives with the access-path proofs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthAccessTemplate, synthBakeryTemplate } from '../src/index.js';
import { allowedBy, normalizeStatements, type Request, resolve, type Scope, type Statement, wildcardMatch } from './cfn-eval.js';
import type { Json } from './support.js';

process.env.CDK_VALIDATION = 'false';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/old');
const PARTITION = 'aws';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
/** Built, not written: no literal commercial ARN prefix in the sources. */
const ARN = ['arn', PARTITION].join(':');
const BAKERY_STACK = 'ami-bakery';
const BAKERY_STACK_ID = `${ARN}:cloudformation:${REGION}:${ACCOUNT}:stack/${BAKERY_STACK}/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`;
const ACCESS_STACK_ID = `${ARN}:cloudformation:${REGION}:${ACCOUNT}:stack/StackSet-ami-bakery-bakery-access-0f0e/9a8b7c6d-1111-4222-8333-944445555666`;
const KEY_ARN = `${ARN}:kms:${REGION}:${ACCOUNT}:key/0a0b0c0d-0000-4000-8000-000000000001`;
const REQUIRED = {
  OrganizationId: 'o-a1b2c3d4e5',
  ManagementAccountId: '222222222222',
  LambdaRoleArn: `${ARN}:iam::222222222222:role/ami-bakery-bootstrap`,
  DeployerCodeKey: `deployer/${'a'.repeat(64)}.zip`,
  GuardRulesKey: `guard-rules/${'b'.repeat(64)}.zip`,
};

interface Version {
  label: string;
  bakery: Json;
  access: Json;
}

interface Deployed {
  /** Every resource ARN (or name-bearing ARN) of the control plane, by logical id. */
  arns: Map<string, string>;
  /** Resolved properties by logical id. */
  props: (id: string) => Json;
  type: (id: string) => string;
  ids: () => string[];
  scope: Scope;
}

function parameterDefaults(template: Json): Record<string, string> {
  return Object.fromEntries(
    Object.entries((template.Parameters ?? {}) as Record<string, Json>)
      .filter(([, spec]) => spec.Default !== undefined)
      .map(([name, spec]) => [name, String(spec.Default)]),
  );
}

/** A template deployed with its defaults: names, ARNs and properties as CloudFormation would see them. */
function deploy(template: Json, stackName: string, stackId: string): Deployed {
  const resources = template.Resources as Record<string, Json>;
  const arns = new Map<string, string>();
  const scope: Scope = {
    values: {
      'AWS::Partition': PARTITION,
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
      'AWS::StackId': stackId,
      'AWS::NoValue': '',
      ...parameterDefaults(template),
      ...REQUIRED,
    },
    conditions: template.Conditions as Json,
    imports: { 'ami-bakery-artifact-key-arn': KEY_ARN },
    ref: (id) => {
      const r = resources[id];
      const props = (r?.Properties ?? {}) as Json;
      const name = (key: string) => resolve(props[key], scope) as string;
      switch (r?.Type) {
        case 'AWS::S3::Bucket':
          return name('BucketName');
        case 'AWS::IAM::ManagedPolicy':
          return `${ARN}:iam::${ACCOUNT}:policy/${name('ManagedPolicyName')}`;
        case 'AWS::IAM::Role':
          return name('RoleName');
        case 'AWS::Lambda::Function':
          return name('FunctionName');
        case 'AWS::Logs::LogGroup':
          return name('LogGroupName');
        case 'AWS::CodePipeline::Pipeline':
          return name('Name');
        case 'AWS::KMS::Key':
          return KEY_ARN.split('/')[1] as string;
        default:
          return `{Ref ${id}}`;
      }
    },
    getAtt: (id, attribute) => {
      if (attribute === 'Arn') return arnOf(id);
      return `{GetAtt ${id}.${attribute}}`;
    },
  };
  const arnOf = (id: string): string => {
    const r = resources[id] as Json;
    const props = (r.Properties ?? {}) as Json;
    const name = (key: string) => resolve(props[key], scope) as string;
    switch (r.Type) {
      case 'AWS::IAM::Role':
        return `${ARN}:iam::${ACCOUNT}:role${(props.Path as string | undefined) ?? '/'}${name('RoleName')}`;
      case 'AWS::IAM::ManagedPolicy':
        return scope.ref(id);
      case 'AWS::S3::Bucket':
        return `${ARN}:s3:::${name('BucketName')}`;
      case 'AWS::Lambda::Function':
        return `${ARN}:lambda:${REGION}:${ACCOUNT}:function:${name('FunctionName')}`;
      case 'AWS::Logs::LogGroup':
        return `${ARN}:logs:${REGION}:${ACCOUNT}:log-group:${name('LogGroupName')}`;
      case 'AWS::CodePipeline::Pipeline':
        return `${ARN}:codepipeline:${REGION}:${ACCOUNT}:${name('Name')}`;
      case 'AWS::Events::Rule':
        return `${ARN}:events:${REGION}:${ACCOUNT}:rule/${name('Name')}`;
      case 'AWS::CodeCommit::Repository':
        return `${ARN}:codecommit:${REGION}:${ACCOUNT}:${name('RepositoryName')}`;
      case 'AWS::KMS::Key':
        return KEY_ARN;
      case 'AWS::KMS::Alias':
        return `${ARN}:kms:${REGION}:${ACCOUNT}:${name('AliasName')}`;
      default:
        return `{Arn ${id}}`;
    }
  };
  for (const id of Object.keys(resources)) {
    const arn = arnOf(id);
    if (!arn.startsWith('{')) arns.set(id, arn);
  }
  return {
    arns,
    props: (id) => resolve(resources[id]?.Properties ?? {}, scope) as Json,
    type: (id) => String(resources[id]?.Type),
    ids: () => Object.keys(resources),
    scope,
  };
}

const ofType = (d: Deployed, type: string): string[] => d.ids().filter((id) => d.type(id) === type);
const roleNamed = (d: Deployed, prefix: string): string => {
  const found = ofType(d, 'AWS::IAM::Role').filter((id) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`Expected one role ${prefix}*, found ${found.join(', ') || 'none'}`);
  return found[0] as string;
};
const inlineStatements = (d: Deployed, roleId: string): Statement[] =>
  ((d.props(roleId).Policies ?? []) as Json[]).flatMap((policy) => normalizeStatements(policy.PolicyDocument));

/** The managed policy an output names (boundaries are found by the output the deployer passes on). */
function outputPolicy(version: Version, d: Deployed, output: string): Statement[] | undefined {
  const value = ((version.bakery.Outputs as Record<string, Json>)[output]?.Value ?? undefined) as Json | undefined;
  const id = value?.Ref as string | undefined;
  if (!id) return undefined;
  return normalizeStatements(d.props(id).PolicyDocument);
}

const versions: Version[] = [];
let deployed: Map<string, { bakery: Deployed; access: Deployed }>;

beforeAll(() => {
  const read = (file: string) => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Json;
  versions.push(
    { label: 'previous version', bakery: read('bakery-stack.template.json'), access: read('bakery-access.template.json') },
    { label: 'this version', bakery: synthBakeryTemplate() as Json, access: synthAccessTemplate() as Json },
  );
  deployed = new Map(
    versions.map((v) => [
      v.label,
      {
        bakery: deploy(v.bakery, BAKERY_STACK, BAKERY_STACK_ID),
        access: deploy(v.access, 'StackSet-ami-bakery-bakery-access-0f0e', ACCESS_STACK_ID),
      },
    ]),
  );
});

// ----- The checks, each a function of one version -----------------------------------------

/** Defect 1: the bakery stack deploy role can create every KMS key of the bakery stack, and tag or administer no other key. */
function keyCreationProblems(version: Version): string[] {
  const { bakery, access } = deployed.get(version.label) as { bakery: Deployed; access: Deployed };
  const role = inlineStatements(access, roleNamed(access, 'BakeryStackDeployRole'));
  const problems: string[] = [];
  const newKey = `${ARN}:kms:${REGION}:${ACCOUNT}:key/ffffffff-0000-4000-8000-00000000000f`;
  for (const id of ofType(bakery, 'AWS::KMS::Key')) {
    const tags = ((bakery.props(id).Tags ?? []) as { Key: string; Value: string }[]).map((t) => [`aws:RequestTag/${t.Key}`, t.Value]);
    const context = Object.fromEntries(tags);
    const requests: Request[] = [{ action: 'kms:CreateKey', resource: '*', context }];
    // CreateKey with Tags is also authorized as kms:TagResource on the key being created: it has no tags yet.
    if (tags.length > 0) requests.push({ action: 'kms:TagResource', resource: newKey, context });
    for (const request of requests)
      if (allowedBy(role, request).length === 0) problems.push(`${id}: ${request.action} is denied, so the first deploy fails`);
  }
  // No grant that lets the role tag, or take over, a key that is not its own.
  const otherKey = `${ARN}:kms:${REGION}:${ACCOUNT}:key/0000dead-0000-4000-8000-000000000000`;
  for (const action of ['kms:TagResource', 'kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:ScheduleKeyDeletion']) {
    const tagged: Record<string, string> = {
      'aws:RequestTag/ami-bakery:name-prefix': 'ami-bakery',
      'aws:ResourceTag/ami-bakery:name-prefix': 'ami-bakery',
    };
    for (const context of [{}, tagged]) {
      if (allowedBy(role, { action, resource: otherKey, context }).length > 0)
        problems.push(`${action} on a key that is not the bakery's is allowed`);
    }
  }
  return [...new Set(problems)];
}

/** Defect 3: separate build and lifecycle boundaries; lifecycle powers never reach a build instance. */
function boundaryProblems(version: Version): string[] {
  const { bakery } = deployed.get(version.label) as { bakery: Deployed; access: Deployed };
  const build = outputPolicy(version, bakery, 'PermissionsBoundaryArn');
  const lifecycle = outputPolicy(version, bakery, 'LifecyclePermissionsBoundaryArn');
  if (!build || !lifecycle) return ['the bakery stack does not give build-instance and lifecycle roles separate boundaries'];
  const problems: string[] = [];
  const instance = { 'ec2:SourceInstanceARN': `${ARN}:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0` };
  const image = `${ARN}:ec2:${REGION}::image/ami-0123456789abcdef0`;
  const snapshot = `${ARN}:ec2:${REGION}::snapshot/snap-0123456789abcdef0`;
  const artifactBucket = `ami-bakery-artifacts-${ACCOUNT}-${REGION}`;
  const evidenceBucket = bakery.arns.get(ofType(bakery, 'AWS::S3::Bucket').find((id) => id.startsWith('EvidenceBucket')) ?? '') ?? '';
  const s3Kms = { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, ...instance };
  const must: [string, Statement[], Request][] = [
    [
      'build: log upload',
      build,
      { action: 's3:PutObject', resource: `${ARN}:s3:::${artifactBucket}/image-builder-logs/al2023/x.log`, context: instance },
    ],
    [
      'build: evidence upload',
      build,
      { action: 's3:PutObject', resource: `${evidenceBucket}/evidence/al2023/1.0.0/1/summary.json`, context: instance },
    ],
    ['build: KMS through S3', build, { action: 'kms:GenerateDataKey', resource: KEY_ARN, context: s3Kms }],
    ['lifecycle: deregister (Image Builder)', lifecycle, { action: 'ec2:DeregisterImage', resource: image }],
  ];
  const mustNot: [string, Statement[], Request][] = [
    ['build: deregister an AMI', build, { action: 'ec2:DeregisterImage', resource: image, context: instance }],
    ['build: delete a snapshot', build, { action: 'ec2:DeleteSnapshot', resource: snapshot, context: instance }],
    ['lifecycle on an instance: deregister', lifecycle, { action: 'ec2:DeregisterImage', resource: image, context: instance }],
    ['lifecycle on an instance: delete a snapshot', lifecycle, { action: 'ec2:DeleteSnapshot', resource: snapshot, context: instance }],
    ['lifecycle: upload', lifecycle, { action: 's3:PutObject', resource: `${evidenceBucket}/evidence/x`, context: {} }],
  ];
  for (const [name, policy, request] of must) if (allowedBy(policy, request).length === 0) problems.push(`${name} is denied`);
  for (const [name, policy, request] of mustNot) if (allowedBy(policy, request).length > 0) problems.push(`${name} is allowed`);
  if (JSON.stringify(build) === JSON.stringify(lifecycle)) problems.push('the two boundaries are the same policy');
  return problems;
}

/** Defect 5: the recipe deploy role may read what the image pipeline handler reads for scanning. */
function scanningProblems(version: Version): string[] {
  const { bakery } = deployed.get(version.label) as { bakery: Deployed; access: Deployed };
  const role = inlineStatements(bakery, roleNamed(bakery, 'RecipeDeployRole'));
  return allowedBy(role, { action: 'inspector2:BatchGetAccountStatus', resource: '*' }).length > 0
    ? []
    : ['inspector2:BatchGetAccountStatus is denied to the recipe deploy role'];
}

/** Defect 6 and the deploy role's reach: no control-plane resource within the recipe deploy role's grants. */
function recipeDeployRoleReach(version: Version): string[] {
  const { bakery, access } = deployed.get(version.label) as { bakery: Deployed; access: Deployed };
  const role = inlineStatements(bakery, roleNamed(bakery, 'RecipeDeployRole'));
  const problems: string[] = [];
  const controlPlane = [...bakery.arns, ...access.arns];
  const attacks: Record<string, string[]> = {
    'AWS::IAM::Role': [
      'iam:AttachRolePolicy',
      'iam:DeleteRole',
      'iam:PassRole',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
      'iam:UpdateAssumeRolePolicy',
    ],
    'AWS::IAM::ManagedPolicy': ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:SetDefaultPolicyVersion'],
    'AWS::KMS::Key': ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:CreateGrant'],
    'AWS::S3::Bucket': ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:DeleteBucket'],
    'AWS::CodePipeline::Pipeline': ['codepipeline:UpdatePipeline', 'codepipeline:DeletePipeline'],
    'AWS::CodeCommit::Repository': ['codecommit:DeleteRepository', 'codecommit:CreateCommit'],
    'AWS::Lambda::Function': ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration'],
  };
  const types = new Map<string, string>([
    ...bakery.ids().map((id): [string, string] => [id, bakery.type(id)]),
    ...access.ids().map((id): [string, string] => [id, access.type(id)]),
  ]);
  // The boundary a recipe role may be given is part of the request context: try every value the role accepts.
  const boundaries = role.flatMap((s) => [s.Condition?.StringEquals?.['iam:PermissionsBoundary'] ?? []].flat());
  for (const [id, arn] of controlPlane) {
    for (const action of attacks[types.get(id) ?? ''] ?? []) {
      for (const boundary of [undefined, ...boundaries]) {
        const context: Record<string, string> = {
          'iam:PassedToService': 'ec2.amazonaws.com',
          ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}),
          'iam:PolicyARN': `${ARN}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
        };
        if (allowedBy(role, { action, resource: arn, context }).length > 0) problems.push(`${action} on ${arn}`);
      }
    }
  }
  // Every iam:CreateRole needs a boundary.
  if (
    allowedBy(role, { action: 'iam:CreateRole', resource: `${ARN}:iam::${ACCOUNT}:role/ami-bakery-recipe-x/x-InstanceRole-A1` }).length > 0
  )
    problems.push('iam:CreateRole without a permissions boundary');
  return [...new Set(problems)];
}

/**
 * Defect 6 as a template rule: no control-plane resource ARN matches a wildcard that any policy of
 * the two templates allows, except the matches listed (each a resource the grant is for).
 */
const INTENDED_MATCHES: [RegExp, RegExp][] = [
  // The bakery stack deploy role manages the log and evidence buckets and boundaries whose names end in the stack id.
  [/:s3:::ami-bakery-logs-111111111111-\*$/, /:s3:::ami-bakery-logs-111111111111-1a2b3c4d$/],
  [/:s3:::ami-bakery-evidence-111111111111-\*$/, /:s3:::ami-bakery-evidence-111111111111-1a2b3c4d$/],
  [/:policy\/ami-bakery-(build|lifecycle)-boundary-\*$/, /:policy\/ami-bakery-(build|lifecycle)-boundary-1a2b3c4d$/],
  [/:policy\/ami-bakery-recipe-boundary-\*$/, /:policy\/ami-bakery-recipe-boundary-1a2b3c4d$/],
  // ... and the two source rules.
  [/:rule\/ami-bakery-source-\*$/, /:rule\/ami-bakery-source-(codecommit|s3)$/],
];

function wildcardNameProblems(version: Version): string[] {
  const { bakery, access } = deployed.get(version.label) as { bakery: Deployed; access: Deployed };
  const names = [...bakery.arns.values(), ...access.arns.values()];
  const patterns = new Set<string>();
  for (const d of [bakery, access]) {
    for (const id of d.ids()) {
      const props = d.props(id);
      const documents = [
        ...((props.Policies ?? []) as Json[]).map((p) => p.PolicyDocument),
        ...(d.type(id) === 'AWS::IAM::ManagedPolicy' ? [props.PolicyDocument] : []),
      ];
      for (const statement of documents.flatMap((doc) => normalizeStatements(doc)))
        if (statement.Effect === 'Allow') for (const r of statement.Resource) if (/[*?]/.test(r) && r !== '*') patterns.add(r);
    }
  }
  const problems: string[] = [];
  for (const pattern of patterns) {
    for (const name of names) {
      if (!wildcardMatch(pattern, name)) continue;
      if (INTENDED_MATCHES.some(([p, n]) => p.test(pattern) && n.test(name))) continue;
      problems.push(`${name} matches the granted wildcard ${pattern}`);
    }
  }
  return problems.sort();
}

const CHECKS: { defect: string; check: (v: Version) => string[]; previously: RegExp }[] = [
  {
    defect: '1: the first deploy creates the key without a grant over other keys',
    check: keyCreationProblems,
    previously: /kms:TagResource is denied/,
  },
  { defect: '3: separate, narrower build and lifecycle boundaries', check: boundaryProblems, previously: /separate boundaries/ },
  {
    defect: '5: the recipe deploy role reads the Inspector status',
    check: scanningProblems,
    previously: /BatchGetAccountStatus is denied/,
  },
  {
    defect: '6: the recipe deploy role reaches no control-plane role, boundary, key, bucket policy, pipeline or repository',
    check: recipeDeployRoleReach,
    previously: /iam:UpdateAssumeRolePolicy on .*role\/ami-bakery-recipe-deploy/,
  },
  {
    defect: '6: no control-plane name matches a granted wildcard',
    check: wildcardNameProblems,
    previously: /role\/ami-bakery-recipe-deploy matches/,
  },
];

describe.each(CHECKS)('Defect $defect', ({ check, previously }) => {
  it('is present in the previous version (fixture)', () => {
    const problems = check(versions[0] as Version);
    expect(
      problems.some((p) => previously.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('is fixed in this version', () => {
    expect(check(versions[1] as Version)).toEqual([]);
  });
});
