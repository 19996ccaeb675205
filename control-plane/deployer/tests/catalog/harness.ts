/**
 * The catalog's AWS for tests: SSM parameters and EC2 AMIs with their tags in a local moto server
 * (two regions), and what moto 5.2.1 lacks, through aws-sdk-client-mock:
 *
 * - EC2 image deprecation and disabling (moto has no EnableImageDeprecation, DisableImageDeprecation,
 *   DisableImage, EnableImage): kept in `amiState` and laid over moto's DescribeImages answer;
 * - Image Builder (moto has none): `images` by ARN;
 * - RAM (moto cannot share SSM parameters and has no AssociateResourceShare): `shares`;
 * - EventBridge PutEvents: recorded in `events`, so the tests read the detail exactly.
 */

import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DisableImageCommand,
  DisableImageDeprecationCommand,
  EC2Client,
  EnableImageCommand,
  EnableImageDeprecationCommand,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetImageCommand } from '@aws-sdk/client-imagebuilder';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { type CatalogClients, createCatalogClients } from '../../src/catalog/clients.js';
import { CATALOG_TAGS } from '../../src/catalog/names.js';
import { ACCOUNT, HOME, OTHER, PREFIX } from './fixtures.js';

const MOTO = findOnPath('moto_server');
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const REGIONS = [HOME, OTHER] as const;

interface ImageSpec {
  status: string;
  /** Region -> AMI id. */
  amis: Record<string, string>;
  reason?: string;
}

interface Share {
  arn: string;
  region: string;
  name: string;
  principals: string[];
  allowExternalPrincipals: boolean;
  resources: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: the stubs of several clients in one list
type AnyStub = AwsStub<any, any, any>;

class CatalogAws {
  readonly clients: CatalogClients;
  readonly images = new Map<string, ImageSpec>();
  readonly amiState = new Map<string, { deprecationTime?: string; disabled?: boolean }>();
  readonly shares: Share[] = [];
  readonly events: PutEventsRequestEntry[] = [];
  /** Every EC2 write the code made, in order: `<region> <operation> <ami> [detail]`. */
  readonly ec2Calls: string[] = [];
  private readonly stubs: AnyStub[] = [];
  private readonly real: Record<string, EC2Client> = {};
  private readonly ssm: Record<string, SSMClient> = {};

  private constructor(readonly moto: MotoServer) {
    this.clients = createCatalogClients({ home: HOME, endpoint: moto.endpoint, credentials: CREDENTIALS });
    for (const region of REGIONS) {
      this.real[region] = new EC2Client({ region, endpoint: moto.endpoint, credentials: CREDENTIALS });
      this.ssm[region] = new SSMClient({ region, endpoint: moto.endpoint, credentials: CREDENTIALS });
      this.stubEc2(region);
      this.stubRam(region);
    }
    const ib = mockClient(this.clients.imageBuilder);
    ib.on(GetImageCommand).callsFake((input: { imageBuildVersionArn: string }) => {
      const spec = this.images.get(input.imageBuildVersionArn);
      if (!spec) throw Object.assign(new Error(`image ${input.imageBuildVersionArn} not found`), { name: 'ResourceNotFoundException' });
      return {
        image: {
          arn: input.imageBuildVersionArn,
          state: { status: spec.status, ...(spec.reason ? { reason: spec.reason } : {}) },
          dateCreated: '2026-12-01T00:00:00.000Z',
          outputResources: { amis: Object.entries(spec.amis).map(([region, image]) => ({ region, image, accountId: ACCOUNT })) },
        },
      };
    });
    const events = mockClient(this.clients.events);
    events.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      this.events.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `event-${this.events.length + i}` })) };
    });
    this.stubs.push(ib, events);
  }

  static available(): boolean {
    return MOTO !== undefined;
  }

  static async start(): Promise<CatalogAws> {
    return new CatalogAws(await startMoto(MOTO as string));
  }

  async stop(): Promise<void> {
    for (const stub of this.stubs) stub.restore();
    await this.moto.stop();
  }

  private stubEc2(region: string): void {
    const real = this.real[region] as EC2Client;
    const ec2 = mockClient(this.clients.ec2(region));
    ec2.on(DescribeImagesCommand).callsFake(async (input) => {
      // moto has the AMIs and their tags; deprecation and disabled state are laid over them.
      const out = await real.send(new DescribeImagesCommand({ Owners: input.Owners, Filters: input.Filters }));
      return {
        ...out,
        Images: (out.Images ?? []).map((image) => {
          const state = this.amiState.get(image.ImageId ?? '');
          return {
            ...image,
            ...(state?.deprecationTime ? { DeprecationTime: state.deprecationTime } : {}),
            ...(state?.disabled ? { State: 'disabled' } : {}),
          };
        }),
      };
    });
    ec2.on(CreateTagsCommand).callsFake(async (input) => {
      this.ec2Calls.push(
        `${region} CreateTags ${input.Resources.join(',')} ${(input.Tags ?? []).map((t: { Key: string }) => t.Key).join(',')}`,
      );
      return real.send(new CreateTagsCommand(input));
    });
    ec2.on(DeleteTagsCommand).callsFake(async (input) => {
      this.ec2Calls.push(
        `${region} DeleteTags ${input.Resources.join(',')} ${(input.Tags ?? []).map((t: { Key: string }) => t.Key).join(',')}`,
      );
      return real.send(new DeleteTagsCommand(input));
    });
    ec2.on(EnableImageDeprecationCommand).callsFake((input: { ImageId: string; DeprecateAt: Date }) => {
      this.ec2Calls.push(`${region} EnableImageDeprecation ${input.ImageId} ${input.DeprecateAt.toISOString()}`);
      this.state(input.ImageId).deprecationTime = input.DeprecateAt.toISOString();
      return { Return: true };
    });
    ec2.on(DisableImageDeprecationCommand).callsFake((input: { ImageId: string }) => {
      this.ec2Calls.push(`${region} DisableImageDeprecation ${input.ImageId}`);
      delete this.state(input.ImageId).deprecationTime;
      return { Return: true };
    });
    ec2.on(DisableImageCommand).callsFake((input: { ImageId: string }) => {
      this.ec2Calls.push(`${region} DisableImage ${input.ImageId}`);
      this.state(input.ImageId).disabled = true;
      return { Return: true };
    });
    ec2.on(EnableImageCommand).callsFake((input: { ImageId: string }) => {
      this.ec2Calls.push(`${region} EnableImage ${input.ImageId}`);
      this.state(input.ImageId).disabled = false;
      return { Return: true };
    });
    this.stubs.push(ec2);
  }

  private state(ami: string) {
    let s = this.amiState.get(ami);
    if (!s) {
      s = {};
      this.amiState.set(ami, s);
    }
    return s;
  }

  private stubRam(region: string): void {
    const ram = mockClient(this.clients.ram(region));
    ram.on(GetResourceSharesCommand).callsFake((input: { name?: string }) => ({
      resourceShares: this.shares
        .filter((s) => s.region === region && s.name === input.name)
        .map((s) => ({
          resourceShareArn: s.arn,
          name: s.name,
          status: 'ACTIVE',
          tags: [{ key: CATALOG_TAGS.managedBy, value: 'ami-bakery-deployer' }],
        })),
    }));
    ram.on(CreateResourceShareCommand).callsFake((input) => {
      const share: Share = {
        arn: `arn:aws:ram:${region}:${ACCOUNT}:resource-share/${this.shares.length + 1}`,
        region,
        name: input.name,
        principals: input.principals ?? [],
        allowExternalPrincipals: input.allowExternalPrincipals ?? true,
        resources: [...(input.resourceArns ?? [])],
      };
      this.shares.push(share);
      return { resourceShare: { resourceShareArn: share.arn, name: share.name, status: 'ACTIVE' } };
    });
    ram.on(GetResourceShareAssociationsCommand).callsFake((input: { resourceShareArns: string[]; resourceArn?: string }) => ({
      resourceShareAssociations: this.shares
        .filter((s) => input.resourceShareArns.includes(s.arn))
        .flatMap((s) =>
          s.resources
            .filter((r) => !input.resourceArn || r === input.resourceArn)
            .map((r) => ({ associatedEntity: r, status: 'ASSOCIATED' })),
        ),
    }));
    ram.on(AssociateResourceShareCommand).callsFake((input: { resourceShareArn: string; resourceArns: string[] }) => {
      const share = this.shares.find((s) => s.arn === input.resourceShareArn);
      share?.resources.push(...input.resourceArns);
      return { resourceShareAssociations: input.resourceArns.map((r) => ({ associatedEntity: r, status: 'ASSOCIATING' })) };
    });
    this.stubs.push(ram);
  }

  /** Registers an AMI in moto tagged as a distributed image of `recipe` `image`; returns its id. */
  async registerAmi(region: string, recipe: string, image: string, extraTags: Record<string, string> = {}): Promise<string> {
    const real = this.real[region] as EC2Client;
    const out = await real.send(
      new RegisterImageCommand({
        Name: `${recipe}-${image.replace('/', '-')}-${region}`,
        RootDeviceName: '/dev/xvda',
        Architecture: 'x86_64',
        VirtualizationType: 'hvm',
      }),
    );
    const id = out.ImageId as string;
    await real.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: CATALOG_TAGS.recipe, Value: recipe },
          { Key: CATALOG_TAGS.imageBuilderArn, Value: this.imageArn(recipe, image) },
          ...Object.entries(extraTags).map(([Key, Value]) => ({ Key, Value })),
        ],
      }),
    );
    return id;
  }

  imageArn(recipe: string, image: string): string {
    return `arn:aws:imagebuilder:${HOME}:${ACCOUNT}:image/${PREFIX}${recipe}/${image}`;
  }

  /** Builds `image` of `recipe` in both regions: AMIs in moto and an Image Builder record with `status`. */
  async build(recipe: string, image: string, status = 'AVAILABLE', regions: readonly string[] = REGIONS): Promise<Record<string, string>> {
    const amis: Record<string, string> = {};
    for (const region of regions) amis[region] = await this.registerAmi(region, recipe, image);
    this.images.set(this.imageArn(recipe, image), { status, amis });
    return amis;
  }

  /** The value of a parameter in moto, or undefined. */
  async parameter(region: string, name: string): Promise<{ value: string; tier?: string; dataType?: string } | undefined> {
    try {
      const out = await (this.ssm[region] as SSMClient).send(new GetParameterCommand({ Name: name }));
      return { value: out.Parameter?.Value as string, ...(out.Parameter?.DataType ? { dataType: out.Parameter.DataType } : {}) };
    } catch {
      return undefined;
    }
  }

  /** CreationDate of an AMI in moto (moto stamps the time it registered it). */
  async creationDate(region: string, ami: string): Promise<string> {
    const out = await (this.real[region] as EC2Client).send(new DescribeImagesCommand({ ImageIds: [ami] }));
    return out.Images?.[0]?.CreationDate as string;
  }

  /** Tags of an AMI in moto. */
  async tags(region: string, ami: string): Promise<Record<string, string>> {
    const out = await (this.real[region] as EC2Client).send(new DescribeImagesCommand({ ImageIds: [ami] }));
    return Object.fromEntries((out.Images?.[0]?.Tags ?? []).map((t) => [t.Key as string, t.Value as string]));
  }

  /** Event details of `detailType`, parsed. */
  eventsOf(detailType: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.DetailType === detailType).map((e) => JSON.parse(e.Detail as string) as Record<string, unknown>);
  }
}

const SCOPE = {
  partition: 'aws',
  account: ACCOUNT,
  namePrefix: 'ami-bakery',
  stackPrefix: PREFIX,
  organizationArn: 'arn:aws:organizations::222222222222:organization/o-a1b2c3d4e5',
};

export { CatalogAws, MOTO, REGIONS, SCOPE };
