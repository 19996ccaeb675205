/**
 * `bakery plan --remote`: the plan against the recipe stacks actually deployed, with the change set
 * CloudFormation itself computes for each recipe to create or update. The change sets are never
 * executed: each is deleted once read, and a stack a CREATE change set made (REVIEW_IN_PROGRESS,
 * no resources) is deleted with it.
 */
import { randomUUID } from 'node:crypto';
import {
  type BundledRecipe,
  type BundleManifestV2,
  CHANGE_SET_RESOURCE_TYPES,
  changeSetResourceChanges,
  type DeployedStack,
  planRecipes,
  type RecipePlan,
  type ResourceChange,
  recipeStackTags,
  tagMap,
} from '@ami-bakery/bundle';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';

/** CloudFormation takes a template inline up to this size; beyond, from S3 (not done here). */
const MAX_TEMPLATE_BODY = 51_200;
const HTTP = { connectionTimeout: 5_000, requestTimeout: 30_000 };

interface RemoteOptions {
  region: string;
  stackPrefix: string;
  prune: boolean;
  parameterValues: Readonly<Record<string, string>>;
  /** Service role the change sets name (the recipe deploy role); optional for a plan. */
  roleArn?: string;
  /** Sends every call here (tests). */
  endpoint?: string;
  /** Between polls of a change set. */
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface RemotePlan {
  plan: RecipePlan;
  resources: Map<string, { changes: readonly ResourceChange[]; from: 'change-set' }>;
  /** What could not be shown, per recipe. */
  notes: string[];
}

/** Wraps a call: a failure names the operation and the endpoint. */
async function call<T>(operation: string, endpoint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { attempts?: number } };
    const attempts = e.$metadata?.attempts ?? 1;
    throw new Error(
      `${operation} on ${endpoint} failed with ${e.name ?? 'Error'} after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${e.message ?? String(error)}`,
      { cause: error },
    );
  }
}

async function remotePlan(manifest: BundleManifestV2, recipes: readonly BundledRecipe[], options: RemoteOptions): Promise<RemotePlan> {
  const cfn = new CloudFormationClient({
    region: options.region,
    maxAttempts: 5,
    retryMode: 'standard',
    requestHandler: HTTP,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const endpoint =
    options.endpoint ??
    `https://cloudformation.${options.region}.${options.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  try {
    const deployed: DeployedStack[] = [];
    let token: string | undefined;
    do {
      const page = await call('cloudformation:DescribeStacks', endpoint, () =>
        cfn.send(new DescribeStacksCommand(token ? { NextToken: token } : {})),
      );
      for (const s of page.Stacks ?? []) {
        if (s.StackName?.startsWith(options.stackPrefix))
          deployed.push({ stackName: s.StackName, status: s.StackStatus ?? 'UNKNOWN', tags: tagMap(s.Tags) });
      }
      token = page.NextToken;
    } while (token);

    const plan = planRecipes(manifest, deployed, {
      stackPrefix: options.stackPrefix,
      prune: options.prune,
      parameterValues: options.parameterValues,
    });
    const byName = new Map(recipes.map((r) => [r.name, r]));
    const resources = new Map<string, { changes: readonly ResourceChange[]; from: 'change-set' }>();
    const notes: string[] = [];
    const name = `bakery-plan-${randomUUID()}`;
    for (const item of plan.items) {
      if ((item.action !== 'create' && item.action !== 'update') || item.blocked) continue;
      const recipe = byName.get(item.recipe);
      if (!recipe) continue;
      if (item.replaceFailedStack) {
        notes.push(
          `${item.recipe}: stack ${item.stackName} is ROLLBACK_COMPLETE; the deployer deletes and creates it, no change set to show`,
        );
        continue;
      }
      if (Buffer.byteLength(recipe.templateText) > MAX_TEMPLATE_BODY) {
        notes.push(
          `${item.recipe}: the template is over ${MAX_TEMPLATE_BODY} bytes, which CloudFormation takes only from S3; its change set is not shown`,
        );
        continue;
      }
      const type = item.action === 'create' ? 'CREATE' : 'UPDATE';
      const where = `${endpoint} (stack ${item.stackName})`;
      const created = await call('cloudformation:CreateChangeSet', where, () =>
        cfn.send(
          new CreateChangeSetCommand({
            StackName: item.stackName,
            ChangeSetName: name,
            ChangeSetType: type,
            TemplateBody: recipe.templateText,
            ...(options.roleArn ? { RoleARN: options.roleArn } : {}),
            Parameters: recipe.parameters
              .filter((p) => Object.hasOwn(options.parameterValues, p))
              .map((p) => ({ ParameterKey: p, ParameterValue: options.parameterValues[p] })),
            Tags: recipeStackTags(recipe, item.deployHash ?? ''),
            Capabilities: ['CAPABILITY_IAM'],
            ResourceTypes: [...CHANGE_SET_RESOURCE_TYPES],
            Description: 'bakery plan --remote (never executed)',
          }),
        ),
      );
      const id = created.Id ?? name;
      try {
        let described: DescribeChangeSetCommandOutput | undefined;
        for (let poll = 0; poll < 120; poll += 1) {
          described = await call('cloudformation:DescribeChangeSet', where, () =>
            cfn.send(new DescribeChangeSetCommand({ StackName: item.stackName, ChangeSetName: id })),
          );
          if (described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED') break;
          await sleep(options.pollIntervalMs ?? 2_000);
        }
        const changes = [...(described?.Changes ?? [])];
        let next = described?.NextToken;
        while (next) {
          const page = await call('cloudformation:DescribeChangeSet', where, () =>
            cfn.send(new DescribeChangeSetCommand({ StackName: item.stackName, ChangeSetName: id, NextToken: next })),
          );
          changes.push(...(page.Changes ?? []));
          next = page.NextToken;
        }
        if (
          described?.Status === 'FAILED' &&
          !/didn't contain changes|No updates are to be performed/i.test(described.StatusReason ?? '')
        ) {
          notes.push(`${item.recipe}: CloudFormation refused the change set: ${described.StatusReason ?? 'no reason given'}`);
        } else resources.set(item.recipe, { changes: changeSetResourceChanges(changes), from: 'change-set' });
      } finally {
        await call('cloudformation:DeleteChangeSet', where, () =>
          cfn.send(new DeleteChangeSetCommand({ StackName: item.stackName, ChangeSetName: id })),
        ).catch((error: Error) => notes.push(`${item.recipe}: change set ${id} was not deleted: ${error.message}`));
        if (type === 'CREATE') {
          // The change set made an empty stack in REVIEW_IN_PROGRESS; it goes with the change set.
          await call('cloudformation:DeleteStack', where, () => cfn.send(new DeleteStackCommand({ StackName: item.stackName }))).catch(
            (error: Error) => notes.push(`${item.recipe}: the review stack ${item.stackName} was not deleted: ${error.message}`),
          );
        }
      }
    }
    return { plan, resources, notes };
  } finally {
    cfn.destroy();
  }
}

export { MAX_TEMPLATE_BODY, type RemoteOptions, type RemotePlan, remotePlan };
