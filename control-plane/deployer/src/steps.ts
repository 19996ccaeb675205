/**
 * One recipe's deployment as small steps, each at most one or two AWS calls, so a deployment can
 * stop between any two steps and resume in the next invocation:
 *
 * create/update: [delete failed stack ->] create change set -> wait -> execute -> wait -> [start build] -> done
 * delete:        delete stack -> wait -> done
 *
 * A step that fails marks only its recipe failed; the others go on.
 */

import { createHash } from 'node:crypto';
import type { ResourceChange } from '@ami-bakery/bundle';
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import { type Clients, call, endpointOf } from './aws.js';
import type { DeployerConfig } from './env.js';
import { AwsCallError } from './errors.js';
import { CHANGE_SET_RESOURCE_TYPES } from './permissions.js';
import { changeSetChanges, describeStack, failureReason } from './stacks.js';
import type { Task } from './state.js';
import { messageOf } from './util.js';

interface StepContext {
  readonly clients: Clients;
  readonly config: DeployerConfig;
  readonly execution: string;
  /** Change-set summaries by recipe (filled here, kept in the state). */
  readonly resources: Record<string, ResourceChange[]>;
}

/** `<NamePrefix>-<execution>`: one change set name per deployment, so a repeated call finds its own change set. */
function changeSetName(ctx: StepContext): string {
  return `${ctx.config.namePrefix.slice(0, 40)}-${ctx.execution}`.slice(0, 128);
}

/** The change set by ARN once known (exact, whatever the name), else by name within the stack. */
function changeSetRef(task: Task, ctx: StepContext): string {
  return task.changeSetId ?? changeSetName(ctx);
}

/** Idempotency token for calls that take one (a retried call is not done twice): `bakery-<40 hex>`. */
function token(ctx: StepContext, task: Task, what: string): string {
  return `bakery-${hashOf(ctx, task, what).slice(0, 40)}`;
}

function hashOf(ctx: StepContext, task: Task, what: string): string {
  return createHash('sha256').update(`${ctx.execution}/${task.recipe}/${what}`).digest('hex');
}

/** TemplateURL of an uploaded template: the regional virtual-hosted S3 URL. */
function templateUrl(ctx: StepContext, key: string): string {
  const suffix = ctx.config.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${ctx.config.artifactBucket}.s3.${ctx.config.region}.${suffix}/${key}`;
}

const cfnEndpoint = (ctx: StepContext, stackName: string) => `${endpointOf(ctx.clients, 'cloudformation')} (stack ${stackName})`;

const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;
const DONE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const FAILED_END = /(_FAILED|ROLLBACK_COMPLETE)$/;

/** Advances `task` by one step. Returns true when the task moved (the loop need not wait before the next step). */
async function advanceTask(task: Task, ctx: StepContext): Promise<boolean> {
  const before = task.step;
  try {
    await step(task, ctx);
  } catch (error) {
    fail(task, `${stepWords[before]} failed: ${messageOf(error)}`);
  }
  return task.step !== before;
}

const stepWords: Record<Task['step'], string> = {
  pending: 'starting',
  'delete-failed-stack': 'deleting the failed stack',
  'wait-failed-stack-deleted': 'waiting for the failed stack to go',
  'create-change-set': 'creating the change set',
  'wait-change-set': 'waiting for the change set',
  execute: 'executing the change set',
  'wait-stack': 'waiting for the stack',
  'start-build': 'starting the image build',
  delete: 'deleting the stack',
  'wait-delete': 'waiting for the stack deletion',
  done: 'done',
  failed: 'failed',
};

function fail(task: Task, message: string): void {
  task.step = 'failed';
  task.message = message.slice(0, 2_000);
}

async function step(task: Task, ctx: StepContext): Promise<void> {
  const { clients, config } = ctx;
  switch (task.step) {
    case 'pending':
      task.step = task.action === 'delete' ? 'delete' : task.replaceFailedStack ? 'delete-failed-stack' : 'create-change-set';
      return;
    case 'delete-failed-stack':
    case 'delete':
      await call('cloudformation:DeleteStack', cfnEndpoint(ctx, task.stackName), () =>
        clients.cloudFormation.send(
          new DeleteStackCommand({
            StackName: task.stackName,
            RoleARN: config.deployRoleArn,
            ClientRequestToken: token(ctx, task, task.step),
          }),
        ),
      );
      task.step = task.step === 'delete' ? 'wait-delete' : 'wait-failed-stack-deleted';
      return;
    case 'wait-failed-stack-deleted':
    case 'wait-delete': {
      const stack = await describeStack(clients, task.stackName);
      if (!stack) {
        task.step = task.step === 'wait-delete' ? 'done' : 'create-change-set';
        return;
      }
      if (stack.StackStatus === 'DELETE_FAILED')
        fail(task, `stack ${task.stackName} is DELETE_FAILED: ${await failureReason(clients, task.stackName)}`);
      return;
    }
    case 'create-change-set':
      await createChangeSet(task, ctx);
      task.step = 'wait-change-set';
      return;
    case 'wait-change-set':
      await waitChangeSet(task, ctx);
      return;
    case 'execute':
      await call('cloudformation:ExecuteChangeSet', cfnEndpoint(ctx, task.stackName), () =>
        clients.cloudFormation.send(
          new ExecuteChangeSetCommand({
            StackName: task.stackName,
            ChangeSetName: changeSetRef(task, ctx),
            ClientRequestToken: token(ctx, task, 'execute'),
          }),
        ),
      );
      task.step = 'wait-stack';
      return;
    case 'wait-stack': {
      const stack = await describeStack(clients, task.stackName);
      const status = stack?.StackStatus ?? 'GONE';
      if (DONE.has(status)) {
        const output = pipelineArnFromOutputs(stack);
        if (output) task.pipelineArn = output;
        if (stack?.StackId) task.stackId = stack.StackId;
        task.step = task.build ? 'start-build' : 'done';
      } else if (FAILED_END.test(status) || status === 'GONE') {
        fail(task, `stack ${task.stackName} ended ${status}: ${await failureReason(clients, task.stackName)}`);
      }
      return;
    }
    case 'start-build':
      await startBuild(task, ctx);
      task.step = 'done';
      return;
    default:
      return;
  }
}

async function createChangeSet(task: Task, ctx: StepContext): Promise<void> {
  const { clients, config } = ctx;
  if (!task.templateKey) throw new Error('no template was uploaded for this recipe');
  try {
    const out = await call('cloudformation:CreateChangeSet', cfnEndpoint(ctx, task.stackName), () =>
      clients.cloudFormation.send(
        new CreateChangeSetCommand({
          StackName: task.stackName,
          ChangeSetName: changeSetName(ctx),
          ChangeSetType: task.action === 'create' ? 'CREATE' : 'UPDATE',
          TemplateURL: templateUrl(ctx, task.templateKey as string),
          RoleARN: config.deployRoleArn,
          Parameters: task.parameters.map((p) => ({ ...p })),
          Tags: task.tags.map((t) => ({ ...t })),
          // Recipe roles get generated names; a template that names a role is refused by CloudFormation.
          Capabilities: ['CAPABILITY_IAM'],
          // CloudFormation itself refuses any other resource type; the deployer's IAM policy requires this list.
          ResourceTypes: [...CHANGE_SET_RESOURCE_TYPES],
          Description: `AMI Bakery deployment ${ctx.execution}`,
          ClientToken: token(ctx, task, 'change-set'),
        }),
      ),
    );
    task.changeSetId = out.Id;
    if (out.StackId) task.stackId = out.StackId;
  } catch (error) {
    // A resumed invocation may repeat the call that the previous one made before it stopped.
    if (error instanceof AwsCallError && error.errorName === 'AlreadyExistsException') return;
    throw error;
  }
}

async function waitChangeSet(task: Task, ctx: StepContext): Promise<void> {
  const { clients } = ctx;
  const name = changeSetRef(task, ctx);
  const out = await call('cloudformation:DescribeChangeSet', cfnEndpoint(ctx, task.stackName), () =>
    clients.cloudFormation.send(new DescribeChangeSetCommand({ StackName: task.stackName, ChangeSetName: name })),
  );
  if (out.StackId) task.stackId = out.StackId;
  const status = out.Status ?? 'UNKNOWN';
  if (status === 'CREATE_COMPLETE') {
    ctx.resources[task.recipe] = await changeSetChanges(clients, task.stackName, name, out);
    task.step = 'execute';
    return;
  }
  if (status === 'FAILED') {
    const reason = out.StatusReason ?? 'no reason given';
    if (NO_CHANGES.test(reason)) {
      ctx.resources[task.recipe] = [];
      task.noChanges = true;
      await call('cloudformation:DeleteChangeSet', cfnEndpoint(ctx, task.stackName), () =>
        clients.cloudFormation.send(new DeleteChangeSetCommand({ StackName: task.stackName, ChangeSetName: name })),
      ).catch(() => undefined);
      task.step = task.build ? 'start-build' : 'done';
      return;
    }
    fail(task, `the change set failed: ${reason}`);
  }
}

/** The stack's `PipelineArn` output, when it has one. */
function pipelineArnFromOutputs(stack: Stack | undefined): string | undefined {
  return stack?.Outputs?.find((o) => o.OutputKey === 'PipelineArn')?.OutputValue;
}

/**
 * The recipe's own pipeline: `<stack name>-pipeline` (docs/contracts.md, recipe stack resource
 * names), in the stack's account and region; Image Builder ARNs are lower case. The template's
 * PipelineArn output, when there is one, must name the same pipeline: a template never chooses
 * which pipeline the deployer starts.
 */
function pipelineArnOf(task: Task, ctx: StepContext): string {
  const account = task.stackId?.split(':')[4];
  if (!account || !/^[0-9]{12}$/.test(account)) throw new Error(`the account of stack ${task.stackName} is unknown (no stack id)`);
  const own = `arn:${ctx.config.partition}:imagebuilder:${ctx.config.region}:${account}:image-pipeline/${task.stackName.toLowerCase()}-pipeline`;
  if (task.pipelineArn && task.pipelineArn !== own) {
    throw new Error(`the stack's PipelineArn output names ${task.pipelineArn}, not the recipe's own pipeline ${own}; no build started`);
  }
  return own;
}

async function startBuild(task: Task, ctx: StepContext): Promise<void> {
  const arn = pipelineArnOf(task, ctx);
  const out = await call('imagebuilder:StartImagePipelineExecution', `${endpointOf(ctx.clients, 'imagebuilder')} (${arn})`, () =>
    ctx.clients.imageBuilder.send(
      new StartImagePipelineExecutionCommand({ imagePipelineArn: arn, clientToken: hashOf(ctx, task, 'build').slice(0, 36) }),
    ),
  );
  task.pipelineArn = arn;
  if (out.imageBuildVersionArn) task.imageBuildArn = out.imageBuildVersionArn;
}

export { advanceTask, changeSetName, type StepContext, templateUrl };
