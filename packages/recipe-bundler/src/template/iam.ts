/**
 * The two roles a recipe stack needs. Both carry the deploy-time permissions boundary when one
 * is given, and neither can do more than its AWS-managed service policy plus, for the build
 * instance, writing its own build logs.
 */
import { escapeSub, ref, sub } from './intrinsics.js';
import type { TemplateInputs } from './parameters.js';

/** Where build logs go: the objects the instance may write, and whether that hangs on the bucket parameter being set. */
export interface LogTarget {
  objectsArn: unknown;
  conditional: boolean;
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
 * @param evidenceArn objects a component uploads evidence to (audit reports); only given when a
 *   component parameter names the artifact bucket, which a template rule then makes mandatory.
 */
export function instanceRole(inputs: TemplateInputs, recipeName: string, logs: LogTarget | undefined, tags: unknown[], evidenceArn?: unknown): Record<string, unknown> {
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
    PermissionsBoundary: inputs.when('HasPermissionsBoundary', inputs.parameter('PermissionsBoundaryArn')),
  };
  const logPolicy = logs && {
    PolicyName: 'write-build-logs',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'WriteBuildLogs', Effect: 'Allow', Action: 's3:PutObject', Resource: logs.objectsArn }],
    },
  };
  const evidencePolicy = evidenceArn !== undefined && {
    PolicyName: 'write-evidence',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'WriteEvidence', Effect: 'Allow', Action: 's3:PutObject', Resource: evidenceArn }],
    },
  };
  if (logPolicy && !evidencePolicy) properties.Policies = logs?.conditional ? inputs.when('HasArtifactBucket', [logPolicy]) : [logPolicy];
  // The evidence policy is unconditional (a template rule requires the bucket), so a conditional log policy becomes a conditional item.
  if (evidencePolicy) properties.Policies = [...(logPolicy ? [logs?.conditional ? inputs.when('HasArtifactBucket', logPolicy) : logPolicy] : []), evidencePolicy];
  if (tags.length > 0) properties.Tags = tags;
  return { Type: 'AWS::IAM::Role', Properties: properties };
}

export function instanceProfile(): Record<string, unknown> {
  return { Type: 'AWS::IAM::InstanceProfile', Properties: { Path: iamPath(), Roles: [ref('InstanceRole')] } };
}

export function lifecycleExecutionRole(inputs: TemplateInputs, recipeName: string, tags: unknown[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    Description: `Image Builder lifecycle policy of the ${recipeName} recipe (deletes its old images)`,
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
    PermissionsBoundary: inputs.when('HasPermissionsBoundary', inputs.parameter('PermissionsBoundaryArn')),
  };
  if (tags.length > 0) properties.Tags = tags;
  return { Type: 'AWS::IAM::Role', Properties: properties };
}

/** `arn:<partition>:s3:::<artifact bucket>/<prefix>/*`: where components may upload evidence. */
export function evidenceObjectsArn(keyPrefix: string): { 'Fn::Sub': string } {
  return sub(`arn:\${AWS::Partition}:s3:::\${ArtifactBucketName}/${escapeSub(trimSlashes(keyPrefix))}/*`);
}

/** `arn:<partition>:s3:::<bucket>/<prefix>/*` for a bucket given as a parameter. */
export function logObjectsArnFromParameter(keyPrefix: string): { 'Fn::Sub': string } {
  return sub(`arn:\${AWS::Partition}:s3:::\${ArtifactBucketName}/${escapeSub(trimSlashes(keyPrefix))}/*`);
}

/** `arn:<partition>:s3:::<bucket>/<prefix>/*` for a bucket named in the recipe. */
export function logObjectsArn(bucket: string, keyPrefix: string): { 'Fn::Sub': string } {
  return sub(`arn:\${AWS::Partition}:s3:::${escapeSub(bucket)}/${escapeSub(trimSlashes(keyPrefix))}/*`);
}

export function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}
