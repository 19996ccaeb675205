/**
 * What the catalog commands read from the bakery account: a recipe's image builds (Image Builder),
 * their evidence summaries (S3), their AMIs as EC2 shows them (deprecation, disabled, revocation
 * tag) and the channel parameters (SSM). Each reader makes the fewest calls it can and names the
 * call in any failure (`call`).
 */

import {
  type AmiMap,
  channelParameterName,
  compareImageVersions,
  isAmiId,
  isImageBuildVersion,
  REVOKED_REASON_TAG,
} from '@ami-bakery/bundle';
import { type ComplianceSummary, parseSummary } from '@ami-bakery/hardening';
import { DescribeImagesCommand, type Image } from '@aws-sdk/client-ec2';
import { ListImageBuildVersionsCommand, ListImagesCommand } from '@aws-sdk/client-imagebuilder';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { type CatalogClients, call } from './aws.js';

/** One build of a recipe's image, as Image Builder lists it. */
interface ImageBuild {
  /** `1.2.0/3`. */
  readonly image: string;
  readonly arn: string;
  /** AVAILABLE, FAILED, BUILDING, DEPRECATED, DISABLED, DELETED, ... */
  readonly state: string;
  readonly stateReason: string | undefined;
  /** ISO time, when Image Builder gives one. */
  readonly created: string | undefined;
  /** Region -> AMI in the image's own (bakery) account. */
  readonly amis: AmiMap;
}

/** An AMI as EC2 shows it in its region. */
interface AmiState {
  readonly ami: string;
  readonly region: string;
  /** `available`, `disabled`, `deregistered`, ... */
  readonly state: string;
  /** ISO time of the deprecation, when one is set. */
  readonly deprecationTime: string | undefined;
  readonly revokedReason: string | null;
}

/** Image Builder names a recipe's images after its stack: `<stack prefix><recipe>`. */
function imageNameOf(stackPrefix: string, recipe: string): string {
  return `${stackPrefix}${recipe}`.toLowerCase();
}

/** `1.2.0/3` from `arn:...:image/<name>/1.2.0/3`, or the summary's version. */
function buildVersionOf(arn: string | undefined, version: string | undefined): string | undefined {
  const fromArn = arn?.split('/').slice(-2).join('/');
  if (isImageBuildVersion(fromArn)) return fromArn;
  return isImageBuildVersion(version) ? version : undefined;
}

/** Every build of the image `imageName` in `region`, newest first. */
async function listImageBuilds(clients: CatalogClients, region: string, imageName: string): Promise<ImageBuild[]> {
  const client = clients.imagebuilder(region);
  const versions: string[] = [];
  let token: string | undefined;
  do {
    const page = await call('imagebuilder:ListImages', `images named ${imageName} in ${region}`, client, () =>
      client.send(
        new ListImagesCommand({
          owner: 'Self',
          filters: [{ name: 'name', values: [imageName] }],
          includeDeprecated: true,
          ...(token ? { nextToken: token } : {}),
        }),
      ),
    );
    for (const version of page.imageVersionList ?? []) if (version.arn && version.name === imageName) versions.push(version.arn);
    token = page.nextToken;
  } while (token);
  const builds: ImageBuild[] = [];
  for (const versionArn of versions) {
    let next: string | undefined;
    do {
      const page = await call('imagebuilder:ListImageBuildVersions', versionArn, client, () =>
        client.send(new ListImageBuildVersionsCommand({ imageVersionArn: versionArn, ...(next ? { nextToken: next } : {}) })),
      );
      for (const summary of page.imageSummaryList ?? []) {
        const image = buildVersionOf(summary.arn, summary.version);
        if (!image || !summary.arn) continue;
        const account = summary.arn.split(':')[4];
        const amis: Record<string, string> = {};
        for (const ami of summary.outputResources?.amis ?? []) {
          // The distribution may copy the image to other accounts: the catalog names the bakery's own AMIs.
          if (!ami.region || !isAmiId(ami.image) || (ami.accountId !== undefined && ami.accountId !== account)) continue;
          amis[ami.region] = ami.image;
        }
        builds.push({
          image,
          arn: summary.arn,
          state: summary.state?.status ?? 'UNKNOWN',
          stateReason: summary.state?.reason,
          created: summary.dateCreated,
          amis,
        });
      }
      next = page.nextToken;
    } while (next);
  }
  return builds.sort((a, b) => compareImageVersions(b.image, a.image));
}

/** Where a build's evidence summary lies: `evidence/<recipe>/<recipe version>/<build number>/summary.json`. */
function evidenceKey(recipe: string, image: string): string {
  const [version, build] = image.split('/');
  return `evidence/${recipe}/${version}/${build}/summary.json`;
}

/** The build's evidence summary; undefined when there is none. A summary that does not parse is an error. */
async function readEvidenceSummary(
  clients: CatalogClients,
  region: string,
  bucket: string,
  recipe: string,
  image: string,
): Promise<ComplianceSummary | undefined> {
  const client = clients.s3(region);
  const key = evidenceKey(recipe, image);
  let text: string;
  try {
    const object = await call(
      's3:GetObject',
      `s3://${bucket}/${key}`,
      client,
      () => client.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      ['NoSuchKey', 'NotFound'],
    );
    text = (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
    throw error;
  }
  return parseSummary(text);
}

/** EC2's view of the given AMIs, region by region (deregistered ones are simply absent). */
async function describeAmis(clients: CatalogClients, amisByRegion: ReadonlyMap<string, readonly string[]>): Promise<Map<string, AmiState>> {
  const out = new Map<string, AmiState>();
  for (const [region, amis] of [...amisByRegion].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const client = clients.ec2(region);
    const unique = [...new Set(amis)];
    for (let i = 0; i < unique.length; i += 100) {
      const chunk = unique.slice(i, i + 100);
      let token: string | undefined;
      do {
        // A filter, not ImageIds: one deregistered AMI must not fail the whole call.
        const page = await call('ec2:DescribeImages', `${chunk.length} AMIs in ${region}`, client, () =>
          client.send(
            new DescribeImagesCommand({
              Filters: [{ Name: 'image-id', Values: chunk }],
              IncludeDeprecated: true,
              IncludeDisabled: true,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        for (const image of page.Images ?? []) if (image.ImageId) out.set(image.ImageId, amiState(image, region));
        token = page.NextToken;
      } while (token);
    }
  }
  return out;
}

function amiState(image: Image, region: string): AmiState {
  const tag = image.Tags?.find((t) => t.Key === REVOKED_REASON_TAG)?.Value;
  return {
    ami: image.ImageId as string,
    region,
    state: image.State ?? 'unknown',
    deprecationTime: image.DeprecationTime,
    revokedReason: tag ?? null,
  };
}

/** True when the AMI's deprecation time is set and has come. */
function isDeprecated(state: AmiState | undefined, now: Date): boolean {
  if (!state?.deprecationTime) return false;
  const at = Date.parse(state.deprecationTime);
  return !Number.isNaN(at) && at <= now.getTime();
}

/** The values of the channel parameters of `recipe` in `region`: channel -> AMI id (missing ones absent). */
async function readChannels(
  clients: CatalogClients,
  region: string,
  recipe: string,
  channels: readonly string[],
): Promise<Record<string, string>> {
  const client = clients.ssm(region);
  const out: Record<string, string> = {};
  for (let i = 0; i < channels.length; i += 10) {
    const names = channels.slice(i, i + 10).map((c) => channelParameterName(recipe, c));
    const page = await call('ssm:GetParameters', `${names.join(', ')} in ${region}`, client, () =>
      client.send(new GetParametersCommand({ Names: names })),
    );
    for (const parameter of page.Parameters ?? []) {
      const channel = parameter.Name?.split('/').at(-1);
      if (channel && typeof parameter.Value === 'string') out[channel] = parameter.Value;
    }
  }
  return out;
}

export {
  type AmiState,
  buildVersionOf,
  describeAmis,
  evidenceKey,
  type ImageBuild,
  imageNameOf,
  isDeprecated,
  listImageBuilds,
  readChannels,
  readEvidenceSummary,
};
