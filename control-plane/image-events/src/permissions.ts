/**
 * Every IAM permission the image-events function needs, as data: the bakery stack grants exactly
 * these (Fn::Sub over the same placeholders as the deployer's list, plus `${EvidenceBucket}`) and
 * the access proofs evaluate them. It writes only the candidate channel, only deprecates (never
 * disables, never removes a tag), and touches no control-plane resource.
 */
import { catalogPermissions, type PermissionStatement } from '@ami-bakery/deployer/permissions';

const IMAGE_EVENTS_PERMISSIONS: readonly PermissionStatement[] = [
  ...catalogPermissions({
    parameters: 'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/ami-bakery/*/candidate',
    amiActions: ['ec2:EnableImageDeprecation'],
    amiTagKeys: ['ami-bakery:superseded-by'],
    remove: false,
  }),
  {
    sid: 'ReadCatalogSettings',
    actions: ['s3:GetObject'],
    resources: ['arn:${AWS::Partition}:s3:::${ArtifactBucket}/catalog/*'],
    why: "Reads a recipe's catalog settings the deployer stored (deprecateSupersededAfterDays).",
  },
  {
    sid: 'ReadEvidenceSummaries',
    actions: ['s3:GetObject'],
    resources: ['arn:${AWS::Partition}:s3:::${EvidenceBucket}/evidence/*/summary.json'],
    why: "Reads the score of an image's evidence for its event; the raw reports stay unread.",
  },
  {
    sid: 'UseBakeryKeyToRead',
    actions: ['kms:Decrypt'],
    resources: ['${ArtifactKeyArn}'],
    conditions: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.${AWS::URLSuffix}' } },
    why: 'Both buckets are encrypted with the bakery key: reading uses it, through S3 only.',
  },
];

/** Every action the function is allowed, sorted. */
function imageEventsActions(): string[] {
  return [...new Set(IMAGE_EVENTS_PERMISSIONS.filter((s) => s.effect !== 'Deny').flatMap((s) => s.actions))].sort();
}

export { IMAGE_EVENTS_PERMISSIONS, imageEventsActions };
