/**
 * Channel parameters: `/ami-bakery/<recipe>/<channel>` (data type `aws:ec2:image`, advanced tier)
 * in every region a recipe distributes to, each shared with the whole Organization through one
 * RAM resource share per region (`<NamePrefix>-channels`, organization principal only, no
 * external principals, the default read-only SSM permission for parameters). Consumers read a channel by its
 * full ARN (`ssm:GetParameter`, CloudFormation `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`).
 */

import { createHash } from 'node:crypto';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  type GetResourceShareAssociationsCommandOutput,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParametersByPathCommand,
  type GetParametersByPathCommandOutput,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { call } from '../aws.js';
import { AwsCallError } from '../errors.js';
import { type CatalogClients, regionalEndpoint } from './clients.js';
import {
  CATALOG_MANAGED_BY,
  CATALOG_TAGS,
  CHANNEL_ROOT,
  channelParameterArn,
  channelParameterName,
  channelShareName,
  isChannelName,
  recipeParameterPath,
} from './names.js';

/** Where the catalog lives: the bakery account, its partition and name prefix, the organization to share with. */
interface CatalogScope {
  readonly partition: string;
  readonly account: string;
  readonly namePrefix: string;
  /** `arn:<p>:organizations::<management account>:organization/<o-...>`. */
  readonly organizationArn: string;
}

/** Every parameter under `/ami-bakery/<recipe>/` in `region`: last path segment -> value. */
async function readRecipeParameters(clients: CatalogClients, region: string, recipe: string): Promise<Record<string, string>> {
  const path = recipeParameterPath(recipe);
  const values: Record<string, string> = {};
  let token: string | undefined;
  let pages = 0;
  do {
    const page: GetParametersByPathCommandOutput = await call(
      'ssm:GetParametersByPath',
      `${regionalEndpoint(clients, 'ssm', region)} (${path})`,
      () => clients.ssm(region).send(new GetParametersByPathCommand({ Path: path, Recursive: false, NextToken: token })),
    );
    for (const p of page.Parameters ?? []) {
      const name = p.Name?.slice(path.length + 1);
      if (name && isChannelName(name) && typeof p.Value === 'string') values[name] = p.Value;
    }
    token = page.NextToken;
    pages += 1;
  } while (token && pages < 100);
  return values;
}

/** Points `channel` of `recipe` at `ami` in `region` and shares the parameter with the organization. */
async function writeChannel(
  clients: CatalogClients,
  scope: CatalogScope,
  sharing: ChannelSharing,
  region: string,
  recipe: string,
  channel: string,
  ami: string,
): Promise<void> {
  const name = channelParameterName(recipe, channel);
  const where = `${regionalEndpoint(clients, 'ssm', region)} (${name})`;
  await call('ssm:PutParameter', where, () =>
    clients.ssm(region).send(
      new PutParameterCommand({
        Name: name,
        Value: ami,
        Type: 'String',
        DataType: 'aws:ec2:image',
        // Only advanced parameters can be shared through RAM.
        Tier: 'Advanced',
        Overwrite: true,
        Description: `AMI Bakery: the ${channel} image of ${recipe}`,
      }),
    ),
  );
  await call('ssm:AddTagsToResource', where, () =>
    clients.ssm(region).send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: name,
        Tags: [
          { Key: CATALOG_TAGS.recipe, Value: recipe },
          { Key: CATALOG_TAGS.channel, Value: channel },
          { Key: CATALOG_TAGS.managedBy, Value: CATALOG_MANAGED_BY },
        ],
      }),
    ),
  );
  await sharing.share(region, channelParameterArn(scope.partition, region, scope.account, recipe, channel));
}

/** Removes a channel in `region` (a channel with no image left). Gone already is fine. */
async function deleteChannel(clients: CatalogClients, region: string, recipe: string, channel: string): Promise<void> {
  const name = channelParameterName(recipe, channel);
  try {
    await call('ssm:DeleteParameter', `${regionalEndpoint(clients, 'ssm', region)} (${name})`, () =>
      clients.ssm(region).send(new DeleteParameterCommand({ Name: name })),
    );
  } catch (error) {
    if (error instanceof AwsCallError && (error.errorName === 'ParameterNotFound' || error.kind === 'not-found')) return;
    throw error;
  }
}

const ACTIVE = new Set(['ASSOCIATED', 'ASSOCIATING']);

/**
 * The RAM side, per region: finds the bakery's channel share (or creates it with the first
 * parameter), and associates each channel parameter once. Remembers what it learned for the run.
 */
class ChannelSharing {
  private readonly shares = new Map<string, Promise<string | undefined>>();
  private readonly associated = new Set<string>();

  constructor(
    private readonly clients: CatalogClients,
    private readonly scope: CatalogScope,
  ) {}

  async share(region: string, parameterArn: string): Promise<void> {
    if (this.associated.has(parameterArn)) return;
    if (!this.scope.organizationArn)
      throw new Error(
        'the deployer knows no organization to share channels with (RECIPE_PARAMETERS needs OrganizationId and ManagementAccountId)',
      );
    const name = channelShareName(this.scope.namePrefix);
    const ram = this.clients.ram(region);
    const where = `${regionalEndpoint(this.clients, 'ram', region)} (resource share ${name})`;
    let pending = this.shares.get(region);
    if (!pending) {
      pending = this.findShare(region, name, where);
      this.shares.set(region, pending);
    }
    let shareArn = await pending;
    if (!shareArn) {
      const created = await call('ram:CreateResourceShare', where, () =>
        ram.send(
          new CreateResourceShareCommand({
            name,
            resourceArns: [parameterArn],
            principals: [this.scope.organizationArn],
            allowExternalPrincipals: false,
            clientToken: token(`${region}/${name}`),
          }),
        ),
      ).catch((error: unknown) => {
        throw withOrganizationHint(error);
      });
      shareArn = created.resourceShare?.resourceShareArn;
      this.shares.set(region, Promise.resolve(shareArn));
      this.associated.add(parameterArn);
      return;
    }
    const arn = shareArn;
    const out: GetResourceShareAssociationsCommandOutput = await call('ram:GetResourceShareAssociations', where, () =>
      ram.send(
        new GetResourceShareAssociationsCommand({ associationType: 'RESOURCE', resourceShareArns: [arn], resourceArn: parameterArn }),
      ),
    );
    if (!(out.resourceShareAssociations ?? []).some((a) => ACTIVE.has(a.status ?? ''))) {
      await call('ram:AssociateResourceShare', where, () =>
        ram.send(
          new AssociateResourceShareCommand({ resourceShareArn: arn, resourceArns: [parameterArn], clientToken: token(parameterArn) }),
        ),
      );
    }
    this.associated.add(parameterArn);
  }

  private async findShare(region: string, name: string, where: string): Promise<string | undefined> {
    const out = await call('ram:GetResourceShares', where, () =>
      this.clients.ram(region).send(new GetResourceSharesCommand({ resourceOwner: 'SELF', name, resourceShareStatus: 'ACTIVE' })),
    );
    // The name is the bakery's; a share of that name open to external principals is never used (IAM refuses it too).
    const own = (out.resourceShares ?? []).find((s) => s.name === name && s.allowExternalPrincipals === false);
    return own?.resourceShareArn;
  }
}

function token(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 64);
}

function withOrganizationHint(error: unknown): unknown {
  if (error instanceof AwsCallError && /organization|OperationNotPermitted/i.test(`${error.errorName} ${error.message}`)) {
    error.message = `${error.message}. Sharing with the organization needs RAM sharing enabled once in the management account (aws ram enable-sharing-with-aws-organization).`;
  }
  return error;
}

export { type CatalogScope, CHANNEL_ROOT, ChannelSharing, deleteChannel, readRecipeParameters, writeChannel };
