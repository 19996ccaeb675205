/**
 * Images as AWS sees them: the Image Builder image of a build (its status and the AMI it
 * distributed to each region) and the EC2 AMIs of a recipe in a region (state, deprecation time,
 * revocation tags); and the EC2 operations the catalog performs on them.
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  DisableImageCommand,
  DisableImageDeprecationCommand,
  EnableImageCommand,
  EnableImageDeprecationCommand,
} from '@aws-sdk/client-ec2';
import { GetImageCommand } from '@aws-sdk/client-imagebuilder';
import { call } from '../aws.js';
import { AwsCallError } from '../errors.js';
import { type CatalogClients, regionalEndpoint } from './clients.js';
import { CATALOG_TAGS, isAmiId, isRegion, parseImageArn } from './names.js';

/** One AMI of a recipe in one region. */
interface AmiRecord {
  readonly ami: string;
  readonly region: string;
  /** EC2's state: `available`, `pending`, `disabled`, `failed`, ... */
  readonly state: string;
  readonly creationDate?: string;
  /** ISO time; absent when the AMI has no deprecation time. */
  readonly deprecationTime?: string;
  /** `1.2.0/3`, from the `Ec2ImageBuilderArn` tag; absent when the AMI has none. */
  readonly image?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The Image Builder image of one build. */
interface ImageRecord {
  readonly image: string;
  readonly arn: string;
  /** Image Builder's status (`AVAILABLE`, `FAILED`, `DEPRECATED`, `DISABLED`, `DELETED`, ...), or `MISSING` when it does not exist. */
  readonly status: string;
  readonly reason?: string;
  /** Region -> AMI id of this account's output AMIs. */
  readonly amis: Readonly<Record<string, string>>;
  readonly dateCreated?: string;
  readonly pipelineArn?: string;
}

/** The image build `arn`, or a MISSING record. */
async function getImage(clients: CatalogClients, account: string, arn: string): Promise<ImageRecord> {
  const parsed = parseImageArn(arn);
  const image = parsed?.image ?? arn;
  try {
    const out = await call('imagebuilder:GetImage', `${regionalEndpoint(clients, 'imagebuilder', clients.home)} (${arn})`, () =>
      clients.imageBuilder.send(new GetImageCommand({ imageBuildVersionArn: arn })),
    );
    const found = out.image;
    const amis: Record<string, string> = {};
    for (const output of found?.outputResources?.amis ?? []) {
      if (output.accountId && output.accountId !== account) continue;
      if (isRegion(output.region) && isAmiId(output.image)) amis[output.region] = output.image;
    }
    return {
      image,
      arn,
      status: found?.state?.status ?? 'MISSING',
      ...(found?.state?.reason ? { reason: found.state.reason } : {}),
      amis,
      ...(found?.dateCreated ? { dateCreated: found.dateCreated } : {}),
      ...(found?.sourcePipelineArn ? { pipelineArn: found.sourcePipelineArn } : {}),
    };
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not-found') return { image, arn, status: 'MISSING', amis: {} };
    throw error;
  }
}

/** Every AMI this account owns in `region` tagged with the recipe (deprecated and disabled ones included). */
async function describeRecipeAmis(clients: CatalogClients, region: string, recipe: string): Promise<AmiRecord[]> {
  const records: AmiRecord[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page: DescribeImagesCommandOutput = await call(
      'ec2:DescribeImages',
      `${regionalEndpoint(clients, 'ec2', region)} (AMIs tagged ${CATALOG_TAGS.recipe}=${recipe})`,
      () =>
        clients.ec2(region).send(
          new DescribeImagesCommand({
            Owners: ['self'],
            Filters: [{ Name: `tag:${CATALOG_TAGS.recipe}`, Values: [recipe] }],
            IncludeDeprecated: true,
            IncludeDisabled: true,
            MaxResults: 1000,
            NextToken: token,
          }),
        ),
    );
    for (const image of page.Images ?? []) {
      if (!isAmiId(image.ImageId)) continue;
      const tags: Record<string, string> = {};
      for (const tag of image.Tags ?? []) if (tag.Key && tag.Value !== undefined) tags[tag.Key] = tag.Value;
      const built = tags[CATALOG_TAGS.imageBuilderArn] ? parseImageArn(tags[CATALOG_TAGS.imageBuilderArn] as string) : undefined;
      records.push({
        ami: image.ImageId,
        region,
        state: image.State ?? 'unknown',
        ...(image.CreationDate ? { creationDate: image.CreationDate } : {}),
        ...(image.DeprecationTime ? { deprecationTime: image.DeprecationTime } : {}),
        ...(built ? { image: built.image } : {}),
        tags,
      });
    }
    token = page.NextToken;
    pages += 1;
  } while (token && pages < 100);
  return records.sort((a, b) => (a.ami < b.ami ? -1 : a.ami > b.ami ? 1 : 0));
}

/**
 * EC2 takes no deprecation time in the past and rounds to the minute: "now" is the next whole
 * minute after `now` plus one, so the request is never in the past when it arrives.
 */
function deprecationTimeFor(at: Date, now: Date): Date {
  const earliest = Math.ceil(now.getTime() / 60_000) * 60_000 + 60_000;
  return new Date(Math.max(at.getTime(), earliest));
}

const ec2Where = (clients: CatalogClients, region: string, ami: string) => `${regionalEndpoint(clients, 'ec2', region)} (${ami})`;

async function deprecateAmi(clients: CatalogClients, region: string, ami: string, at: Date): Promise<void> {
  await call('ec2:EnableImageDeprecation', ec2Where(clients, region, ami), () =>
    clients.ec2(region).send(new EnableImageDeprecationCommand({ ImageId: ami, DeprecateAt: at })),
  );
}

async function clearDeprecation(clients: CatalogClients, region: string, ami: string): Promise<void> {
  await call('ec2:DisableImageDeprecation', ec2Where(clients, region, ami), () =>
    clients.ec2(region).send(new DisableImageDeprecationCommand({ ImageId: ami })),
  );
}

async function disableAmi(clients: CatalogClients, region: string, ami: string): Promise<void> {
  await call('ec2:DisableImage', ec2Where(clients, region, ami), () => clients.ec2(region).send(new DisableImageCommand({ ImageId: ami })));
}

async function enableAmi(clients: CatalogClients, region: string, ami: string): Promise<void> {
  await call('ec2:EnableImage', ec2Where(clients, region, ami), () => clients.ec2(region).send(new EnableImageCommand({ ImageId: ami })));
}

async function tagAmi(clients: CatalogClients, region: string, ami: string, tags: Readonly<Record<string, string>>): Promise<void> {
  await call('ec2:CreateTags', ec2Where(clients, region, ami), () =>
    clients.ec2(region).send(
      new CreateTagsCommand({
        Resources: [ami],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value: Value.slice(0, 256) })),
      }),
    ),
  );
}

async function untagAmi(clients: CatalogClients, region: string, ami: string, keys: readonly string[]): Promise<void> {
  await call('ec2:DeleteTags', ec2Where(clients, region, ami), () =>
    clients.ec2(region).send(new DeleteTagsCommand({ Resources: [ami], Tags: keys.map((Key) => ({ Key })) })),
  );
}

export {
  type AmiRecord,
  clearDeprecation,
  deprecateAmi,
  deprecationTimeFor,
  describeRecipeAmis,
  disableAmi,
  enableAmi,
  getImage,
  type ImageRecord,
  tagAmi,
  untagAmi,
};
