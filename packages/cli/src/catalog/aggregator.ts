/**
 * The AWS Config organization aggregator that `bakery usage` queries and `bakery doctor --aws`
 * checks: found by name, or the one organization aggregator of the region.
 */
import {
  type ConfigurationAggregator,
  DescribeConfigurationAggregatorsCommand,
  SelectAggregateResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { type CatalogClients, call } from './aws.js';

interface Aggregator {
  readonly name: string;
  readonly region: string;
  /** Aggregates the whole Organization (not a list of accounts). */
  readonly organization: boolean;
  /** Every region, or the regions it covers. */
  readonly regions: 'all' | readonly string[];
}

/** Why no usable aggregator was found; the message says how to make one (README). */
class AggregatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AggregatorError';
  }
}

const HOW =
  'see README "Rolling images out and back" for the one-time set-up (an organization aggregator in the management or a delegated administrator account)';

function describe(a: ConfigurationAggregator, region: string): Aggregator {
  const org = a.OrganizationAggregationSource;
  const source = org ?? a.AccountAggregationSources?.[0];
  const regions: 'all' | string[] = source?.AllAwsRegions ? 'all' : [...(source?.AwsRegions ?? [])].sort();
  return { name: a.ConfigurationAggregatorName ?? '', region, organization: org !== undefined, regions };
}

/** The aggregator named `name`, or the single organization aggregator in `region`. */
async function findAggregator(clients: CatalogClients, region: string, name: string | undefined): Promise<Aggregator> {
  const client = clients.config(region);
  const found: ConfigurationAggregator[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await call(
        'config:DescribeConfigurationAggregators',
        name ? `aggregator ${name} in ${region}` : `the aggregators of ${region}`,
        client,
        () =>
          client.send(
            new DescribeConfigurationAggregatorsCommand({
              ...(name ? { ConfigurationAggregatorNames: [name] } : {}),
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        ['NoSuchConfigurationAggregatorException'],
      );
      found.push(...(page.ConfigurationAggregators ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchConfigurationAggregatorException')
      throw new AggregatorError(`there is no Config aggregator named ${name} in ${region}; ${HOW}`);
    throw error;
  }
  const aggregators = found.map((a) => describe(a, region));
  if (name) {
    const named = aggregators.find((a) => a.name === name);
    if (!named) throw new AggregatorError(`there is no Config aggregator named ${name} in ${region}; ${HOW}`);
    if (!named.organization)
      throw new AggregatorError(
        `Config aggregator ${name} aggregates a list of accounts, not the Organization: instances in other accounts would be missed; ${HOW}`,
      );
    return named;
  }
  const organization = aggregators.filter((a) => a.organization);
  if (organization.length === 0)
    throw new AggregatorError(
      `no Config organization aggregator in ${region}${aggregators.length > 0 ? ` (only account aggregators: ${aggregators.map((a) => a.name).join(', ')})` : ''}; ${HOW}`,
    );
  if (organization.length > 1)
    throw new AggregatorError(
      `${organization.length} organization aggregators in ${region} (${organization.map((a) => a.name).join(', ')}); name one with --aggregator`,
    );
  return organization[0] as Aggregator;
}

/** Every result of an advanced query, parsed (each a JSON object). */
async function selectAll(clients: CatalogClients, aggregator: Aggregator, expression: string): Promise<Record<string, unknown>[]> {
  const client = clients.config(aggregator.region);
  const out: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const page = await call('config:SelectAggregateResourceConfig', `aggregator ${aggregator.name} in ${aggregator.region}`, client, () =>
      client.send(
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: aggregator.name,
          Expression: expression,
          Limit: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    for (const result of page.Results ?? []) {
      try {
        const parsed = JSON.parse(result) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) out.push(parsed as Record<string, unknown>);
      } catch {
        // Config returns JSON text; anything else carries nothing to report.
      }
    }
    token = page.NextToken;
  } while (token);
  return out;
}

export { type Aggregator, AggregatorError, findAggregator, selectAll };
