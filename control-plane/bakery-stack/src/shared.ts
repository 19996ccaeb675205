import { Aws, type CfnTag, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Administering a key without using it. The bakery stack's deploy role manages the artifact key
 * through CloudFormation with exactly these; cancelling a deletion stays with the key's account.
 */
const KEY_MANAGEMENT_ACTIONS = [
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

interface AccountKeyProps {
  readonly description: string;
  /** Who may use the key for data, and through which service. */
  readonly dataUse: readonly iam.PolicyStatement[];
  readonly tags?: CfnTag[];
}

/**
 * A rotated customer managed key whose policy leaves administration to the account's IAM policies
 * and data use to `dataUse`: the one key shape of every bakery stack. The 30-day deletion window
 * is the undo time for a key removed with its stack.
 */
function accountKey(scope: Construct, id: string, props: AccountKeyProps): kms.CfnKey {
  return new kms.CfnKey(scope, id, {
    description: props.description,
    enableKeyRotation: true,
    pendingWindowInDays: 30,
    keyPolicy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'KeyAdministration',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['kms:CancelKeyDeletion', ...KEY_MANAGEMENT_ACTIONS],
          resources: ['*'],
        }),
        ...props.dataUse,
      ],
    }),
    ...(props.tags ? { tags: props.tags } : {}),
  });
}

interface CloudFormationServiceRoleProps {
  readonly roleName: string;
  readonly description: string;
  readonly policyName: string;
  readonly statements: iam.PolicyStatement[];
}

/** A role CloudFormation assumes for stacks of this account only, with one inline policy. */
function cloudFormationServiceRole(scope: Construct, id: string, props: CloudFormationServiceRoleProps): iam.Role {
  return new iam.Role(scope, id, {
    roleName: props.roleName,
    description: props.description,
    assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    }),
    inlinePolicies: { [props.policyName]: new iam.PolicyDocument({ statements: props.statements }) },
  });
}

export { type AccountKeyProps, accountKey, type CloudFormationServiceRoleProps, cloudFormationServiceRole, KEY_MANAGEMENT_ACTIONS };
