/**
 * The bakery account as IAM sees it once the templates are deployed: every role with its trust
 * policy, inline and attached policies and permissions boundary, every managed policy, bucket
 * policy and key policy, with intrinsics resolved for a test account, region and partition.
 */
import { type Json, resolve, type Scope } from './resolve.js';

export const TEST_ENV = {
  partition: 'aws',
  account: '111111111111',
  region: 'eu-west-1',
  urlSuffix: 'amazonaws.com',
  organizationId: 'o-a1b2c3d4e5',
  managementAccount: '222222222222',
  namePrefix: 'ami-bakery',
  recipeStackPrefix: 'ami-bakery-recipe-',
  /** Stands in for the random part of names CloudFormation generates. */
  generated: 'A1B2C3D4E5F6',
} as const;

const ARN = ['arn', TEST_ENV.partition].join(':');

export interface RoleModel {
  key: string;
  arn: string;
  trust: Json;
  inline: { name: string; policy: Json }[];
  managedPolicyArns: string[];
  boundaryArn?: string;
}

export interface AccountModel {
  roles: Map<string, RoleModel>;
  managedPolicies: Map<string, Json>;
  bucketPolicies: Map<string, Json>;
  keyPolicies: Map<string, Json>;
  /** Names the rows use in `${...}`: parameters and physical names. */
  names: Record<string, string>;
}

function pseudo(stackName: string): Record<string, string> {
  return {
    'AWS::Partition': TEST_ENV.partition,
    'AWS::Region': TEST_ENV.region,
    'AWS::AccountId': TEST_ENV.account,
    'AWS::URLSuffix': TEST_ENV.urlSuffix,
    'AWS::StackName': stackName,
    'AWS::StackId': `${ARN}:cloudformation:${TEST_ENV.region}:${TEST_ENV.account}:stack/${stackName}/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`,
  };
}

function defaults(template: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries((template.Parameters ?? {}) as Record<string, Json>))
    if (typeof spec.Default === 'string') out[name] = spec.Default;
  return out;
}

/** Physical name and ARN of a resource as CloudFormation would create it. */
function physical(template: Json, id: string, scope: Scope, stackName: string): { ref: string; arn: string } {
  const resource = (template.Resources as Json)[id] as Json | undefined;
  const props = (resource?.Properties ?? {}) as Json;
  const named = (key: string, max: number): string => {
    const given = props[key];
    if (given !== undefined) return String(resolve(given, scope));
    const tail = `-${id}-${TEST_ENV.generated}`;
    return `${stackName.slice(0, Math.max(0, max - tail.length))}${tail}`;
  };
  const iamPath = props.Path === undefined ? '/' : String(resolve(props.Path, scope));
  switch (resource?.Type) {
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      return { ref: name, arn: `${ARN}:iam::${TEST_ENV.account}:role${iamPath}${name}` };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const name = named('ManagedPolicyName', 128);
      const arn = `${ARN}:iam::${TEST_ENV.account}:policy${iamPath}${name}`;
      return { ref: arn, arn };
    }
    case 'AWS::S3::Bucket': {
      const name = named('BucketName', 63).toLowerCase();
      return { ref: name, arn: `${ARN}:s3:::${name}` };
    }
    case 'AWS::KMS::Key': {
      const keyId = `0a1b2c3d-${id.length.toString().padStart(4, '0')}-4a6b-8c7d-9e0f1a2b3c4d`;
      return { ref: keyId, arn: `${ARN}:kms:${TEST_ENV.region}:${TEST_ENV.account}:key/${keyId}` };
    }
    case 'AWS::CodeCommit::Repository': {
      const name = named('RepositoryName', 100);
      return { ref: name, arn: `${ARN}:codecommit:${TEST_ENV.region}:${TEST_ENV.account}:${name}` };
    }
    default: {
      const name = props.Name === undefined ? `${stackName}-${id}` : String(resolve(props.Name, scope));
      return { ref: name, arn: `${ARN}:cloudformation:${TEST_ENV.region}:${TEST_ENV.account}:physical/${stackName}/${id}` };
    }
  }
}

/** Adds one deployed stack to the model; `prefix` names its roles in rows (`bakery:PipelineRole`). */
export function addStack(
  model: AccountModel,
  prefix: string,
  template: Json,
  stackName: string,
  parameters: Record<string, string>,
): Scope {
  const resources = template.Resources as Record<string, Json>;
  const memo = new Map<string, { ref: string; arn: string }>();
  const scope: Scope = {
    values: { ...pseudo(stackName), ...defaults(template), ...parameters },
    conditions: template.Conditions as Json | undefined,
    ref: (id) => {
      if (!(id in resources)) throw new Error(`Ref ${id}: no such parameter or resource in ${stackName}`);
      if (!memo.has(id)) memo.set(id, physical(template, id, scope, stackName));
      return (memo.get(id) as { ref: string }).ref;
    },
    getAtt: (id, attribute) => {
      scope.ref(id);
      const p = memo.get(id) as { ref: string; arn: string };
      if (attribute === 'Arn') return p.arn;
      if (attribute === 'KeyId') return p.ref;
      return `${p.arn}#${attribute}`;
    },
  };
  const setName = (key: string, value: string): void => {
    model.names[key] = value;
    // CDK appends an 8-character hash to logical ids: rows name them without it.
    const short = key.replace(/^([^:]+:.*?)[0-9A-F]{8}(\.Arn)?$/, '$1$2');
    if (short !== key) model.names[short] = value;
  };
  for (const [id, resource] of Object.entries(resources)) {
    const props = (resolve(resource.Properties ?? {}, scope) ?? {}) as Json;
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const role: RoleModel = {
          key: `${prefix}:${id}`,
          arn: scope.getAtt(id, 'Arn'),
          trust: props.AssumeRolePolicyDocument as Json,
          inline: ((props.Policies ?? []) as Json[]).map((p) => ({ name: String(p.PolicyName), policy: p.PolicyDocument as Json })),
          managedPolicyArns: ((props.ManagedPolicyArns ?? []) as unknown[]).map(String),
          ...(props.PermissionsBoundary ? { boundaryArn: String(props.PermissionsBoundary) } : {}),
        };
        model.roles.set(role.key, role);
        setName(`${prefix}:${id}.Arn`, role.arn);
        break;
      }
      case 'AWS::IAM::ManagedPolicy':
        model.managedPolicies.set(scope.ref(id), props.PolicyDocument as Json);
        setName(`${prefix}:${id}`, scope.ref(id));
        break;
      case 'AWS::IAM::Policy':
        for (const roleName of (props.Roles ?? []) as string[]) {
          const role = [...model.roles.values()].find((r) => r.arn.endsWith(`/${roleName}`));
          role?.inline.push({ name: String(props.PolicyName), policy: props.PolicyDocument as Json });
        }
        break;
      case 'AWS::S3::BucketPolicy':
        model.bucketPolicies.set(String(props.Bucket), props.PolicyDocument as Json);
        break;
      case 'AWS::KMS::Key':
        model.keyPolicies.set(scope.getAtt(id, 'Arn'), props.KeyPolicy as Json);
        setName(`${prefix}:${id}.Arn`, scope.getAtt(id, 'Arn'));
        break;
      case 'AWS::S3::Bucket':
      case 'AWS::CodeCommit::Repository':
        setName(`${prefix}:${id}`, scope.ref(id));
        setName(`${prefix}:${id}.Arn`, scope.getAtt(id, 'Arn'));
        break;
      default:
        break;
    }
  }
  return scope;
}

export function emptyModel(): AccountModel {
  return { roles: new Map(), managedPolicies: new Map(), bucketPolicies: new Map(), keyPolicies: new Map(), names: {} };
}

export { ARN };
