/**
 * The two sides of `bakery plan` as bundles in memory, built by the same bundler `bakery bundle`
 * uses. Nothing is written to dist/bundle. A recipe whose folder did not change since the base is
 * not bundled on either side: the bundler is deterministic, so both sides would be the same.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BundledRecipe,
  type BundleManifestV2,
  buildManifestV2,
  parseRetiredFile,
  parseTemplateText,
  type RetiredRecipe,
  recipeSettings,
  sha256Hex,
  type Template,
} from '@ami-bakery/bundle';
import type { BundleResult } from '@ami-bakery/recipe-bundler';
import type { Finding } from '@ami-bakery/recipe-schema';
import { bundleSafely } from '../bundling.js';

interface SideBundle {
  readonly manifest: BundleManifestV2;
  /** Parsed templates of the recipes that were bundled. */
  readonly templates: ReadonlyMap<string, Template>;
  /** Recipes that were not bundled because their sources are the same on both sides. */
  readonly unchanged: ReadonlySet<string>;
}

interface BundleRun {
  readonly recipes: BundledRecipe[];
  readonly templates: Map<string, Template>;
  /** Findings of recipes that did not bundle. */
  readonly failed: { name: string; findings: Finding[] }[];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Bundles each recipe folder; `cwd` is where findings are shown relative to. */
function bundleFolders(dirs: readonly string[], options: { cwd: string; sourceCommit: string | null; stackPrefix: string }): BundleRun {
  const recipes: BundledRecipe[] = [];
  const templates = new Map<string, Template>();
  const failed: { name: string; findings: Finding[] }[] = [];
  for (const dir of dirs) {
    const result: BundleResult = bundleSafely(dir, {
      cwd: options.cwd,
      sourceCommit: options.sourceCommit,
      stackNamePrefix: options.stackPrefix,
    });
    if (!result.ok || result.templateText === undefined || result.manifest === undefined) {
      failed.push({ name: result.name, findings: result.findings });
      continue;
    }
    recipes.push({
      name: result.name,
      version: result.version,
      stackName: result.stackName,
      contentHash: result.manifest.contentHash,
      templateText: result.templateText,
      parameters: result.parameters,
      buildOnVersionChange: recipeSettings(readText(path.join(dir, 'recipe.yaml')) ?? '').buildOnVersionChange,
      recipeManifest: result.manifest as unknown as Record<string, unknown>,
      ...(result.catalog ? { catalog: result.catalog } : {}),
    });
    const parsed = parseTemplateText(result.templateText);
    if (parsed.ok) templates.set(result.name, parsed.value as Template);
  }
  return { recipes, templates, failed };
}

/**
 * Stands for a recipe that is the same on both sides without bundling it: equal made-up hashes on
 * both sides, so the planner finds it unchanged. Its version is read from recipe.yaml.
 */
function unchangedRecipe(dir: string, name: string, stackPrefix: string): BundledRecipe | undefined {
  const settings = recipeSettings(readText(path.join(dir, 'recipe.yaml')) ?? '');
  if (settings.version === undefined || !/^\d+\.\d+\.\d+$/.test(settings.version)) return undefined;
  return {
    name,
    version: settings.version,
    stackName: `${stackPrefix}${name}`,
    contentHash: `sha256:${sha256Hex(`unchanged ${name}`)}`,
    templateText: `# ${name}: sources unchanged since the base, not bundled\n`,
    parameters: [],
    buildOnVersionChange: settings.buildOnVersionChange,
    recipeManifest: {},
  };
}

function retiredOf(root: string): { retired: RetiredRecipe[]; problems: string[] } {
  return parseRetiredFile(readText(path.join(root, 'recipes', 'retired.yaml')));
}

function sideBundle(
  recipes: readonly BundledRecipe[],
  templates: Map<string, Template>,
  unchanged: ReadonlySet<string>,
  context: { sourceCommit: string | null; retired: readonly RetiredRecipe[] },
): SideBundle {
  return {
    manifest: buildManifestV2(recipes, { sourceCommit: context.sourceCommit, partial: false, retired: context.retired }),
    templates,
    unchanged,
  };
}

export { type BundleRun, bundleFolders, retiredOf, type SideBundle, sideBundle, unchangedRecipe };
