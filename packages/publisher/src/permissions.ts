import type { PublishTarget } from './types.js';

interface PermissionStatement {
  readonly actions: readonly string[];
  /** In words; the stack that grants them builds the ARN for its own partition. */
  readonly resource: string;
}

/**
 * The IAM actions publish calls, for the role it runs as (the bakery stack grants exactly these).
 * S3 needs s3:ListBucket only so a missing object reads as 404 instead of 403 on the first publish.
 */
function requiredPermissions(target: PublishTarget): PermissionStatement[] {
  if (target.kind === 'codecommit') {
    return [
      {
        actions: ['codecommit:CreateCommit', 'codecommit:GetBranch', 'codecommit:GetFile', 'codecommit:GetFolder'],
        resource: `repository ${target.repositoryName}`,
      },
    ];
  }
  return [
    { actions: ['s3:GetObject', 's3:PutObject'], resource: `object ${target.key} in bucket ${target.bucket}` },
    { actions: ['s3:ListBucket'], resource: `bucket ${target.bucket}` },
    // The bakery bucket is encrypted with its own KMS key: reading and writing objects uses it.
    {
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resource: `the KMS key of bucket ${target.bucket}, through S3 only (kms:ViaService)`,
    },
  ];
}

export type { PermissionStatement };
export { requiredPermissions };
