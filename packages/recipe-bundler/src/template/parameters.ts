/**
 * Template parameters from docs/contracts.md. Every one is optional with a default, and a
 * template declares only those it uses: a CloudFormation deploy action fails on overrides the
 * template does not declare, and the manifest tells the deploy stage which ones to pass.
 */
import { ifCondition, NO_VALUE, ref } from './intrinsics.js';

export type ParameterName =
  | 'ArtifactBucketName'
  | 'ArtifactKeyArn'
  | 'EvidenceBucketName'
  | 'PermissionsBoundaryArn'
  | 'LifecyclePermissionsBoundaryArn'
  | 'OrganizationId'
  | 'ManagementAccountId';

interface ParameterDefinition {
  Type: 'String';
  /** Absent: the deployer must pass a value (the security parameters of docs/contracts.md). */
  Default?: string;
  AllowedPattern: string;
  ConstraintDescription: string;
  Description: string;
}

export const PARAMETER_DEFINITIONS: Record<ParameterName, ParameterDefinition> = {
  ArtifactBucketName: {
    Type: 'String',
    // No default: build instances write their logs there, and the role's grant names it.
    AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    ConstraintDescription: 'an S3 bucket name',
    Description: 'Bakery artifact bucket; build logs go to s3://<bucket>/image-builder-logs/<recipe>/.',
  },
  ArtifactKeyArn: {
    Type: 'String',
    AllowedPattern: '^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$',
    ConstraintDescription: 'a KMS key ARN',
    Description: 'KMS key of the artifact and evidence buckets; build instances use it through S3 for their SSE-KMS uploads.',
  },
  EvidenceBucketName: {
    Type: 'String',
    AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    ConstraintDescription: 'an S3 bucket name',
    Description: 'Bakery evidence bucket; build instances upload audit evidence to s3://<bucket>/evidence/<recipe>/ only.',
  },
  PermissionsBoundaryArn: {
    Type: 'String',
    // No default and no empty value: a recipe role without the boundary must never deploy.
    AllowedPattern: '^arn:[a-z-]+:iam::[0-9]{12}:policy/[\\w+=,.@/-]+$',
    ConstraintDescription: 'an IAM managed policy ARN',
    Description: 'Permissions boundary of the build-instance role of this stack.',
  },
  LifecyclePermissionsBoundaryArn: {
    Type: 'String',
    AllowedPattern: '^arn:[a-z-]+:iam::[0-9]{12}:policy/[\\w+=,.@/-]+$',
    ConstraintDescription: 'an IAM managed policy ARN',
    Description: 'Permissions boundary of the lifecycle-policy role of this stack.',
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

/** None today: the security parameters are mandatory, so nothing in a recipe template is conditional on them. */
export const CONDITIONS = {} as const satisfies Record<string, unknown>;

export type ConditionName = keyof typeof CONDITIONS;

/** Which parameters and conditions a template uses; filled while its resources are built. */
export class TemplateInputs {
  readonly parameters = new Set<ParameterName>();
  readonly conditions = new Set<ConditionName>();

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

  /**
   * Sharing with the organization is useless with an empty id: fail the deploy with a message instead.
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
    return Object.keys(rules).length > 0 ? rules : undefined;
  }
}
