import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const AL2023 = 'amazon-linux-2023-stig-high';
const UBUNTU = 'ubuntu-pro-2204-cis-level1';
const WINDOWS = 'windows-server-2022-stig';
const SOURCE = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

interface RecipeSpec {
  readonly name: string;
  readonly version: string;
  /** Template body; defaults to a small text naming the recipe and version. */
  readonly template?: string | Uint8Array;
}

const encoder = new TextEncoder();
const bytes = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? encoder.encode(value) : value);

/** The files `bakery bundle` writes for these recipes, as path → bytes. */
function bundleFiles(recipes: readonly RecipeSpec[], options: { sourceCommit?: string | null; stack?: string } = {}): Map<string, Uint8Array> {
  const sourceCommit = options.sourceCommit === undefined ? SOURCE : options.sourceCommit;
  const files = new Map<string, Uint8Array>();
  const sorted = [...recipes].sort((a, b) => (a.name < b.name ? -1 : 1));
  files.set(
    'manifest.json',
    bytes(
      `${JSON.stringify(
        {
          formatVersion: 1,
          recipes: sorted.map((r) => ({
            contentHash: `sha256:${r.version}`,
            name: r.name,
            parameters: ['ArtifactBucketName'],
            stackName: `ami-bakery-recipe-${r.name}`,
            template: `recipes/${r.name}/template.yaml`,
            version: r.version,
          })),
          sourceCommit,
        },
        null,
        2,
      )}\n`,
    ),
  );
  for (const recipe of sorted) {
    files.set(`recipes/${recipe.name}/manifest.json`, bytes(`{"name":"${recipe.name}","version":"${recipe.version}"}\n`));
    files.set(`recipes/${recipe.name}/template.yaml`, bytes(recipe.template ?? `# ${recipe.name} ${recipe.version}\nResources: {}\n`));
  }
  files.set('bakery/bakery-stack.template.json', bytes(options.stack ?? '{"Resources":{}}\n'));
  return files;
}

const created: string[] = [];

/** Writes the files into a fresh temporary folder and returns its path. */
async function writeBundle(files: ReadonlyMap<string, Uint8Array | string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bakery-bundle-'));
  created.push(dir);
  for (const [filePath, content] of files) {
    await mkdir(path.dirname(path.join(dir, filePath)), { recursive: true });
    await writeFile(path.join(dir, filePath), content);
  }
  return dir;
}

async function removeBundles(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export { AL2023, bundleFiles, bytes, removeBundles, SOURCE, UBUNTU, WINDOWS, writeBundle };
export type { RecipeSpec };
