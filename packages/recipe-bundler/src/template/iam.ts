/**
 * The two roles a recipe stack needs, each under its own bakery permissions boundary: the build
 * instance role (`PermissionsBoundaryArn`) and the lifecycle role
 * (`LifecyclePermissionsBoundaryArn`). Both boundaries are mandatory parameters the deployer
 * fills, never conditional: the invariants (RB6004) refuse a role without one. Neither role can
 * do more than its AWS-managed service policy plus, for the build instance, writing its own build
 * logs and evidence with the bakery key through S3.
 */
import { escapeSub, ref, sub } from './intrinsics.js';
import type { TemplateInputs } from './parameters.js';

/** The objects the build instance may write, in a bucket of the bakery (encrypted with its key) or one the recipe names. */
export interface S3Target {
  /** `arn:<partition>:s3:::<bucket>` */
  bucketArn: unknown;
  /** `arn:<partition>:s3:::<bucket>/<prefix>/*` */
  objectsArn: unknown;
  /** The bucket is a bakery bucket (SSE-KMS with ArtifactKeyArn). */
  bakeryKey: boolean;
}

/**
 * `/<stack name>/`: role and instance profile ARNs then start with the stack name
 * (`role/<stack name>/<generated name>`), which the bakery's deploy role requires
 * (`role/<RecipeStackPrefix>*`), while CloudFormation still generates the names themselves so a
 * replacement never collides with the resource it replaces.
 */
export function iamPath(): { 'Fn::Sub': string } {
  return sub('/${AWS::StackName}/');
}

/**
 * @param logs where Image Builder uploads the build logs (none: the recipe turned S3 logs off)
 * @param evidence where components upload audit evidence; only given when a component parameter
 *   names an evidence placeholder.
 */
export function instanceRole(
  inputs: TemplateInputs,
  recipeName: string,
  logs: S3Target | undefined,
  tags: unknown[],
  evidence?: S3Target,
): Record<string, unknown> {
  const policies: unknown[] = [];
  if (logs) policies.push(putObjectPolicy('write-build-logs', 'WriteBuildLogs', logs.objectsArn));
  if (evidence) {
    policies.push(putObjectPolicy('write-evidence', 'WriteEvidence', evidence.objectsArn));
    policies.push({
      PolicyName: 'read-own-instance-tags',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            // The evidence folder is named after the image build version, which Image Builder
            // gives the test instance only as its Ec2ImageBuilderArn tag. DescribeTags has no
            // resource-level permissions.
            Sid: 'ReadImageBuildVersionTag',
            Effect: 'Allow',
            Action: 'ec2:DescribeTags',
            Resource: '*',
          },
        ],
      },
    });
  }
  const encrypted = [logs, evidence].filter((target): target is S3Target => target?.bakeryKey === true);
  if (encrypted.length > 0) {
    policies.push({
      PolicyName: 'use-bakery-key-through-s3',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            // S3 asks KMS for a data key (and to decrypt it for multipart uploads) on the caller's
            // behalf: the bakery buckets are SSE-KMS, and the key policy leaves its use to IAM.
            Sid: 'EncryptUploadsThroughS3',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: inputs.parameter('ArtifactKeyArn'),
            Condition: {
              StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}') },
              // The bucket (S3 Bucket Keys) or the objects this role may write, nothing else.
              StringLike: {
                'kms:EncryptionContext:aws:s3:arn': uniqueJson(encrypted.flatMap((target) => [target.bucketArn, target.objectsArn])),
              },
            },
          },
        ],
      },
    });
  }
  const properties: Record<string, unknown> = {
    Description: `Build and test instances of the ${recipeName} image pipeline`,
    Path: iamPath(),
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    ManagedPolicyArns: [
      // The SSM agent is how Image Builder drives the instance; without it builds time out (G11).
      sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore'),
      sub('arn:${AWS::Partition}:iam::aws:policy/EC2InstanceProfileForImageBuilder'),
    ],
    PermissionsBoundary: inputs.parameter('PermissionsBoundaryArn'),
  };
  if (policies.length > 0) properties.Policies = policies;
  if (tags.length > 0) properties.Tags = tags;
  return { Type: 'AWS::IAM::Role', Properties: properties };
}

/** Values in first-seen order, duplicates (by JSON) dropped. */
function uniqueJson(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function putObjectPolicy(name: string, sid: string, objectsArn: unknown): Record<string, unknown> {
  return {
    PolicyName: name,
    PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: 's3:PutObject', Resource: objectsArn }] },
  };
}

export function instanceProfile(): Record<string, unknown> {
  return { Type: 'AWS::IAM::InstanceProfile', Properties: { Path: iamPath(), Roles: [ref('InstanceRole')] } };
}

export function lifecycleExecutionRole(inputs: TemplateInputs, recipeName: string, tags: unknown[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    Description: `Image Builder lifecycle policy of the ${recipeName} recipe (deprecates, then deletes its old images)`,
    Path: iamPath(),
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'imagebuilder.amazonaws.com' },
          Action: 'sts:AssumeRole',
          // Confused-deputy guard: only Image Builder acting for this account may use the role.
          Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
        },
      ],
    },
    ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy')],
    PermissionsBoundary: inputs.parameter('LifecyclePermissionsBoundaryArn'),
  };
  if (tags.length > 0) properties.Tags = tags;
  return { Type: 'AWS::IAM::Role', Properties: properties };
}

/** `s3://<bucket parameter>/<prefix>/*` of a bakery bucket given as a template parameter. */
export function bakeryTarget(
  inputs: TemplateInputs,
  bucketParameter: 'ArtifactBucketName' | 'EvidenceBucketName',
  keyPrefix: string,
): S3Target {
  inputs.parameter(bucketParameter);
  return {
    bucketArn: sub(`arn:\${AWS::Partition}:s3:::\${${bucketParameter}}`),
    objectsArn: sub(`arn:\${AWS::Partition}:s3:::\${${bucketParameter}}/${escapeSub(trimSlashes(keyPrefix))}/*`),
    bakeryKey: true,
  };
}

/** `arn:<partition>:s3:::<bucket>/<prefix>/*` for a bucket named in the recipe. */
export function logObjectsArn(bucket: string, keyPrefix: string): { 'Fn::Sub': string } {
  return sub(`arn:\${AWS::Partition}:s3:::${escapeSub(bucket)}/${escapeSub(trimSlashes(keyPrefix))}/*`);
}

export function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}
