import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

interface ManifestRecipe {
  name: string;
  [key: string]: unknown;
}

/** Not part of the bundle, so kept out of the record: publish deletes recorded files its bundle lacks. */
const SEED_README = 'README.md';

/**
 * The publisher's record (`.bakery/published.json`) for the bundle files of the seed, so the first
 * `bakery publish` after bootstrap treats them as its own earlier publish instead of refusing them
 * as drift.
 */
function publishRecord(files: readonly SeedFile[], recipes: readonly ManifestRecipe[], sourceCommit: unknown): SeedFile {
  const published = files.filter((f) => f.path !== SEED_README);
  const record = serializeRecord({
    formatVersion: 1,
    complete: true,
    sourceCommit: typeof sourceCommit === 'string' ? sourceCommit : null,
    recipes: recipes.map((r) => ({ name: r.name, version: typeof r.version === 'string' ? r.version : String(r.version) })),
    files: Object.fromEntries(published.map((f) => [f.path, gitBlobId(f.content)])),
  });
  return { path: RECORD_PATH, content: Buffer.from(record) };
}

function sortedJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

async function listFiles(dir: string, prefix: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
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
 * Reads the packaged seed bundle (the `dist/bundle` layout) and keeps only the chosen recipes.
 * Runs before any AWS call, so a recipe name that is not packaged fails the Create cleanly.
 */
async function loadSeedBundle(seedDir: string, props: BootstrapProperties): Promise<SeedBundle> {
  let manifest: { recipes?: ManifestRecipe[]; [key: string]: unknown };
  try {
    manifest = JSON.parse(await readFile(join(seedDir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new PackageError(
      `The seed bundle is missing from the Lambda package (${join(seedDir, 'manifest.json')}): run "pnpm bakery bundle", then rebuild the package with "node build.mjs"`,
      { cause: error },
    );
  }
  const all = (manifest.recipes ?? []).filter((r): r is ManifestRecipe => typeof r?.name === 'string');
  const available = all.map((r) => r.name);
  const wanted = props.seedRecipes === 'all' ? available : props.seedRecipes;
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new PackageError(
      `SeedRecipes names recipe(s) not in the packaged seed bundle: ${unknown.join(', ')}. Available: ${available.join(', ') || '(none)'}; use "all" or a subset of these.`,
    );
  }
  const chosen = all.filter((r) => wanted.includes(r.name));
  const files: SeedFile[] = [{ path: 'manifest.json', content: Buffer.from(sortedJson({ ...manifest, recipes: chosen })) }];
  for (const recipe of chosen) {
    let paths: string[];
    try {
      paths = await listFiles(join(seedDir, 'recipes', recipe.name), `recipes/${recipe.name}`);
    } catch (error) {
      throw new PackageError(
        `The seed bundle lists recipe ${recipe.name} but has no recipes/${recipe.name}/ folder: rebuild the bundle and the package`,
        {
          cause: error,
        },
      );
    }
    for (const path of paths) files.push({ path, content: await readFile(join(seedDir, path)) });
  }
  files.push({ path: SEED_README, content: Buffer.from(readme(wanted, props)) });
  files.push(publishRecord(files, chosen, manifest.sourceCommit));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

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

export { loadSeedBundle, type SeedBundle, type SeedFile, type SeedOutcome, seedRepository, sortedJson };
