/**
 * Every IAM permission the deployer's role needs, as data: the bakery stack grants exactly these
 * (substituting the placeholders with Fn::Sub) and the access proofs evaluate them.
 *
 * Placeholders (CloudFormation Fn::Sub syntax): `${AWS::Partition}`, `${AWS::Region}`,
 * `${AWS::AccountId}`, `${AWS::URLSuffix}`, and the bakery values `${ArtifactBucket}`,
 * `${RecipeStackPrefix}`, `${RecipeDeployRoleArn}`, `${ArtifactKeyArn}` (the bakery key, which
 * encrypts the artifact and the control bucket), `${ControlBucket}`, `${GuardRulesKey}`, and for the
 * image catalog `${NamePrefix}`, `${OrganizationId}`, `${ManagementAccountId}`.
 *
 * Not listed: reading the source artifact. The deployer reads it with the temporary credentials
 * CodePipeline hands each job (`artifactCredentials`, the pipeline role's), so its own role needs
 * no access to the pipeline's artifacts. Logging (logs:CreateLogStream, logs:PutLogEvents on the
 * function's log group) is the Lambda's own concern.
 */
import { CHANGE_SET_RESOURCE_TYPES } from '@ami-bakery/bundle';

interface PermissionStatement {
  readonly sid: string;
  /** Allow unless said otherwise; a Deny carves an exception out of a wider Allow of the same list. */
  readonly effect?: 'Deny';
  readonly actions: readonly string[];
  /** ARN templates; `*` only where the actions take no resource (the service authorization reference lists none). */
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Why the deployer needs it. */
  readonly why: string;
}

const STACKS = 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${RecipeStackPrefix}*/*';

/** Channel parameters `/ami-bakery/<recipe>/<channel>` in any region of this account. */
const CHANNEL_PARAMETERS = 'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/ami-bakery/*/*';
/** The distribution's own `/ami-bakery/<recipe>/latest`: never a channel. */
const DISTRIBUTION_PARAMETERS = 'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/ami-bakery/*/latest';
/** AMIs in any region: only this account's, only those of a bakery recipe (the distribution tags every one). */
const RECIPE_AMIS = 'arn:${AWS::Partition}:ec2:*::image/*';
const OWN_RECIPE_AMI = {
  Null: { 'ec2:ResourceTag/ami-bakery:recipe': 'false' },
  StringEquals: { 'ec2:Owner': '${AWS::AccountId}' },
} as const;
const ORGANIZATION = 'arn:${AWS::Partition}:organizations::${ManagementAccountId}:organization/${OrganizationId}';

/**
 * The image catalog: channel parameters shared with the organization through one RAM share per
 * region, revocations and superseded-image deprecation on the bakery's own AMIs, the events.
 * `parameters` is the resource the channel writes may touch (the deployer: every channel; the
 * image-events function: candidate only); `amiTagKeys` the AMI tags it may set or remove.
 */
function catalogPermissions(options: {
  parameters: string;
  amiActions: readonly string[];
  amiTagKeys: readonly string[];
  /** The deployer removes channels and revocation tags; the image-events function only adds. */
  remove: boolean;
}): PermissionStatement[] {
  return [
    {
      sid: 'ReadImages',
      actions: ['imagebuilder:GetImage'],
      resources: ['arn:${AWS::Partition}:imagebuilder:${AWS::Region}:${AWS::AccountId}:image/${RecipeStackPrefix}*/*/*'],
      why: "Reads each image build's state and the AMI it distributed to every region (Image Builder names images after the recipe stack).",
    },
    {
      sid: 'DescribeAmis',
      actions: ['ec2:DescribeImages'],
      resources: ['*'],
      why: "Lists the recipe's AMIs per region with their deprecation time, state and tags; PutParameter of an aws:ec2:image parameter also checks the AMI with it. DescribeImages takes no resource.",
    },
    {
      sid: 'ReadChannels',
      actions: ['ssm:GetParametersByPath'],
      resources: ['arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/ami-bakery/*'],
      why: "Reads a recipe's channel parameters (/ami-bakery/<recipe>) in every region it distributes to.",
    },
    {
      sid: 'WriteChannels',
      actions: ['ssm:AddTagsToResource', 'ssm:PutParameter', ...(options.remove ? ['ssm:DeleteParameter'] : [])],
      resources: [options.parameters],
      why: 'Writes (and removes) channel parameters /ami-bakery/<recipe>/<channel>, advanced tier, data type aws:ec2:image, tagged with the recipe and channel.',
    },
    ...(options.remove
      ? [
          {
            sid: 'NeverLatest',
            effect: 'Deny' as const,
            actions: ['ssm:AddTagsToResource', 'ssm:DeleteParameter', 'ssm:PutParameter', 'ssm:PutResourcePolicy'],
            resources: [DISTRIBUTION_PARAMETERS],
            why: 'The distribution writes /ami-bakery/<recipe>/latest itself; no channel may take it.',
          },
        ]
      : []),
    {
      sid: 'FindShares',
      actions: ['ram:GetResourceShareAssociations', 'ram:GetResourceShares'],
      resources: ['*'],
      why: 'Finds the channel share of a region and whether a parameter is in it; both take no resource.',
    },
    {
      sid: 'CreateShare',
      actions: ['ram:CreateResourceShare'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'ram:RequestedAllowsExternalPrincipals': 'false',
          'ram:Principal': ORGANIZATION,
          'ram:RequestedResourceType': 'ssm:Parameter',
        },
        StringLike: { 'ram:ResourceArn': options.parameters },
      },
      why: "Creates the region's channel share (named <NamePrefix>-channels) with its first parameter: the organization as the only principal, no external principals.",
    },
    {
      sid: 'ShareChannels',
      actions: ['ram:AssociateResourceShare'],
      resources: ['arn:${AWS::Partition}:ram:*:${AWS::AccountId}:resource-share/*'],
      conditions: {
        StringEquals: { 'ram:ResourceShareName': '${NamePrefix}-channels', 'ram:AllowsExternalPrincipals': 'false' },
        StringLike: { 'ram:ResourceArn': options.parameters },
        Null: { 'ram:Principal': 'true' },
      },
      why: "Adds a channel parameter to the bakery's channel share; never a principal, never another resource.",
    },
    {
      sid: 'ChannelSharePolicy',
      actions: ['ssm:PutResourcePolicy'],
      resources: [options.parameters],
      why: "Sharing through RAM needs the owning service's policy action of the caller (the RAM guide's \"resourceOwningService:PutPolicyAction\"): RAM writes the channel parameter's resource policy. Only channel parameters; the share admits the organization alone.",
    },
    {
      sid: 'RecipeAmis',
      actions: [...options.amiActions],
      resources: [RECIPE_AMIS],
      conditions: OWN_RECIPE_AMI,
      why: 'Deprecates (now on revocation, later when superseded), disables and enables again the AMIs of bakery recipes owned by this account, in every region they were distributed to. No launch permission change: never public.',
    },
    {
      sid: 'TagAmis',
      actions: ['ec2:CreateTags'],
      resources: [RECIPE_AMIS],
      conditions: { ...OWN_RECIPE_AMI, 'ForAllValues:StringEquals': { 'aws:TagKeys': [...options.amiTagKeys] } },
      why: "Sets the catalog's own AMI tags (revocation reason and time, superseded-by) and no other tag.",
    },
    ...(options.remove
      ? [
          {
            sid: 'UntagAmis',
            actions: ['ec2:DeleteTags'],
            resources: [RECIPE_AMIS],
            // DeleteTags has no ec2:Owner key; only an AMI's owner can remove its tags anyway.
            conditions: {
              Null: OWN_RECIPE_AMI.Null,
              'ForAllValues:StringEquals': { 'aws:TagKeys': [...options.amiTagKeys] },
            },
            why: 'Removes the revocation tags when an image is unrevoked; no other tag.',
          },
        ]
      : []),
    {
      sid: 'CatalogEvents',
      actions: ['events:PutEvents'],
      resources: ['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default'],
      // events:source is multivalued (one value per entry of a PutEvents batch): every entry's source
      // must be ami-bakery, and a request without one matches nothing.
      conditions: { 'ForAllValues:StringEquals': { 'events:source': ['ami-bakery'] }, Null: { 'events:source': 'false' } },
      why: 'Publishes the catalog events (source ami-bakery, every entry of a batch) on the default bus.',
    },
  ];
}

/** The deployer's catalog grants: every channel, revocation and unrevocation, superseded images. */
const DEPLOYER_CATALOG_PERMISSIONS: readonly PermissionStatement[] = catalogPermissions({
  parameters: CHANNEL_PARAMETERS,
  amiActions: ['ec2:DisableImage', 'ec2:DisableImageDeprecation', 'ec2:EnableImage', 'ec2:EnableImageDeprecation'],
  amiTagKeys: [
    'ami-bakery:deprecation-before-revocation',
    'ami-bakery:revoked-at',
    'ami-bakery:revoked-reason',
    'ami-bakery:superseded-by',
  ],
  remove: true,
});
const OBJECTS = (prefix: string) => `arn:\${AWS::Partition}:s3:::\${ArtifactBucket}/${prefix}/*`;

const DEPLOYER_PERMISSIONS: readonly PermissionStatement[] = [
  {
    sid: 'ListStacks',
    actions: ['cloudformation:DescribeStacks'],
    resources: ['*'],
    why: 'Lists every stack with its status and tags (DescribeStacks without a stack name is authorized on "*") to find the deployed recipe stacks.',
  },
  {
    sid: 'CreateRecipeChangeSets',
    actions: ['cloudformation:CreateChangeSet'],
    resources: [STACKS],
    conditions: {
      StringEquals: { 'cloudformation:RoleArn': '${RecipeDeployRoleArn}' },
      StringLike: { 'cloudformation:TemplateUrl': 'https://${ArtifactBucket}.s3.${AWS::Region}.${AWS::URLSuffix}/deployments/*' },
      'ForAllValues:StringEquals': { 'cloudformation:ResourceTypes': [...CHANGE_SET_RESOURCE_TYPES] },
    },
    why: 'Creates and updates recipe stacks through change sets, always with the recipe deploy role as service role, templates only from deployments/ of the artifact bucket, and only the recipe resource types.',
  },
  {
    sid: 'DeleteRecipeStacks',
    actions: ['cloudformation:DeleteStack'],
    resources: [STACKS],
    conditions: { StringEquals: { 'cloudformation:RoleArn': '${RecipeDeployRoleArn}' } },
    why: 'Prunes the stacks of recipes that left the manifest, and deletes a stack whose first create failed before creating it again; always with the recipe deploy role.',
  },
  {
    sid: 'RunRecipeChangeSets',
    actions: [
      'cloudformation:DeleteChangeSet',
      'cloudformation:DescribeChangeSet',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStacks',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:TagResource',
    ],
    resources: [STACKS],
    why: 'Waits for change sets and stacks, executes change sets, reads failure reasons; TagResource for the stack tags a change set carries (tag on create).',
  },
  {
    sid: 'PassRecipeDeployRole',
    actions: ['iam:PassRole'],
    resources: ['${RecipeDeployRoleArn}'],
    conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    why: "Hands the recipe deploy role to CloudFormation as the recipe stacks' service role.",
  },
  {
    sid: 'WriteDeployments',
    actions: ['s3:PutObject'],
    resources: [OBJECTS('catalog'), OBJECTS('deployments'), OBJECTS('reports')],
    why: "Uploads each template (TemplateURL), the deployment state between invocations, the report, and each recipe's catalog settings for the image-events function.",
  },
  {
    sid: 'ReadDeployments',
    actions: ['s3:GetObject'],
    resources: [OBJECTS('deployments')],
    why: "Reads the deployment state in a continued invocation; CloudFormation reads TemplateURL with the caller's permissions.",
  },
  {
    sid: 'ReadGuardRules',
    actions: ['s3:GetObject'],
    resources: ['arn:${AWS::Partition}:s3:::${ControlBucket}/${GuardRulesKey}'],
    why: 'Reads the Guard rules of the security invariants (GUARD_RULES_S3_URI), the one object of the control bucket it needs.',
  },
  {
    sid: 'UseArtifactKey',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['${ArtifactKeyArn}'],
    conditions: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.${AWS::URLSuffix}' } },
    why: 'The artifact and control buckets are encrypted with the bakery key: writing and reading objects uses it, through S3 only.',
  },
  {
    sid: 'StartRecipeBuilds',
    actions: ['imagebuilder:StartImagePipelineExecution'],
    resources: ['arn:${AWS::Partition}:imagebuilder:${AWS::Region}:${AWS::AccountId}:image-pipeline/${RecipeStackPrefix}*'],
    why: 'Starts the image pipeline of a recipe whose version changed (Image Builder ARNs are lower case: keep RecipeStackPrefix lower case).',
  },
  {
    sid: 'ReportJobResult',
    actions: ['codepipeline:PutJobFailureResult', 'codepipeline:PutJobSuccessResult'],
    resources: ['*'],
    why: 'Ends or continues the Deploy action; these actions take no resource.',
  },
  ...DEPLOYER_CATALOG_PERMISSIONS,
];

interface PermissionValues {
  partition: string;
  region: string;
  accountId: string;
  urlSuffix: string;
  artifactBucket: string;
  recipeStackPrefix: string;
  recipeDeployRoleArn: string;
  artifactKeyArn: string;
  controlBucket: string;
  guardRulesKey: string;
  namePrefix: string;
  organizationId: string;
  managementAccountId: string;
  /** Only the image-events function's list names it. */
  evidenceBucket?: string;
}

/** The statements with every placeholder filled: for tests, proofs and documentation. */
function renderPermissions(
  values: PermissionValues,
  statements: readonly PermissionStatement[] = DEPLOYER_PERMISSIONS,
): PermissionStatement[] {
  const fill = (text: string) =>
    text
      .replaceAll('${AWS::Partition}', values.partition)
      .replaceAll('${AWS::Region}', values.region)
      .replaceAll('${AWS::AccountId}', values.accountId)
      .replaceAll('${AWS::URLSuffix}', values.urlSuffix)
      .replaceAll('${ArtifactBucket}', values.artifactBucket)
      .replaceAll('${RecipeStackPrefix}', values.recipeStackPrefix)
      .replaceAll('${RecipeDeployRoleArn}', values.recipeDeployRoleArn)
      .replaceAll('${ArtifactKeyArn}', values.artifactKeyArn)
      .replaceAll('${ControlBucket}', values.controlBucket)
      .replaceAll('${GuardRulesKey}', values.guardRulesKey)
      .replaceAll('${NamePrefix}', values.namePrefix)
      .replaceAll('${OrganizationId}', values.organizationId)
      .replaceAll('${ManagementAccountId}', values.managementAccountId)
      .replaceAll('${EvidenceBucket}', values.evidenceBucket ?? '${EvidenceBucket}');
  const fillValue = (v: string | readonly string[]) => (typeof v === 'string' ? fill(v) : v.map(fill));
  return statements.map((s) => ({
    ...s,
    resources: s.resources.map(fill),
    ...(s.conditions
      ? {
          conditions: Object.fromEntries(
            Object.entries(s.conditions).map(([op, keys]) => [
              op,
              Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, fillValue(v)])),
            ]),
          ),
        }
      : {}),
  }));
}

/** Every action the deployer is allowed, sorted. */
function deployerActions(): string[] {
  return [...new Set(DEPLOYER_PERMISSIONS.filter((s) => s.effect !== 'Deny').flatMap((s) => s.actions))].sort();
}

export {
  CHANGE_SET_RESOURCE_TYPES,
  CHANNEL_PARAMETERS,
  catalogPermissions,
  DEPLOYER_CATALOG_PERMISSIONS,
  DEPLOYER_PERMISSIONS,
  deployerActions,
  type PermissionStatement,
  type PermissionValues,
  renderPermissions,
};
