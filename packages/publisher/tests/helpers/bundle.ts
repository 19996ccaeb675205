import { createHash } from 'node:crypto';
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
  /** Text the template starts with (a YAML comment); defaults to one naming the recipe and version. */
  readonly template?: string;
  /** Pads the template with a YAML comment to exactly this many bytes. */
  readonly size?: number;
}

/** What every template holds after its first text: the manifest's one parameter and a recipe resource, as the deployer takes it. */
const TEMPLATE_BODY =
  'Parameters:\n  ArtifactBucketName:\n    Type: String\nResources:\n  Component:\n    Type: AWS::ImageBuilder::Component\n';

function templateOf(recipe: RecipeSpec): string {
  const text = `${recipe.template ?? `# ${recipe.name} ${recipe.version}\n`}${TEMPLATE_BODY}`;
  if (recipe.size === undefined) return text;
  const pad = recipe.size - text.length - 2;
  if (pad < 0) throw new Error(`test bug: a template of ${recipe.size} bytes cannot hold ${text.length}`);
  return `${text}#${'x'.repeat(pad)}\n`;
}

const encoder = new TextEncoder();
const bytes = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? encoder.encode(value) : value);
const sha256 = (content: Uint8Array): string => `sha256:${createHash('sha256').update(content).digest('hex')}`;
const contentHash = (recipe: RecipeSpec): string => sha256(bytes(`${recipe.name}@${recipe.version}`));

interface BundleSpec {
  readonly sourceCommit?: string | null;
  readonly partial?: boolean;
  readonly retired?: readonly { name: string; reason: string }[];
}

/** The files `bakery bundle` writes for these recipes (format 2), as path → bytes. */
function bundleFiles(recipes: readonly RecipeSpec[], options: BundleSpec = {}): Map<string, Uint8Array> {
  const sourceCommit = options.sourceCommit === undefined ? SOURCE : options.sourceCommit;
  const files = new Map<string, Uint8Array>();
  const sorted = [...recipes].sort((a, b) => (a.name < b.name ? -1 : 1));
  const templates = new Map(sorted.map((r) => [r.name, bytes(templateOf(r))]));
  files.set(
    'manifest.json',
    bytes(
      `${JSON.stringify(
        {
          formatVersion: 2,
          partial: options.partial ?? false,
          recipes: sorted.map((r) => ({
            buildOnVersionChange: true,
            contentHash: contentHash(r),
            name: r.name,
            parameters: ['ArtifactBucketName'],
            stackName: `ami-bakery-recipe-${r.name}`,
            template: `recipes/${r.name}/template.yaml`,
            templateHash: sha256(templates.get(r.name) as Uint8Array),
            version: r.version,
          })),
          retired: options.retired ?? [],
          sourceCommit,
        },
        null,
        2,
      )}\n`,
    ),
  );
  for (const recipe of sorted) {
    files.set(
      `recipes/${recipe.name}/manifest.json`,
      bytes(
        `${JSON.stringify({ contentHash: contentHash(recipe), name: recipe.name, stackName: `ami-bakery-recipe-${recipe.name}`, version: recipe.version }, null, 2)}\n`,
      ),
    );
    files.set(`recipes/${recipe.name}/template.yaml`, templates.get(recipe.name) as Uint8Array);
  }
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

export type { BundleSpec, RecipeSpec };
export { AL2023, bundleFiles, bytes, removeBundles, SOURCE, TEMPLATE_BODY, UBUNTU, WINDOWS, writeBundle };
