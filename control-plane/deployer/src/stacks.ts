/** CloudFormation reads the deployer needs: the recipe stacks, one stack, why a stack failed, a change set's changes. */

import { changeSetResourceChanges, type DeployedStack, type ResourceChange, tagMap } from '@ami-bakery/bundle';
import {
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { type Clients, call, endpointOf } from './aws.js';
import { AwsCallError } from './errors.js';

/** Every stack whose name starts with the recipe prefix, with its status and tags. */
async function listRecipeStacks(clients: Clients, prefix: string): Promise<DeployedStack[]> {
  const stacks: DeployedStack[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await call('cloudformation:DescribeStacks', endpointOf(clients, 'cloudformation'), () =>
      clients.cloudFormation.send(new DescribeStacksCommand(token ? { NextToken: token } : {})),
    );
    for (const stack of page.Stacks ?? []) {
      if (!stack.StackName?.startsWith(prefix) || stack.StackStatus === 'DELETE_COMPLETE') continue;
      stacks.push({ stackName: stack.StackName, status: stack.StackStatus ?? 'UNKNOWN', tags: tagMap(stack.Tags) });
    }
    token = page.NextToken;
    pages += 1;
  } while (token && pages < 10_000);
  return stacks;
}

/** The stack, or undefined when it does not exist (any more). */
async function describeStack(clients: Clients, stackName: string): Promise<Stack | undefined> {
  try {
    const out = await call('cloudformation:DescribeStacks', `${endpointOf(clients, 'cloudformation')} (stack ${stackName})`, () =>
      clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })),
    );
    const stack = out.Stacks?.[0];
    return stack?.StackStatus === 'DELETE_COMPLETE' ? undefined : stack;
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not-found') return undefined;
    throw error;
  }
}

/** The most recent failure reasons of a stack's resources, e.g. `InstanceRole (AWS::IAM::Role): Access denied`. */
async function failureReason(clients: Clients, stackName: string): Promise<string> {
  try {
    const out = await call('cloudformation:DescribeStackEvents', `${endpointOf(clients, 'cloudformation')} (stack ${stackName})`, () =>
      clients.cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackName })),
    );
    const reasons: string[] = [];
    for (const event of out.StackEvents ?? []) {
      if (!event.ResourceStatus?.endsWith('_FAILED') || !event.ResourceStatusReason) continue;
      if (event.LogicalResourceId === stackName && /resource\(s\) failed/i.test(event.ResourceStatusReason)) continue;
      const text = `${event.LogicalResourceId} (${event.ResourceType}): ${event.ResourceStatusReason}`;
      if (!reasons.includes(text)) reasons.push(text);
      if (reasons.length === 3) break;
    }
    return reasons.length > 0 ? reasons.join('; ') : 'no resource failure recorded in the stack events';
  } catch (error) {
    return `the stack events could not be read: ${(error as Error).message}`;
  }
}

/** Every change of a change set (all pages), as the plan formats show them. */
async function changeSetChanges(
  clients: Clients,
  stackName: string,
  changeSetName: string,
  first: DescribeChangeSetCommandOutput,
): Promise<ResourceChange[]> {
  const changes = [...(first.Changes ?? [])];
  let token = first.NextToken;
  for (let page = 0; token && page < 100; page += 1) {
    const next: DescribeChangeSetCommandOutput = await call(
      'cloudformation:DescribeChangeSet',
      `${endpointOf(clients, 'cloudformation')} (stack ${stackName})`,
      () =>
        clients.cloudFormation.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, NextToken: token })),
    );
    changes.push(...(next.Changes ?? []));
    token = next.NextToken;
  }
  return changeSetResourceChanges(changes);
}

export { changeSetChanges, describeStack, failureReason, listRecipeStacks };
