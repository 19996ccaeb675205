/**
 * The IAM actions the deployer Lambda needs, as data, so the bakery stack grants exactly these and
 * the access-path proofs evaluate the same list. Written from the deployer contract (docs/contracts.md,
 * "Deployer Lambda"); when `@ami-bakery/deployer` exports its own `permissions.ts`, this file
 * re-exports that list instead and the synthesized statements stay the same shape.
 */

/** On recipe stacks (`stack/<RecipeStackPrefix>*\/*`), only with the recipe deploy role as CloudFormation's role. */
const DEPLOYER_STACK_WRITE_ACTIONS = ['cloudformation:CreateChangeSet', 'cloudformation:DeleteStack'] as const;

/** On recipe stacks: run, read and clean up change sets, read stacks, keep the deployer's tags. */
const DEPLOYER_STACK_ACTIONS = [
  'cloudformation:DeleteChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:DescribeStackEvents',
  'cloudformation:DescribeStackResources',
  'cloudformation:DescribeStacks',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:GetTemplate',
  'cloudformation:ListChangeSets',
  'cloudformation:TagResource',
  'cloudformation:UntagResource',
] as const;

/** No resource-level permissions: listing the deployed recipe stacks, answering the pipeline job. */
const DEPLOYER_UNSCOPED_ACTIONS = [
  'cloudformation:ListStacks',
  'codepipeline:PutJobFailureResult',
  'codepipeline:PutJobSuccessResult',
] as const;

/** Artifact bucket: the source artifact and earlier reports are read; templates and reports are written. */
const DEPLOYER_ARTIFACT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'] as const;
const DEPLOYER_ARTIFACT_WRITE_ACTIONS = ['s3:PutObject'] as const;
/** KMS calls S3 makes for the deployer on the bakery key (SSE-KMS reads and writes). */
const DEPLOYER_KMS_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/** On recipe image pipelines (`image-pipeline/<RecipeStackPrefix>*`): a build when a recipe version changed. */
const DEPLOYER_IMAGE_PIPELINE_ACTIONS = ['imagebuilder:GetImagePipeline', 'imagebuilder:StartImagePipelineExecution'] as const;

export {
  DEPLOYER_ARTIFACT_READ_ACTIONS,
  DEPLOYER_ARTIFACT_WRITE_ACTIONS,
  DEPLOYER_IMAGE_PIPELINE_ACTIONS,
  DEPLOYER_KMS_ACTIONS,
  DEPLOYER_STACK_ACTIONS,
  DEPLOYER_STACK_WRITE_ACTIONS,
  DEPLOYER_UNSCOPED_ACTIONS,
};
