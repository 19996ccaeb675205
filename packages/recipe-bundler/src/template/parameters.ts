/**
 * Template parameters from docs/contracts.md. Every one is optional with a default, and a
 * template declares only those it uses: a CloudFormation deploy action fails on overrides the
 * template does not declare, and the manifest tells the deploy stage which ones to pass.
 */
import { NO_VALUE, ifCondition, ref } from './intrinsics.js';

export type ParameterName = 'ArtifactBucketName' | 'EvidenceBucketName' | 'ArtifactKeyArn' | 'PermissionsBoundaryArn' | 'OrganizationId' | 'ManagementAccountId';

interface ParameterDefinition {
  Type: 'String';
  Default: string;
  AllowedPattern: string;
  ConstraintDescription: string;
  Description: string;
}

export const PARAMETER_DEFINITIONS: Record<ParameterName, ParameterDefinition> = {
  ArtifactBucketName: {
    Type: 'String',
    Default: '',
    // Empty means "no build logs" so the template also deploys outside the bakery.
    AllowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    ConstraintDescription: 'an S3 bucket name, or empty',
    Description: 'Bakery artifact bucket; build logs go to s3://<bucket>/image-builder-logs/<recipe>/. Empty: no S3 build logs.',
  },
  EvidenceBucketName: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    ConstraintDescription: 'an S3 bucket name, or empty',
    Description:
      'Bakery evidence bucket (kept when the bakery is torn down); compliance evidence goes to s3://<bucket>/evidence/<recipe>/<recipe version>/<image build version>/. Required when a component uploads evidence.',
  },
  ArtifactKeyArn: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^$|^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$',
    ConstraintDescription: 'a KMS key ARN, or empty',
    Description: 'KMS key of the artifact and evidence buckets; build instances use it (through S3) to write SSE-KMS objects. Empty: the buckets are not KMS-encrypted.',
  },
  PermissionsBoundaryArn: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^$|^arn:[a-z-]+:iam::[0-9]{12}:policy/[\\w+=,.@/-]+$',
    ConstraintDescription: 'an IAM managed policy ARN, or empty',
    Description: 'Managed policy every role of this stack carries as permissions boundary. Empty: none.',
  },
  OrganizationId: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^$|^o-[a-z0-9]{10,32}$',
    ConstraintDescription: 'an AWS Organizations id (o-...)',
    Description: 'Organization the AMI is shared with (organization and OU launch permissions).',
  },
  ManagementAccountId: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^$|^[0-9]{12}$',
    ConstraintDescription: 'a 12-digit account id',
    Description: 'Management account of the organization; part of organization and OU ARNs.',
  },
};

export const CONDITIONS = {
  HasArtifactBucket: { 'Fn::Not': [{ 'Fn::Equals': [ref('ArtifactBucketName'), ''] }] },
  HasPermissionsBoundary: { 'Fn::Not': [{ 'Fn::Equals': [ref('PermissionsBoundaryArn'), ''] }] },
} as const;

export type ConditionName = keyof typeof CONDITIONS;

/** Which parameters and conditions a template uses; filled while its resources are built. */
export class TemplateInputs {
  readonly parameters = new Set<ParameterName>();
  readonly conditions = new Set<ConditionName>();
  /** Set when a component parameter names the artifact bucket: then an empty bucket name cannot deploy. */
  private bucketRequiredBy: string | undefined;
  /** Set when a component uploads evidence: then an empty evidence bucket name cannot deploy. */
  private evidenceRequiredBy: string | undefined;

  /** Whether a component uploads evidence (the build instance then needs to write `evidence/<recipe>/*` in the evidence bucket). */
  get usesEvidenceBucket(): boolean {
    return this.evidenceRequiredBy !== undefined;
  }

  parameter(name: ParameterName): { Ref: string } {
    this.parameters.add(name);
    return ref(name);
  }

  /** `value` when the condition holds, else the property is left out. */
  when(condition: ConditionName, value: unknown): unknown {
    this.conditions.add(condition);
    return ifCondition(condition, value, NO_VALUE);
  }

  parametersSection(): Record<string, ParameterDefinition> {
    const section: Record<string, ParameterDefinition> = {};
    for (const name of [...this.parameters].sort()) section[name] = PARAMETER_DEFINITIONS[name];
    return section;
  }

  conditionsSection(): Record<string, unknown> | undefined {
    if (this.conditions.size === 0) return undefined;
    const section: Record<string, unknown> = {};
    for (const name of [...this.conditions].sort()) section[name] = CONDITIONS[name];
    return section;
  }

  /** The artifact bucket, for a component that uploads there (`why` ends up in the deploy error). */
  requiredBucket(why: string): { Ref: string } {
    this.bucketRequiredBy ??= why;
    return this.parameter('ArtifactBucketName');
  }

  /** The evidence bucket, for a component that uploads evidence (`why` ends up in the deploy error). */
  requiredEvidenceBucket(why: string): { Ref: string } {
    this.evidenceRequiredBy ??= why;
    return this.parameter('EvidenceBucketName');
  }

  /**
   * Sharing with the organization is useless with an empty id, and a component that uploads to
   * the artifact bucket fails late without one: fail the deploy with a message instead.
   */
  rulesSection(): Record<string, unknown> | undefined {
    const rules: Record<string, unknown> = {};
    const required = (['OrganizationId', 'ManagementAccountId'] as const).filter((name) => this.parameters.has(name));
    if (required.length > 0) {
      rules.OrganizationSharing = {
        Assertions: required.map((name) => ({
          Assert: { 'Fn::Not': [{ 'Fn::Equals': [ref(name), ''] }] },
          AssertDescription: `${name} must be set: the recipe shares its AMIs with the organization or its OUs.`,
        })),
      };
    }
    if (this.bucketRequiredBy !== undefined) {
      rules.ArtifactBucketRequired = {
        Assertions: [
          {
            Assert: { 'Fn::Not': [{ 'Fn::Equals': [ref('ArtifactBucketName'), ''] }] },
            AssertDescription: `ArtifactBucketName must be set: ${this.bucketRequiredBy}.`,
          },
        ],
      };
    }
    if (this.evidenceRequiredBy !== undefined) {
      rules.EvidenceBucketRequired = {
        Assertions: [
          {
            Assert: { 'Fn::Not': [{ 'Fn::Equals': [ref('EvidenceBucketName'), ''] }] },
            AssertDescription: `EvidenceBucketName must be set: ${this.evidenceRequiredBy}.`,
          },
        ],
      };
    }
    return Object.keys(rules).length > 0 ? rules : undefined;
  }
}
