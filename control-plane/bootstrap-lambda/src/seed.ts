import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BundleManifestV2,
  type BundleRecipeEntry,
  formatProblems,
  isSourceArtifactExtra,
  loadBundle,
  stableJson,
} from '@ami-bakery/bundle';
import { gitBlobId, RECORD_PATH, serializeRecord } from '@ami-bakery/publisher';
import { CreateCommitCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { call, sdkErrorName } from './aws.js';
import { PackageError, RepositoryStateError } from './errors.js';
import type { Log } from './log.js';
import type { BootstrapProperties } from './properties.js';
import type { BakerySession } from './session.js';

interface SeedFile {
  /** Repository path, `/`-separated. */
  path: string;
  content: Buffer;
}

interface SeedBundle {
  recipes: string[];
  files: SeedFile[];
}

type SeedOutcome = 'seeded' | 'kept';

// CodeCommit's CreateCommit limits: 100 file entries, 6 MB per file and in total.
const MAX_COMMIT_FILES = 100;
const MAX_COMMIT_BYTES = 6 * 1024 * 1024;

/** Not part of the bundle, so kept out of the record: publish deletes recorded files its bundle lacks. */
const SEED_README = 'README.md';

/**
 * The publisher's record (`.bakery/published.json`) for the bundle files of the seed, so the first
 * `bakery publish` after bootstrap treats them as its own earlier publish instead of refusing them
 * as drift.
 */
function publishRecord(files: readonly SeedFile[], recipes: readonly BundleRecipeEntry[], sourceCommit: string | null): SeedFile {
  const published = files.filter((f) => f.path !== SEED_README);
  const record = serializeRecord({
    formatVersion: 1,
    complete: true,
    sourceCommit,
    recipes: recipes.map((r) => ({ name: r.name, version: r.version })),
    files: Object.fromEntries(published.map((f) => [f.path, gitBlobId(f.content)])),
  });
  return { path: RECORD_PATH, content: Buffer.from(record) };
}

/** Every regular file under `dir`, relative and `/`-separated, sorted. */
async function listFiles(dir: string, prefix: string): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function readme(recipes: readonly string[], props: BootstrapProperties): string {
  const list = recipes.length > 0 ? recipes.map((r) => `- \`${r}\``).join('\n') : '- (none)';
  return [
    '# AMI Bakery recipes',
    '',
    `This ${props.sourceType === 'S3' ? 'source bundle' : 'repository'} holds published AMI Bakery bundles; the monorepo is the source of truth.`,
    `It was seeded by the bootstrap Lambda (version ${props.solutionVersion}) with:`,
    '',
    list,
    '',
    'Change recipes in the monorepo and run `bakery publish`; do not edit files here by hand:',
    'a publish detects the drift and refuses to overwrite it.',
    '',
    '- `manifest.json`: the published recipes, their versions and content hashes',
    "- `recipes/<name>/template.yaml`: one CloudFormation stack per recipe, deployed by the pipeline's deployer",
    '',
    'The bakery stack itself is not here: only the management account changes it.',
    '',
  ].join('\n');
}

/**
 * Reads the packaged seed bundle (the `dist/bundle` layout, format 2), verified as the deployer
 * verifies a source, and keeps only the chosen recipes: a subset is written as a `partial`
 * bundle, so the deployer never takes the recipes it lacks for deleted ones. Runs before any AWS
 * call, so a recipe name that is not packaged, or a seed the deployer would refuse, fails the
 * Create cleanly.
 */
async function loadSeedBundle(seedDir: string, props: BootstrapProperties): Promise<SeedBundle> {
  let paths: string[];
  try {
    paths = await listFiles(seedDir, '');
  } catch (error) {
    throw new PackageError(
      `The seed bundle is missing from the Lambda package (${seedDir}): run "pnpm bakery bundle", then rebuild the package with "node build.mjs"`,
      { cause: error },
    );
  }
  const packaged = new Map<string, Buffer>();
  for (const path of paths) packaged.set(path, await readFile(join(seedDir, path)));
  if (!packaged.has('manifest.json')) {
    throw new PackageError(
      `The seed bundle is missing from the Lambda package (${join(seedDir, 'manifest.json')}): run "pnpm bakery bundle", then rebuild the package with "node build.mjs"`,
    );
  }
  const manifest = verifiedManifest(packaged, 'The packaged seed bundle');
  const available = manifest.recipes.map((r) => r.name);
  const wanted = props.seedRecipes === 'all' ? available : props.seedRecipes;
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new PackageError(
      `SeedRecipes names recipe(s) not in the packaged seed bundle: ${unknown.join(', ')}. Available: ${available.join(', ') || '(none)'}; use "all" or a subset of these.`,
    );
  }
  const chosen = manifest.recipes.filter((r) => wanted.includes(r.name));
  const seeded: BundleManifestV2 = { ...manifest, partial: manifest.partial || chosen.length < available.length, recipes: chosen };
  const files: SeedFile[] = [{ path: 'manifest.json', content: Buffer.from(stableJson(seeded)) }];
  for (const recipe of chosen) {
    const folder = `recipes/${recipe.name}/`;
    for (const [path, content] of packaged) if (path.startsWith(folder)) files.push({ path, content });
  }
  files.push({ path: SEED_README, content: Buffer.from(readme(wanted, props)) });
  files.push(publishRecord(files, chosen, manifest.sourceCommit));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // What is committed is what the deployer reads: it must take it as it is.
  verifiedManifest(new Map(files.map((f) => [f.path, f.content])), 'The seed', isSourceArtifactExtra);

  if (props.sourceType === 'CodeCommit') {
    const bytes = files.reduce((n, f) => n + f.content.length, 0);
    if (files.length > MAX_COMMIT_FILES || bytes > MAX_COMMIT_BYTES) {
      throw new PackageError(
        `The seed (${files.length} files, ${bytes} bytes) exceeds one CodeCommit commit (${MAX_COMMIT_FILES} files, ${MAX_COMMIT_BYTES} bytes): seed fewer recipes with SeedRecipes and publish the rest with "bakery publish"`,
      );
    }
  }
  return { recipes: wanted, files };
}

/** The manifest of a bundle the deployer accepts (`loadBundle` of `@ami-bakery/bundle`), or a PackageError naming every problem. */
function verifiedManifest(files: ReadonlyMap<string, Uint8Array>, what: string, allowExtra?: (path: string) => boolean): BundleManifestV2 {
  const { bundle, problems } = loadBundle(files, allowExtra ? { allowExtra } : {});
  if (bundle === undefined) {
    throw new PackageError(
      `${what} is not a bundle the deployer accepts; rebuild it with "pnpm bakery bundle", then the package with "node build.mjs":\n${formatProblems(problems)}`,
    );
  }
  return bundle.manifest;
}

/**
 * Commits the seed when the branch does not exist yet. An existing branch is never touched: it
 * holds published bundles, and overwriting them would lose work.
 */
async function seedRepository(
  session: BakerySession,
  props: BootstrapProperties,
  bundle: SeedBundle,
  signal: AbortSignal,
  log: Log,
): Promise<SeedOutcome> {
  const repo = props.repositoryName;
  const branch = props.branchName;
  try {
    const out = await call('codecommit:GetBranch', session.where, () =>
      session.codeCommit.send(new GetBranchCommand({ repositoryName: repo, branchName: branch }), { abortSignal: signal }),
    );
    log.info('Branch already exists; leaving the repository alone', {
      repositoryName: repo,
      branchName: branch,
      commitId: out.branch?.commitId,
    });
    return 'kept';
  } catch (error) {
    const name = sdkErrorName(error);
    if (name === 'RepositoryDoesNotExistException') {
      throw new RepositoryStateError(
        `Repository ${repo} does not exist in ${session.where} although the bakery stack is complete: the stack's RepositoryName must match the RepositoryName property`,
        { cause: error },
      );
    }
    if (name !== 'BranchDoesNotExistException') throw error;
  }
  try {
    const out = await call('codecommit:CreateCommit', session.where, () =>
      session.codeCommit.send(
        new CreateCommitCommand({
          repositoryName: repo,
          branchName: branch,
          authorName: 'AMI Bakery bootstrap',
          commitMessage: `Seed AMI Bakery ${props.solutionVersion} with ${bundle.recipes.length} recipe(s): ${bundle.recipes.join(', ') || 'none'}`,
          putFiles: bundle.files.map((f) => ({ filePath: f.path, fileContent: f.content, fileMode: 'NORMAL' })),
        }),
        { abortSignal: signal },
      ),
    );
    log.info('Seeded the repository', { repositoryName: repo, branchName: branch, commitId: out.commitId, files: bundle.files.length });
    return 'seeded';
  } catch (error) {
    const name = sdkErrorName(error);
    if (name === 'ParentCommitIdRequiredException' || name === 'BranchDoesNotExistException') {
      throw new RepositoryStateError(
        `Repository ${repo} already has commits but no branch ${branch}, so the seed cannot be committed without a parent: set BranchName to the repository's existing branch, or create ${branch} and publish with "bakery publish"`,
        { cause: error },
      );
    }
    throw error;
  }
}

export { loadSeedBundle, type SeedBundle, type SeedFile, type SeedOutcome, seedRepository };
