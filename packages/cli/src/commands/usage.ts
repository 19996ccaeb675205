/**
 * `bakery usage [recipe...]`: where the recipes' images are used across the Organization: the
 * instances and launch templates that name one of their AMIs, per image version, from an AWS
 * Config organization aggregator (advanced queries). Anything on a revoked or deprecated image is
 * flagged. Table or JSON; exit 1 when something runs on a revoked image.
 */

import { type Aggregator, AggregatorError, findAggregator, selectAll } from '../catalog/aggregator.js';
import type { CatalogClients } from '../catalog/aws.js';
import {
  type CatalogCommandDeps,
  COMMON_OPTIONS,
  clientsOf,
  type RecipeContext,
  recipesOf,
  regionOf,
  runReporting,
  stackPrefixOf,
} from '../catalog/context.js';
import { readCatalog } from '../catalog/file.js';
import { describeAmis, imageNameOf, isDeprecated, listImageBuilds } from '../catalog/observe.js';
import { table } from '../catalog/table.js';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

/** What an AMI is: which recipe and image it belongs to, and whether it is revoked or deprecated. */
interface KnownAmi {
  readonly recipe: string;
  readonly image: string;
  readonly region: string;
  readonly revoked: string | null;
  readonly deprecated: boolean;
  readonly deprecationTime: string | null;
}

interface UsageRow {
  readonly recipe: string;
  readonly image: string;
  readonly ami: string;
  readonly accountId: string;
  readonly region: string;
  readonly resourceType: 'AWS::EC2::Instance' | 'AWS::EC2::LaunchTemplate';
  readonly resourceId: string;
  readonly resourceName: string | null;
  /** Instance state (running, stopped, ...), when Config has it. */
  readonly state: string | null;
  /** The revocation reason when the image is revoked. */
  readonly revoked: string | null;
  readonly deprecated: boolean;
}

/** AMI ids per advanced query: the expression may hold 4,096 characters. */
const CHUNK = 100;

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

async function knownAmis(
  recipes: readonly RecipeContext[],
  clients: CatalogClients,
  region: string,
  prefix: string,
  now: Date,
): Promise<Map<string, KnownAmi>> {
  const byAmi = new Map<string, Omit<KnownAmi, 'deprecated' | 'deprecationTime'>>();
  for (const ctx of recipes) {
    const file = readCatalog(ctx.dir, ctx.declaredChannels, ctx.catalogDisplay).file;
    const builds = await listImageBuilds(clients, region, imageNameOf(prefix, ctx.name));
    const revoked = new Map(file.revoked.map((r) => [r.image, r]));
    const all = [...builds.map((b) => ({ image: b.image, amis: b.amis })), ...file.revoked.map((r) => ({ image: r.image, amis: r.amis }))];
    for (const { image, amis } of all)
      for (const [amiRegion, ami] of Object.entries(amis))
        if (!byAmi.has(ami)) byAmi.set(ami, { recipe: ctx.name, image, region: amiRegion, revoked: revoked.get(image)?.reason ?? null });
  }
  const perRegion = new Map<string, string[]>();
  for (const [ami, known] of byAmi) perRegion.set(known.region, [...(perRegion.get(known.region) ?? []), ami]);
  const states = await describeAmis(clients, perRegion);
  return new Map(
    [...byAmi].map(([ami, known]) => {
      const state = states.get(ami);
      return [ami, { ...known, deprecated: isDeprecated(state, now), deprecationTime: state?.deprecationTime ?? null }];
    }),
  );
}

async function usageRows(clients: CatalogClients, aggregator: Aggregator, amis: ReadonlyMap<string, KnownAmi>): Promise<UsageRow[]> {
  const ids = [...amis.keys()].sort();
  const rows: UsageRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = quoteList(ids.slice(i, i + CHUNK));
    const instances = await selectAll(
      clients,
      aggregator,
      `SELECT accountId, awsRegion, resourceId, resourceName, resourceType, configuration.imageId, configuration.state.name WHERE resourceType = 'AWS::EC2::Instance' AND configuration.imageId IN (${chunk})`,
    );
    const templates = await selectAll(
      clients,
      aggregator,
      `SELECT accountId, awsRegion, resourceId, resourceName, resourceType, configuration.LaunchTemplateName, configuration.LaunchTemplateData.ImageId WHERE resourceType = 'AWS::EC2::LaunchTemplate' AND configuration.LaunchTemplateData.ImageId IN (${chunk})`,
    );
    for (const item of instances) {
      const configuration = record(item.configuration);
      const state = text(record(configuration.state).name);
      if (state === 'terminated') continue;
      const row = toRow(item, text(configuration.imageId), 'AWS::EC2::Instance', state, amis);
      if (row) rows.push(row);
    }
    for (const item of templates) {
      const configuration = record(item.configuration);
      const row = toRow(
        item,
        text(record(configuration.LaunchTemplateData).ImageId),
        'AWS::EC2::LaunchTemplate',
        null,
        amis,
        text(configuration.LaunchTemplateName),
      );
      if (row) rows.push(row);
    }
  }
  return rows.sort(
    (a, b) =>
      cmp(a.recipe, b.recipe) ||
      cmp(b.image, a.image) ||
      cmp(a.accountId, b.accountId) ||
      cmp(a.region, b.region) ||
      cmp(a.resourceType, b.resourceType) ||
      cmp(a.resourceId, b.resourceId),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function toRow(
  item: Record<string, unknown>,
  ami: string | null,
  resourceType: UsageRow['resourceType'],
  state: string | null,
  amis: ReadonlyMap<string, KnownAmi>,
  name?: string | null,
): UsageRow | undefined {
  const known = ami ? amis.get(ami) : undefined;
  const resourceId = text(item.resourceId);
  if (!known || !ami || !resourceId) return undefined;
  return {
    recipe: known.recipe,
    image: known.image,
    ami,
    accountId: text(item.accountId) ?? 'unknown',
    region: text(item.awsRegion) ?? known.region,
    resourceType,
    resourceId,
    resourceName: name ?? text(item.resourceName),
    state,
    revoked: known.revoked,
    deprecated: known.deprecated,
  };
}

function flag(row: UsageRow): string {
  if (row.revoked) return `REVOKED: ${row.revoked}`;
  return row.deprecated ? 'DEPRECATED' : '';
}

function render(rows: readonly UsageRow[], aggregator: Aggregator): string {
  const lines: string[] = [];
  if (rows.length === 0) lines.push(`Nothing in the Organization uses these images (Config aggregator ${aggregator.name}).`);
  else {
    const body = rows.map((r) => [
      r.recipe,
      r.image,
      r.accountId,
      r.region,
      r.resourceType === 'AWS::EC2::Instance' ? 'instance' : 'launch template',
      `${r.resourceId}${r.resourceName && r.resourceName !== r.resourceId ? ` (${r.resourceName})` : ''}${r.state ? ` ${r.state}` : ''}`,
      r.ami,
      flag(r),
    ]);
    lines.push(...table(['RECIPE', 'IMAGE', 'ACCOUNT', 'REGION', 'TYPE', 'RESOURCE', 'AMI', 'FLAG'], body));
  }
  lines.push('');
  lines.push(summary(rows, aggregator));
  return `${lines.join('\n')}\n`;
}

function summary(rows: readonly UsageRow[], aggregator: Aggregator): string {
  const images = new Set(rows.map((r) => `${r.recipe} ${r.image}`)).size;
  const revoked = rows.filter((r) => r.revoked).length;
  const deprecated = rows.filter((r) => !r.revoked && r.deprecated).length;
  const regions = aggregator.regions === 'all' ? 'all regions' : aggregator.regions.join(', ');
  return `${rows.length} ${rows.length === 1 ? 'resource uses' : 'resources use'} ${images} ${images === 1 ? 'image' : 'images'}; ${revoked} on a revoked image, ${deprecated} on a deprecated one (Config aggregator ${aggregator.name}, ${regions}).`;
}

export function createUsageCommand(deps: CatalogCommandDeps = {}): Command {
  return defineCommand({
    name: 'usage',
    summary: "Show where the recipes' images run across the Organization (AWS Config aggregator); flags revoked and deprecated ones.",
    usage: 'bakery usage [RECIPE...] [--aggregator NAME] [--aggregator-region REGION] [--region REGION] [--json]',
    details: [
      'Lists the AMIs of every image build (Image Builder, bakery region) and every revoked image of',
      'catalog.yaml, then asks an AWS Config organization aggregator (advanced queries) for the EC2',
      'instances and launch templates that use one of them, in every account and region it covers.',
      'Each is shown with its image version and flagged when the image is revoked or deprecated.',
      'Needs credentials of the account holding the aggregator (the management account or a',
      'delegated administrator) that may also read Image Builder and EC2 images of the bakery account',
      '(README "Rolling images out and back"). The aggregator is the one named (--aggregator,',
      'BAKERY_CONFIG_AGGREGATOR) or the only organization aggregator of its region.',
      '',
      'Exit code: 0 when nothing runs on a revoked image, 1 when something does or a call failed.',
    ].join('\n'),
    options: {
      ...COMMON_OPTIONS,
      aggregator: {
        type: 'string',
        valueName: 'NAME',
        description: 'Config aggregator (default BAKERY_CONFIG_AGGREGATOR, else the only one).',
      },
      'aggregator-region': {
        type: 'string',
        valueName: 'REGION',
        description: 'Region of the aggregator (default BAKERY_CONFIG_AGGREGATOR_REGION, else the bakery region).',
      },
      json: { type: 'boolean', description: 'Print JSON instead of a table.' },
    },
    async run(args, io) {
      const recipes = await recipesOf(args.positionals, io);
      const region = regionOf(args.values, io);
      const prefix = stackPrefixOf(args.values, io);
      const aggregatorRegion = args.values['aggregator-region'] ?? io.env.BAKERY_CONFIG_AGGREGATOR_REGION ?? region;
      if (!/^[a-z]{2,4}(?:-[a-z]+){1,3}-[0-9]{1,2}$/.test(aggregatorRegion))
        throw new UsageError(`--aggregator-region must be a region code, not '${aggregatorRegion}'`);
      const name = args.values.aggregator ?? io.env.BAKERY_CONFIG_AGGREGATOR;
      const now = (deps.now ?? (() => new Date()))();
      return runReporting('usage', io, async () => {
        const clients = clientsOf(deps, io);
        try {
          let aggregator: Aggregator;
          try {
            aggregator = await findAggregator(clients, aggregatorRegion, name);
          } catch (error) {
            if (!(error instanceof AggregatorError)) throw error;
            io.stderr.write(`bakery usage: ${error.message}\n`);
            return 1;
          }
          const amis = await knownAmis(recipes, clients, region, prefix, now);
          const rows = amis.size > 0 ? await usageRows(clients, aggregator, amis) : [];
          if (args.values.json) {
            const body = {
              aggregator: { name: aggregator.name, region: aggregator.region, regions: aggregator.regions },
              resources: rows,
              summary: summary(rows, aggregator),
            };
            io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
          } else io.stdout.write(render(rows, aggregator));
          return rows.some((r) => r.revoked) ? 1 : 0;
        } finally {
          clients.destroy();
        }
      });
    },
  });
}

export default createUsageCommand();
