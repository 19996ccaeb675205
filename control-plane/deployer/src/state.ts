/**
 * The deployment's state between invocations: the plan, one task per recipe that needs work, and
 * the change-set summaries. Saved in the artifact bucket (deployments/<execution>/state.json); the
 * continuation token only points at it.
 */

import type { RecipePlan, ResourceChange, StackTag } from '@ami-bakery/bundle';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type Clients, call, endpointOf } from './aws.js';
import type { CatalogStepState } from './catalog/step.js';
import type { TemplateFinding } from './checks.js';
import type { DeployerConfig } from './env.js';
import { StateError } from './errors.js';

type Step =
  | 'pending'
  | 'delete-failed-stack'
  | 'wait-failed-stack-deleted'
  | 'create-change-set'
  | 'wait-change-set'
  | 'execute'
  | 'wait-stack'
  | 'start-build'
  | 'delete'
  | 'wait-delete'
  | 'done'
  | 'failed';

interface Task {
  readonly recipe: string;
  readonly stackName: string;
  readonly action: 'create' | 'update' | 'delete';
  step: Step;
  readonly build: boolean;
  readonly replaceFailedStack: boolean;
  /** S3 key of the uploaded template (create, update). */
  readonly templateKey?: string;
  readonly parameters: readonly { ParameterKey: string; ParameterValue: string }[];
  readonly tags: readonly StackTag[];
  changeSetId?: string;
  /** The stack's ARN, once it exists. */
  stackId?: string;
  /** The change set had nothing to do. */
  noChanges?: boolean;
  pipelineArn?: string;
  imageBuildArn?: string;
  /** Why the task failed. */
  message?: string;
  findings?: readonly TemplateFinding[];
}

interface DeploymentState {
  readonly v: 1;
  readonly execution: string;
  readonly sourceCommit: string | null;
  readonly partial: boolean;
  readonly artifact: { readonly bucket: string; readonly key: string };
  readonly plan: RecipePlan;
  readonly tasks: Task[];
  /** Change-set summaries by recipe. */
  readonly resources: Record<string, ResourceChange[]>;
  invocations: number;
  /** The catalog step, after the stack steps (absent when the deployer runs without catalog clients). */
  catalog?: CatalogStepState;
}

const FINISHED: readonly Step[] = ['done', 'failed'];

function isFinished(task: Task): boolean {
  return FINISHED.includes(task.step);
}

function stateKey(execution: string): string {
  return `deployments/${execution}/state.json`;
}

/** SSE-KMS with the bakery key when the deployer knows it; otherwise the bucket's default encryption. */
function encryption(config: DeployerConfig): { ServerSideEncryption?: 'aws:kms'; SSEKMSKeyId?: string } {
  const key = config.parameterValues.ArtifactKeyArn;
  return key ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key } : {};
}

async function putText(clients: Clients, config: DeployerConfig, key: string, body: string, contentType: string): Promise<void> {
  await call('s3:PutObject', `${endpointOf(clients, 's3')} (s3://${config.artifactBucket}/${key})`, () =>
    clients.s3.send(
      new PutObjectCommand({ Bucket: config.artifactBucket, Key: key, Body: body, ContentType: contentType, ...encryption(config) }),
    ),
  );
}

async function saveState(clients: Clients, config: DeployerConfig, state: DeploymentState): Promise<string> {
  const key = stateKey(state.execution);
  await putText(clients, config, key, JSON.stringify(state), 'application/json');
  return key;
}

async function loadState(clients: Clients, config: DeployerConfig, key: string, execution: string): Promise<DeploymentState> {
  const out = await call('s3:GetObject', `${endpointOf(clients, 's3')} (s3://${config.artifactBucket}/${key})`, () =>
    clients.s3.send(new GetObjectCommand({ Bucket: config.artifactBucket, Key: key })),
  );
  const text = out.Body ? await (out.Body as { transformToString(): Promise<string> }).transformToString() : '';
  let state: DeploymentState;
  try {
    state = JSON.parse(text) as DeploymentState;
  } catch (cause) {
    throw new StateError(
      `the saved state s3://${config.artifactBucket}/${key} is not JSON; retry the action to start the deployment over`,
      { cause },
    );
  }
  if (state?.v !== 1 || state.execution !== execution || !Array.isArray(state.tasks)) {
    throw new StateError(
      `the saved state s3://${config.artifactBucket}/${key} does not belong to deployment ${execution}; retry the action to start over`,
    );
  }
  return state;
}

export { type DeploymentState, encryption, isFinished, loadState, putText, type Step, saveState, stateKey, type Task };
