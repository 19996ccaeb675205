/**
 * An in-memory CloudFormation for unit tests and the deployer benchmark: change sets, stacks with
 * tags, deletion, events, pagination, and switches to make a stack fail, have nothing to change,
 * or stay in progress for a few polls.
 */
import {
  CreateChangeSetCommand,
  type CreateChangeSetCommandInput,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Stack,
  type Tag,
} from '@aws-sdk/client-cloudformation';

interface FakeStack {
  StackName: string;
  StackId: string;
  StackStatus: string;
  Tags: Tag[];
  Parameters: { ParameterKey?: string; ParameterValue?: string }[];
  RoleARN?: string;
  templateUrl?: string;
  /** Polls left before an in-progress status settles. */
  pending?: { polls: number; next: string };
}

interface FakeChangeSet {
  id: string;
  stackName: string;
  input: CreateChangeSetCommandInput;
  status: string;
  reason?: string;
}

class FakeCloudFormation {
  readonly stacks = new Map<string, FakeStack>();
  readonly changeSets = new Map<string, FakeChangeSet>();
  /** Every call, as `Operation stackName`. */
  readonly calls: string[] = [];
  /** Stacks whose next create or update fails (rolls back). */
  readonly failing = new Set<string>();
  /** Stacks whose change sets have nothing to change. */
  readonly unchanged = new Set<string>();
  /** Polls a stack stays in progress after execute or delete. */
  inProgressPolls = 0;
  pageSize = 100;
  private counter = 0;

  constructor(
    readonly account = '123456789012',
    readonly region = 'us-east-1',
  ) {}

  /** A deployed stack, as if created earlier. */
  addStack(name: string, status: string, tags: Record<string, string>): void {
    this.stacks.set(name, {
      StackName: name,
      StackId: this.stackId(name),
      StackStatus: status,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      Parameters: [],
    });
  }

  private stackId(name: string): string {
    this.counter += 1;
    return `arn:aws:cloudformation:${this.region}:${this.account}:stack/${name}/${String(this.counter).padStart(8, '0')}`;
  }

  private settle(stack: FakeStack): void {
    if (!stack.pending) return;
    if (stack.pending.polls > 0) stack.pending.polls -= 1;
    else {
      stack.StackStatus = stack.pending.next;
      stack.pending = undefined;
      if (stack.StackStatus === 'DELETE_COMPLETE') this.stacks.delete(stack.StackName);
    }
  }

  private view(stack: FakeStack): Stack {
    return {
      StackName: stack.StackName,
      StackId: stack.StackId,
      StackStatus: stack.StackStatus as Stack['StackStatus'],
      Tags: stack.Tags,
      Parameters: stack.Parameters,
      RoleARN: stack.RoleARN,
      CreationTime: new Date(0),
    };
  }

  private notFound(name: string): Error {
    return Object.assign(new Error(`Stack with id ${name} does not exist`), {
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
  }

  /** Registers the fake on an aws-sdk-client-mock stub of CloudFormationClient. */
  install(mock: { on(command: unknown): { callsFake(fn: (input: never) => unknown): unknown } }): void {
    const on = (command: unknown) => mock.on(command);
    on(DescribeStacksCommand).callsFake((input: { StackName?: string; NextToken?: string }) => {
      if (input.StackName) {
        this.calls.push(`DescribeStacks ${input.StackName}`);
        const stack = this.stacks.get(input.StackName);
        if (!stack) throw this.notFound(input.StackName);
        this.settle(stack);
        if (!this.stacks.has(input.StackName)) throw this.notFound(input.StackName);
        return { Stacks: [this.view(stack)] };
      }
      this.calls.push('DescribeStacks *');
      const all = [...this.stacks.values()];
      const start = Number(input.NextToken ?? 0);
      const page = all.slice(start, start + this.pageSize).map((s) => this.view(s));
      return { Stacks: page, ...(start + this.pageSize < all.length ? { NextToken: String(start + this.pageSize) } : {}) };
    });
    on(CreateChangeSetCommand).callsFake((input: CreateChangeSetCommandInput) => {
      const name = input.StackName as string;
      this.calls.push(`CreateChangeSet ${name}`);
      let stack = this.stacks.get(name);
      if (input.ChangeSetType === 'CREATE') {
        if (stack && stack.StackStatus !== 'REVIEW_IN_PROGRESS')
          throw Object.assign(new Error(`Stack [${name}] already exists`), { name: 'AlreadyExistsException' });
        stack ??= { StackName: name, StackId: this.stackId(name), StackStatus: 'REVIEW_IN_PROGRESS', Tags: [], Parameters: [] };
        this.stacks.set(name, stack);
      } else if (!stack) throw this.notFound(name);
      const id = `arn:aws:cloudformation:${this.region}:${this.account}:changeSet/${input.ChangeSetName}/${name}`;
      const empty = this.unchanged.has(name);
      this.changeSets.set(id, {
        id,
        stackName: name,
        input,
        status: empty ? 'FAILED' : 'CREATE_COMPLETE',
        ...(empty
          ? { reason: "The submitted information didn't contain changes. Submit different information to create a change set." }
          : {}),
      });
      return { Id: id, StackId: stack.StackId };
    });
    const changeSet = (input: { StackName?: string; ChangeSetName?: string }) => {
      const byId = this.changeSets.get(input.ChangeSetName as string);
      const found =
        byId ?? [...this.changeSets.values()].find((c) => c.stackName === input.StackName && c.input.ChangeSetName === input.ChangeSetName);
      if (!found) throw Object.assign(new Error('ChangeSet not found'), { name: 'ChangeSetNotFoundException' });
      return found;
    };
    on(DescribeChangeSetCommand).callsFake((input: { StackName?: string; ChangeSetName?: string }) => {
      this.calls.push(`DescribeChangeSet ${input.StackName}`);
      const c = changeSet(input);
      const stack = this.stacks.get(c.stackName);
      return {
        Status: c.status,
        StatusReason: c.reason,
        StackId: stack?.StackId,
        Changes:
          c.status === 'CREATE_COMPLETE'
            ? [
                {
                  Type: 'Resource',
                  ResourceChange: {
                    Action: c.input.ChangeSetType === 'CREATE' ? 'Add' : 'Modify',
                    LogicalResourceId: 'ImageRecipe',
                    ResourceType: 'AWS::ImageBuilder::ImageRecipe',
                    ...(c.input.ChangeSetType === 'CREATE'
                      ? {}
                      : {
                          Replacement: 'True',
                          Details: [
                            {
                              Target: { Attribute: 'Properties', Name: 'Version', RequiresRecreation: 'Always' },
                              ChangeSource: 'DirectModification',
                            },
                          ],
                        }),
                  },
                },
              ]
            : [],
      };
    });
    on(ExecuteChangeSetCommand).callsFake((input: { StackName?: string; ChangeSetName?: string }) => {
      this.calls.push(`ExecuteChangeSet ${input.StackName}`);
      const c = changeSet(input);
      const stack = this.stacks.get(c.stackName) as FakeStack;
      const create = c.input.ChangeSetType === 'CREATE';
      const fail = this.failing.has(c.stackName);
      stack.Tags = (c.input.Tags ?? []) as Tag[];
      stack.Parameters = c.input.Parameters ?? [];
      stack.RoleARN = c.input.RoleARN;
      stack.templateUrl = c.input.TemplateURL;
      stack.StackStatus = create ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
      stack.pending = {
        polls: this.inProgressPolls,
        next: fail ? (create ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE') : create ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE',
      };
      this.changeSets.delete(c.id);
      return {};
    });
    on(DeleteChangeSetCommand).callsFake((input: { StackName?: string; ChangeSetName?: string }) => {
      this.calls.push(`DeleteChangeSet ${input.StackName}`);
      this.changeSets.delete(changeSet(input).id);
      return {};
    });
    on(DeleteStackCommand).callsFake((input: { StackName?: string }) => {
      this.calls.push(`DeleteStack ${input.StackName}`);
      const stack = this.stacks.get(input.StackName as string);
      if (stack) {
        stack.StackStatus = 'DELETE_IN_PROGRESS';
        stack.pending = { polls: this.inProgressPolls, next: 'DELETE_COMPLETE' };
      }
      return {};
    });
    on(DescribeStackEventsCommand).callsFake((input: { StackName?: string }) => {
      this.calls.push(`DescribeStackEvents ${input.StackName}`);
      return {
        StackEvents: [
          { LogicalResourceId: input.StackName, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'ROLLBACK_COMPLETE' },
          {
            LogicalResourceId: 'InstanceRole',
            ResourceType: 'AWS::IAM::Role',
            ResourceStatus: 'CREATE_FAILED',
            ResourceStatusReason: 'User is not authorized to perform: iam:CreateRole (AccessDenied)',
          },
        ],
      };
    });
  }
}

export { FakeCloudFormation };
