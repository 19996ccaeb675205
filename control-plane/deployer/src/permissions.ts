/**
 * Every IAM permission the deployer's role needs, as data: the bakery stack grants exactly these
 * (substituting the placeholders with Fn::Sub) and the access proofs evaluate them.
 *
 * Placeholders (CloudFormation Fn::Sub syntax): `${AWS::Partition}`, `${AWS::Region}`,
 * `${AWS::AccountId}`, `${AWS::URLSuffix}`, and the bakery values `${ArtifactBucket}`,
 * `${RecipeStackPrefix}`, `${RecipeDeployRoleArn}`, `${ArtifactKeyArn}` (the bakery key, which
 * encrypts the artifact and the control bucket), `${ControlBucket}` and `${GuardRulesKey}`.
 *
 * Not listed: reading the source artifact. The deployer reads it with the temporary credentials
 * CodePipeline hands each job (`artifactCredentials`, the pipeline role's), so its own role needs
 * no access to the pipeline's artifacts. Logging (logs:CreateLogStream, logs:PutLogEvents on the
 * function's log group) is the Lambda's own concern.
 */
import { RECIPE_RESOURCE_TYPES } from '@ami-bakery/bundle';

interface PermissionStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  /** ARN templates; `*` only where the actions take no resource (the service authorization reference lists none). */
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Why the deployer needs it. */
  readonly why: string;
}

const STACKS = 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${RecipeStackPrefix}*/*';
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
      'ForAllValues:StringEquals': { 'cloudformation:ResourceTypes': [...RECIPE_RESOURCE_TYPES].sort() },
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
    resources: [OBJECTS('deployments'), OBJECTS('reports')],
    why: 'Uploads each template (TemplateURL), the deployment state between invocations, and the report.',
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
      .replaceAll('${GuardRulesKey}', values.guardRulesKey);
  return statements.map((s) => ({
    ...s,
    resources: s.resources.map(fill),
    ...(s.conditions
      ? {
          conditions: Object.fromEntries(
            Object.entries(s.conditions).map(([op, keys]) => [
              op,
              Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, typeof v === 'string' ? fill(v) : v.map(fill)])),
            ]),
          ),
        }
      : {}),
  }));
}

/** Every action the deployer needs, sorted. */
function deployerActions(): string[] {
  return [...new Set(DEPLOYER_PERMISSIONS.flatMap((s) => s.actions))].sort();
}

export { DEPLOYER_PERMISSIONS, deployerActions, type PermissionStatement, type PermissionValues, renderPermissions };
