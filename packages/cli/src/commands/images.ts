/**
 * `bakery images [recipe...]`: every image build of each recipe with its Image Builder state, the
 * channels on it (as committed in catalog.yaml and as the channel parameters say in the bakery
 * region), its evidence score, age, deprecation and revocation. Table or JSON.
 */
import { CANDIDATE_CHANNEL, type CatalogFile } from '@ami-bakery/bundle';
import type { CatalogClients } from '../catalog/aws.js';
import {
  type CatalogCommandDeps,
  COMMON_OPTIONS,
  clientsOf,
  EVIDENCE_OPTION,
  evidenceBucketOf,
  type RecipeContext,
  recipesOf,
  regionOf,
  runReporting,
  stackPrefixOf,
} from '../catalog/context.js';
import { readCatalog } from '../catalog/file.js';
import {
  type AmiState,
  describeAmis,
  type ImageBuild,
  imageNameOf,
  isDeprecated,
  listImageBuilds,
  readChannels,
  readEvidenceSummary,
} from '../catalog/observe.js';
import { age, table } from '../catalog/table.js';
import { type Command, defineCommand } from '../command.js';

interface ImageRow {
  readonly image: string;
  readonly state: string;
  readonly created: string | null;
  readonly amis: Readonly<Record<string, string>>;
  /** Channels on the image: committed in catalog.yaml, and deployed (the parameter's value in the bakery region). */
  readonly channels: readonly { channel: string; committed: boolean; deployed: boolean }[];
  readonly score: number | null;
  /** EC2 deprecation time of the AMI in the bakery region. */
  readonly deprecationTime: string | null;
  readonly deprecated: boolean;
  /** From catalog.yaml; `applied` when EC2 carries the revoked-reason tag. */
  readonly revoked: { reason: string; disable: boolean; applied: boolean } | null;
}

interface RecipeImages {
  readonly recipe: string;
  readonly imageName: string;
  readonly region: string;
  readonly images: readonly ImageRow[];
}

async function recipeImages(
  ctx: RecipeContext,
  clients: CatalogClients,
  options: { region: string; prefix: string; bucket: string | undefined; now: Date },
): Promise<RecipeImages> {
  const { region } = options;
  const imageName = imageNameOf(options.prefix, ctx.name);
  const file: CatalogFile = readCatalog(ctx.dir, ctx.declaredChannels, ctx.catalogDisplay).file;
  const builds = await listImageBuilds(clients, region, imageName);
  // Revoked images Image Builder no longer lists still show, from the catalog.
  for (const revoked of file.revoked)
    if (!builds.some((b) => b.image === revoked.image))
      builds.push({ image: revoked.image, arn: '', state: 'NOT LISTED', stateReason: undefined, created: undefined, amis: revoked.amis });
  const deployed = await readChannels(clients, region, ctx.name, [...ctx.declaredChannels, CANDIDATE_CHANNEL]);
  const local = builds.flatMap((b) => (b.amis[region] ? [b.amis[region] as string] : []));
  const amiStates = local.length > 0 ? await describeAmis(clients, new Map([[region, local]])) : new Map<string, AmiState>();
  const images: ImageRow[] = [];
  for (const build of builds) {
    const ami = build.amis[region];
    const state = ami ? amiStates.get(ami) : undefined;
    const summary =
      options.bucket && build.state === 'AVAILABLE'
        ? await readEvidenceSummary(clients, region, options.bucket, ctx.name, build.image)
        : undefined;
    const revoked = file.revoked.find((r) => r.image === build.image);
    images.push({
      image: build.image,
      state: build.state,
      created: build.created ?? null,
      amis: build.amis,
      channels: channelsOn(build, file, deployed, region),
      score: summary?.score ?? null,
      deprecationTime: state?.deprecationTime ?? null,
      deprecated: isDeprecated(state, options.now),
      revoked: revoked ? { reason: revoked.reason, disable: revoked.disable, applied: state?.revokedReason === revoked.reason } : null,
    });
  }
  return { recipe: ctx.name, imageName, region, images };
}

function channelsOn(build: ImageBuild, file: CatalogFile, deployed: Readonly<Record<string, string>>, region: string) {
  const names = new Set([...Object.keys(file.channels), ...Object.keys(deployed)]);
  const out: { channel: string; committed: boolean; deployed: boolean }[] = [];
  for (const channel of [...names].sort()) {
    const committed = file.channels[channel]?.image === build.image;
    const isDeployed = build.amis[region] !== undefined && deployed[channel] === build.amis[region];
    if (committed || isDeployed) out.push({ channel, committed, deployed: isDeployed });
  }
  return out;
}

function channelText(c: { channel: string; committed: boolean; deployed: boolean }): string {
  if (c.committed && c.deployed) return c.channel;
  if (c.committed) return `${c.channel} (not applied yet)`;
  return c.channel === CANDIDATE_CHANNEL ? c.channel : `${c.channel} (deployed, not in catalog.yaml)`;
}

function render(recipes: readonly RecipeImages[], now: Date): string {
  const lines: string[] = [];
  for (const r of recipes) {
    lines.push(`${r.recipe} (images ${r.imageName}, ${r.region})`);
    if (r.images.length === 0) {
      lines.push('  no image build yet');
      continue;
    }
    const rows = r.images.map((i) => [
      i.image,
      i.state,
      i.channels.map(channelText).join(', ') || '-',
      i.score === null ? '-' : String(i.score),
      age(i.created ?? undefined, now),
      i.deprecationTime ? `${i.deprecationTime.slice(0, 10)}${i.deprecated ? '' : ' (due)'}` : '-',
      i.revoked ? `${i.revoked.reason}${i.revoked.disable ? ' (disabled)' : ''}${i.revoked.applied ? '' : ' (not applied yet)'}` : '-',
    ]);
    lines.push(...table(['IMAGE', 'STATE', 'CHANNELS', 'SCORE', 'AGE', 'DEPRECATED', 'REVOKED'], rows, '  '));
  }
  return `${lines.join('\n')}\n`;
}

export function createImagesCommand(deps: CatalogCommandDeps = {}): Command {
  return defineCommand({
    name: 'images',
    summary: 'List every image build of each recipe with its state, channels, score, age, deprecation and revocation.',
    usage: 'bakery images [RECIPE...] [--region REGION] [--evidence-bucket BUCKET] [--json]',
    details: [
      'Reads Image Builder (the builds and their AMIs), the channel parameters and the AMIs in the',
      'bakery region, and each AVAILABLE build’s evidence summary when an evidence bucket is named.',
      'A channel committed in catalog.yaml that the deployer has not applied yet shows as such, as',
      'does a revocation. Without RECIPE: every recipe of the workspace.',
    ].join('\n'),
    options: { ...COMMON_OPTIONS, ...EVIDENCE_OPTION, json: { type: 'boolean', description: 'Print JSON instead of a table.' } },
    async run(args, io) {
      const recipes = await recipesOf(args.positionals, io);
      const region = regionOf(args.values, io);
      const prefix = stackPrefixOf(args.values, io);
      const bucket = evidenceBucketOf(args.values, io);
      const now = (deps.now ?? (() => new Date()))();
      return runReporting('images', io, async () => {
        const clients = clientsOf(deps, io);
        try {
          const out: RecipeImages[] = [];
          for (const ctx of recipes) out.push(await recipeImages(ctx, clients, { region, prefix, bucket, now }));
          io.stdout.write(args.values.json ? `${JSON.stringify({ recipes: out }, null, 2)}\n` : render(out, now));
          return 0;
        } finally {
          clients.destroy();
        }
      });
    },
  });
}

export default createImagesCommand();
