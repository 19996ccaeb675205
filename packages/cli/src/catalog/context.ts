/**
 * What every catalog command needs besides its own arguments: the recipe (folder, name, declared
 * channels, promotion threshold), the bakery region, the evidence bucket, the image name prefix,
 * and the clients. Commands take `CatalogCommandDeps` so tests point them at moto and mocks.
 */
import path from 'node:path';
import {
  type CatalogFile,
  type CatalogState,
  catalogSettingsOf,
  catalogStateOf,
  catalogStylishLines,
  defaultCatalogState,
  observedCatalogOf,
  planCatalog,
} from '@ami-bakery/bundle';
import { DEFAULT_STACK_PREFIX } from '@ami-bakery/recipe-bundler';
import { displayPath, type PromotionThreshold, parseYaml, promotionThreshold, readInputFile } from '@ami-bakery/recipe-schema';
import type { OptionSpec } from '../command.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { resolveRecipe } from '../targets.js';
import { type CatalogClients, catalogClients } from './aws.js';

type Env = Readonly<Record<string, string | undefined>>;

interface CatalogCommandDeps {
  /** The AWS clients; default the CLI's configuration from the command's environment. */
  readonly clients?: (env: Env) => CatalogClients;
  /** Now, for promotedAt / revokedAt and ages; default the clock. */
  readonly now?: () => Date;
}

interface RecipeContext {
  readonly dir: string;
  readonly name: string;
  readonly recipe: unknown;
  readonly declaredChannels: readonly string[];
  readonly threshold: PromotionThreshold | undefined;
  /** catalog.yaml as findings and messages show it. */
  readonly catalogDisplay: string;
}

const RECIPE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2,4}(?:-[a-z]+){1,3}-[0-9]{1,2}$/;

const COMMON_OPTIONS = {
  region: { type: 'string', valueName: 'REGION', description: 'The bakery region (default BAKERY_REGION, else AWS_REGION).' },
  'stack-prefix': {
    type: 'string',
    valueName: 'PREFIX',
    description: `Recipe stack prefix, which names the images (default BAKERY_STACK_PREFIX, else ${DEFAULT_STACK_PREFIX}).`,
  },
} as const satisfies Record<string, OptionSpec>;

const EVIDENCE_OPTION = {
  'evidence-bucket': {
    type: 'string',
    valueName: 'BUCKET',
    description: 'Evidence bucket, the bakery stack output EvidenceBucketName (default BAKERY_EVIDENCE_BUCKET).',
  },
} as const satisfies Record<string, OptionSpec>;

function recipeContext(given: string, io: Io): RecipeContext {
  const dir = resolveRecipe(given, io);
  const file = path.join(dir, 'recipe.yaml');
  const read = readInputFile(file, { root: dir });
  if (!read.ok) throw new UsageError(`cannot read ${displayPath(io.cwd, file)}; run bakery validate`);
  const parsed = parseYaml(read.text, displayPath(io.cwd, file));
  if (!parsed.ok) throw new UsageError(`${displayPath(io.cwd, file)} is not YAML; run bakery validate`);
  const recipe = parsed.parsed.data;
  const name = (recipe as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !RECIPE_NAME.test(name))
    throw new UsageError(`${displayPath(io.cwd, file)} has no valid name; run bakery validate`);
  return {
    dir,
    name,
    recipe,
    declaredChannels: catalogSettingsOf(recipe).declaredChannels,
    threshold: promotionThreshold(recipe, dir),
    catalogDisplay: displayPath(io.cwd, path.join(dir, 'catalog.yaml')),
  };
}

function regionOf(values: { region?: string | undefined }, io: Io): string {
  const region = values.region ?? io.env.BAKERY_REGION ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('name the bakery region: --region REGION, BAKERY_REGION or AWS_REGION');
  if (!REGION.test(region)) throw new UsageError(`--region must be a region code such as eu-west-1, not '${region}'`);
  return region;
}

function stackPrefixOf(values: { 'stack-prefix'?: string | undefined }, io: Io): string {
  const prefix = values['stack-prefix'] ?? io.env.BAKERY_STACK_PREFIX ?? DEFAULT_STACK_PREFIX;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,99}$/.test(prefix)) throw new UsageError(`--stack-prefix '${prefix}' cannot start a stack name`);
  return prefix;
}

/** The evidence bucket, or undefined when none is named (then no score can be read). */
function evidenceBucketOf(values: { 'evidence-bucket'?: string | undefined }, io: Io): string | undefined {
  const bucket = values['evidence-bucket'] ?? io.env.BAKERY_EVIDENCE_BUCKET;
  if (bucket === undefined || bucket === '') return undefined;
  if (!BUCKET.test(bucket)) throw new UsageError(`--evidence-bucket must be an S3 bucket name, not '${bucket}'`);
  return bucket;
}

function clientsOf(deps: CatalogCommandDeps, io: Io): CatalogClients {
  return (deps.clients ?? ((env) => catalogClients(env)))(io.env);
}

/**
 * The catalog change in the words `bakery plan` uses: the new file against the old one as the
 * deployer would apply it (no candidate channel offline).
 */
function changeLines(recipe: string, before: CatalogFile, after: CatalogFile, settings: RecipeContext): string[] {
  const state = (file: CatalogFile): CatalogState => catalogStateOf(file, catalogSettingsOf(settings.recipe));
  const plan = planCatalog(
    new Map([[recipe, state(after)]]),
    new Map([[recipe, observedCatalogOf(state(before) ?? defaultCatalogState())]]),
    {
      planCandidate: false,
    },
  );
  return catalogStylishLines(plan);
}

export {
  type CatalogCommandDeps,
  COMMON_OPTIONS,
  changeLines,
  clientsOf,
  EVIDENCE_OPTION,
  evidenceBucketOf,
  type RecipeContext,
  recipeContext,
  regionOf,
  stackPrefixOf,
};

/**
 * Runs a catalog command's body, turning the failures it expects into one message and exit 1:
 * AWS calls (already named by action, resource and endpoint), refusals, file and git problems.
 */
async function runReporting(command: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const { PublishError } = await import('@ami-bakery/publisher');
    const { CatalogRefusal } = await import('./change.js');
    const { CatalogChangeError } = await import('./file.js');
    const { SummaryFormatError } = await import('@ami-bakery/hardening');
    if (error instanceof CatalogRefusal) {
      const { REFUSALS } = await import('./change.js');
      io.stderr.write(`bakery ${command}: refused, ${error.id} ${REFUSALS[error.id]}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof PublishError || error instanceof CatalogChangeError) {
      io.stderr.write(`bakery ${command}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof SummaryFormatError) {
      io.stderr.write(`bakery ${command}: an evidence summary cannot be read: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export { runReporting };

/** The recipes named (names, folders or recipe.yaml files), or every recipe of the workspace. */
async function recipesOf(positionals: readonly string[], io: Io): Promise<RecipeContext[]> {
  if (positionals.length > 0) return positionals.map((given) => recipeContext(given, io));
  const { workspaceRootOf } = await import('../targets.js');
  const { workspaceRecipes } = await import('../workspace.js');
  const root = workspaceRootOf(io, 'name the recipes');
  return workspaceRecipes(root).map((file) => recipeContext(path.dirname(file), io));
}

export { recipesOf };
