/**
 * The accounts as IAM sees them once the templates are deployed: every role with its trust
 * policy, inline and attached policies and permissions boundary, every managed policy, bucket
 * policy and key policy, with intrinsics resolved for a test account, region and partition.
 * Stacks are added in deployment order: a stack's exports are what later stacks import.
 */
import { type Json, resolve, type Scope } from './resolve.js';

export const TEST_ENV = {
  partition: 'aws',
  /** The bakery account. */
  account: '111111111111',
  region: 'eu-west-1',
  urlSuffix: 'amazonaws.com',
  organizationId: 'o-a1b2c3d4e5',
  managementAccount: '222222222222',
  namePrefix: 'ami-bakery',
  recipeStackPrefix: 'ami-bakery-recipe-',
  /** Stands in for the random part of names CloudFormation generates. */
  generated: 'A1B2C3D4E5F6',
  /** Content-hash keys the bootstrap Lambda uploads to the control bucket. */
  deployerCodeKey: `deployer/${'a'.repeat(64)}.zip`,
  imageEventsCodeKey: `image-events/${'c'.repeat(64)}.zip`,
  guardRulesKey: `guard-rules/${'b'.repeat(64)}.zip`,
} as const;

const ARN = ['arn', TEST_ENV.partition].join(':');

export interface RoleModel {
  key: string;
  arn: string;
  account: string;
  trust: Json;
  inline: { name: string; policy: Json }[];
  managedPolicyArns: string[];
  boundaryArn?: string;
}

export interface AccountModel {
  roles: Map<string, RoleModel>;
  managedPolicies: Map<string, Json>;
  /** By bucket name. */
  bucketPolicies: Map<string, Json>;
  /** By key ARN. */
  keyPolicies: Map<string, Json>;
  /** By queue or topic ARN. */
  otherResourcePolicies: Map<string, Json>;
  /** Names the rows use in `${...}`: parameters, physical names and ARNs (`<stack>:<logical id>[.Arn]`). */
  names: Record<string, string>;
  /** CloudFormation exports by name. */
  exports: Record<string, string>;
  /** Every deployed stack's resolved template, by its prefix: the rows that derive requests from resources read it. */
  stacks: Map<string, DeployedStack>;
}

export interface DeployedStack {
  prefix: string;
  stackName: string;
  account: string;
  template: Json;
  scope: Scope;
  /** Resolved properties of a resource. */
  properties: (logicalId: string) => Json;
  /** Physical name (what Ref returns) and ARN of a resource. */
  physical: (logicalId: string) => { ref: string; arn: string };
}

function pseudo(stackName: string, account: string): Record<string, string> {
  return {
    'AWS::Partition': TEST_ENV.partition,
    'AWS::Region': TEST_ENV.region,
    'AWS::AccountId': account,
    'AWS::URLSuffix': TEST_ENV.urlSuffix,
    'AWS::StackName': stackName,
    'AWS::StackId': `${ARN}:cloudformation:${TEST_ENV.region}:${account}:stack/${stackName}/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`,
  };
}

function defaults(template: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries((template.Parameters ?? {}) as Record<string, Json>))
    if (spec.Default !== undefined) out[name] = String(spec.Default);
  return out;
}

/** `<stack>-<logical id>-<random>` cut to the service's limit, as CloudFormation names resources. */
function generatedName(stackName: string, id: string, max: number): string {
  const tail = `-${id}-${TEST_ENV.generated}`;
  return `${stackName.slice(0, Math.max(0, max - tail.length))}${tail}`;
}

/** A stable, key-id-shaped UUID per stack and logical id. */
function keyIdOf(stackName: string, id: string): string {
  let hash = 0;
  for (const c of `${stackName}/${id}`) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `${hex}-0000-4a6b-8c7d-9e0f1a2b3c4d`;
}

/** Image Builder ARNs: lower-cased names, and what Ref and GetAtt Arn return. */
const IMAGE_BUILDER: Record<string, (name: string, version: string) => string> = {
  'AWS::ImageBuilder::Component': (name, version) => `component/${name}/${version}/1`,
  'AWS::ImageBuilder::ImageRecipe': (name, version) => `image-recipe/${name}/${version}`,
  'AWS::ImageBuilder::InfrastructureConfiguration': (name) => `infrastructure-configuration/${name}`,
  'AWS::ImageBuilder::DistributionConfiguration': (name) => `distribution-configuration/${name}`,
  'AWS::ImageBuilder::ImagePipeline': (name) => `image-pipeline/${name}`,
  'AWS::ImageBuilder::LifecyclePolicy': (name) => `lifecycle-policy/${name}`,
  'AWS::ImageBuilder::Workflow': (name, version) => `workflow/build/${name}/${version}/1`,
};

/** Physical name and ARN of a resource as CloudFormation would create it. */
function physical(template: Json, id: string, scope: Scope, stackName: string, account: string): { ref: string; arn: string } {
  const resource = (template.Resources as Json)[id] as Json | undefined;
  const props = (resource?.Properties ?? {}) as Json;
  const given = (key: string): string | undefined => (props[key] === undefined ? undefined : String(resolve(props[key], scope)));
  const named = (key: string, max: number): string => given(key) ?? generatedName(stackName, id, max);
  const iamPath = props.Path === undefined ? '/' : String(resolve(props.Path, scope));
  const here = `${TEST_ENV.region}:${account}`;
  const type = String(resource?.Type);
  switch (type) {
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      return { ref: name, arn: `${ARN}:iam::${account}:role${iamPath}${name}` };
    }
    case 'AWS::IAM::InstanceProfile': {
      const name = named('InstanceProfileName', 128);
      return { ref: name, arn: `${ARN}:iam::${account}:instance-profile${iamPath}${name}` };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const name = named('ManagedPolicyName', 128);
      const arn = `${ARN}:iam::${account}:policy${iamPath}${name}`;
      return { ref: arn, arn };
    }
    case 'AWS::S3::Bucket': {
      const name = named('BucketName', 63).toLowerCase();
      return { ref: name, arn: `${ARN}:s3:::${name}` };
    }
    case 'AWS::KMS::Key': {
      const keyId = keyIdOf(stackName, id);
      return { ref: keyId, arn: `${ARN}:kms:${here}:key/${keyId}` };
    }
    case 'AWS::CodeCommit::Repository': {
      const name = named('RepositoryName', 100);
      return { ref: name, arn: `${ARN}:codecommit:${here}:${name}` };
    }
    case 'AWS::CodePipeline::Pipeline': {
      const name = named('Name', 100);
      return { ref: name, arn: `${ARN}:codepipeline:${here}:${name}` };
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName', 64);
      return { ref: name, arn: `${ARN}:lambda:${here}:function:${name}` };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', 512);
      return { ref: name, arn: `${ARN}:logs:${here}:log-group:${name}:*` };
    }
    case 'AWS::Events::Rule': {
      const name = named('Name', 64);
      return { ref: name, arn: `${ARN}:events:${here}:rule/${name}` };
    }
    case 'AWS::SQS::Queue': {
      const name = named('QueueName', 80);
      return { ref: `https://sqs.${TEST_ENV.region}.${TEST_ENV.urlSuffix}/${account}/${name}`, arn: `${ARN}:sqs:${here}:${name}` };
    }
    case 'AWS::SNS::Topic': {
      const arn = `${ARN}:sns:${here}:${named('TopicName', 256)}`;
      return { ref: arn, arn };
    }
    default: {
      const builder = IMAGE_BUILDER[type];
      if (builder) {
        const arn = `${ARN}:imagebuilder:${here}:${builder(String(given('Name')).toLowerCase(), String(given('Version')))}`;
        return { ref: arn, arn };
      }
      const name = given('Name') ?? `${stackName}-${id}`;
      return { ref: name, arn: `${ARN}:cloudformation:${here}:physical/${stackName}/${id}` };
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
  account: string = TEST_ENV.account,
): DeployedStack {
  const resources = template.Resources as Record<string, Json>;
  const memo = new Map<string, { ref: string; arn: string }>();
  const scope: Scope = {
    values: { ...pseudo(stackName, account), ...defaults(template), ...parameters },
    conditions: template.Conditions as Json | undefined,
    imports: model.exports,
    ref: (id) => {
      if (!(id in resources)) throw new Error(`Ref ${id}: no such parameter or resource in ${stackName}`);
      if (!memo.has(id)) memo.set(id, physical(template, id, scope, stackName, account));
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
  const properties = (id: string): Json => (resolve(resources[id]?.Properties ?? {}, scope) ?? {}) as Json;
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Condition !== undefined && resolve({ Condition: resource.Condition }, scope) !== true) continue;
    const props = properties(id);
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const role: RoleModel = {
          key: `${prefix}:${id}`,
          arn: scope.getAtt(id, 'Arn'),
          account,
          trust: props.AssumeRolePolicyDocument as Json,
          inline: ((props.Policies ?? []) as Json[]).map((p) => ({ name: String(p.PolicyName), policy: p.PolicyDocument as Json })),
          managedPolicyArns: ((props.ManagedPolicyArns ?? []) as unknown[]).map(String),
          ...(props.PermissionsBoundary ? { boundaryArn: String(props.PermissionsBoundary) } : {}),
        };
        model.roles.set(role.key, role);
        setName(`${prefix}:${id}`, scope.ref(id));
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
          if (!role) throw new Error(`${stackName}: policy ${id} names role ${roleName}, which is not in the model`);
          role.inline.push({ name: String(props.PolicyName), policy: props.PolicyDocument as Json });
        }
        break;
      case 'AWS::S3::BucketPolicy':
        model.bucketPolicies.set(String(props.Bucket), props.PolicyDocument as Json);
        break;
      case 'AWS::SQS::QueuePolicy':
        for (const queue of (props.Queues ?? []) as string[]) {
          const queueArn = `${ARN}:sqs:${TEST_ENV.region}:${account}:${queue.split('/').pop()}`;
          model.otherResourcePolicies.set(queueArn, props.PolicyDocument as Json);
        }
        break;
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SNS::TopicInlinePolicy':
        for (const topic of [...((props.Topics ?? []) as string[]), ...(props.TopicArn ? [String(props.TopicArn)] : [])])
          model.otherResourcePolicies.set(topic, props.PolicyDocument as Json);
        break;
      case 'AWS::KMS::Key':
        model.keyPolicies.set(scope.getAtt(id, 'Arn'), props.KeyPolicy as Json);
        setName(`${prefix}:${id}.Arn`, scope.getAtt(id, 'Arn'));
        break;
      default:
        setName(`${prefix}:${id}`, scope.ref(id));
        setName(`${prefix}:${id}.Arn`, scope.getAtt(id, 'Arn'));
        break;
    }
  }
  for (const [name, output] of Object.entries((template.Outputs ?? {}) as Record<string, Json>)) {
    if (output.Condition !== undefined && resolve({ Condition: output.Condition }, scope) !== true) continue;
    const value = resolve(output.Value, scope);
    if (typeof value !== 'string') continue;
    setName(`${prefix}:output:${name}`, value);
    const exportName = output.Export === undefined ? undefined : resolve((output.Export as Json).Name, scope);
    if (typeof exportName === 'string') model.exports[exportName] = value;
  }
  const stack: DeployedStack = {
    prefix,
    stackName,
    account,
    template,
    scope,
    properties,
    physical: (id) => {
      scope.ref(id);
      return memo.get(id) as { ref: string; arn: string };
    },
  };
  model.stacks.set(prefix, stack);
  return stack;
}

export function emptyModel(): AccountModel {
  return {
    roles: new Map(),
    managedPolicies: new Map(),
    bucketPolicies: new Map(),
    keyPolicies: new Map(),
    otherResourcePolicies: new Map(),
    names: {},
    exports: {},
    stacks: new Map(),
  };
}

export { ARN };
