import path from 'node:path';
import { readSourceCommit } from '@ami-bakery/recipe-bundler';
import { displayPath, type Finding, formatters } from '@ami-bakery/recipe-schema';
import {
  BUNDLE_OPTIONS,
  type BundleContext,
  bundleFolder,
  bundleNotes,
  type Retired,
  retiredOf,
  type Written,
  writeBundled,
  writeFoldersOnly,
  writeIndex,
} from '../bundle-output.js';
import { bundleUnique } from '../bundling.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { isFailing, sourcesOf, tally } from '../findings-output.js';
import { cachingGit } from '../git-cache.js';
import { wantsColor } from '../io.js';
import { resolveTargets } from '../targets.js';
import { plural } from '../text.js';
import { findWorkspaceRoot, RecipeNames } from '../workspace.js';

export default defineCommand({
  name: 'bundle',
  summary: 'Write each recipe as a CloudFormation template and manifest to the bundle folder.',
  usage: 'bakery bundle [PATH...] [options]',
  details: [
    'PATH is a recipe folder or its recipe.yaml, or a folder holding recipes. Without PATH: every',
    'recipes/*/recipe.yaml of the workspace.',
    '',
    'A recipe with errors is not bundled; its findings are shown. The bundle (format 2,',
    'docs/contracts.md) is written whole beside the bundle folder and put in place at once, so a',
    'run stopped at any moment leaves the previous bundle or the new one: recipes/<name>/ per',
    'recipe, and manifest.json derived from the recipe folders complete on disk. Without PATH it',
    'holds exactly the recipes bundled; with PATH the folders of other recipes stay. Recipes that',
    'left the workspace leave the bundle; a bundle that lacks recipes of the workspace is marked',
    'partial (bakery publish refuses it unless --allow-delete). recipes/retired.yaml is recorded.',
    'The same sources give byte-identical files.',
    '',
    '--no-index writes only the recipe folders (each replaced whole); --index-only (no PATH)',
    'writes the bundle again from the recipe folders present, leaving out an incomplete one with a',
    'notice. The Nx targets use them: <recipe>:bundle-recipe (cached) writes the folder,',
    '<recipe>:bundle the index.',
    '',
    'Exit code: 0 when every recipe was bundled (--index-only: the index was written), 1 when one',
    'was refused (--index-only: no recipe folder to index, or two recipe folders share a name), 2',
    'for a usage error.',
  ].join('\n'),
  options: {
    ...BUNDLE_OPTIONS,
    'no-index': { type: 'boolean', description: 'Write only the recipe folders; leave manifest.json as it is.' },
    'index-only': {
      type: 'boolean',
      description: 'Bundle no recipe: write manifest.json again from the recipe folders present.',
    },
  },
  run(args, io) {
    const outDir = bundleFolder(args.values.out, io);
    const git = cachingGit(undefined, io.env);
    const root = findWorkspaceRoot(io.cwd);
    if (args.values['index-only'] === true) {
      if (args.values['no-index'] === true) throw new UsageError('--index-only and --no-index exclude each other');
      if (args.positionals.length > 0)
        throw new UsageError('--index-only takes no PATH: it indexes every recipe folder in the bundle folder');
      const context: BundleContext = { io, root, names: new RecipeNames(root) };
      // The commit the index is built at, as a full bundle run records it.
      return indexOnly(outDir, readSourceCommit(io.cwd, git), context);
    }
    const targets = resolveTargets(args.positionals, io, { templates: false });
    const context: BundleContext = { io, root, names: new RecipeNames(root, targets.recipes) };
    const results = targets.recipes.map((dir) => bundleUnique(dir, { cwd: io.cwd, git }, context.names));
    const noIndex = args.values['no-index'] === true;
    const retired: Retired = noIndex ? { retired: [], findings: [] } : retiredOf(context);
    const refused: Finding[] = [...retired.findings];
    let written: Written = { folders: new Map(), bundle: undefined };
    if (noIndex) written = writeFoldersOnly(results, outDir, context);
    else if (retired.findings.length === 0) written = writeBundled(results, outDir, context, retired, args.positionals.length === 0);

    const width = Math.max(0, ...results.map((r) => r.name.length));
    for (const result of results) {
      const folder = written.folders.get(result.name);
      if (result.ok && folder !== undefined) {
        io.stdout.write(`${result.name.padEnd(width)}  ${result.version}  ${displayPath(io.cwd, folder)}\n`);
        continue;
      }
      const failing = result.findings.filter(isFailing);
      refused.push(...result.findings);
      const why = result.ok ? 'recipes/retired.yaml has errors' : plural(tally(failing).errors, 'error');
      io.stdout.write(`${result.name.padEnd(width)}  ${result.version || '-'}  not bundled: ${why}\n`);
    }
    for (const line of bundleNotes(written.bundle, context)) io.stdout.write(`${line}\n`);

    if (refused.length === 0) return 0;
    io.stdout.write('\n');
    io.stdout.write(formatters.stylish(refused, { sources: sourcesOf(refused, io.cwd), color: wantsColor(io) }));
    return 1;
  },
});

function indexOnly(outDir: string, sourceCommit: string | null, context: BundleContext): number {
  const { io } = context;
  // Two folders giving one name would have written one bundle folder between them: name both, index nothing.
  const duplicates = context.names.duplicates();
  const retired = retiredOf(context);
  const findings = [...duplicates.flatMap((group) => context.names.findings(group[0]?.dir ?? '', io.cwd)), ...retired.findings];
  if (findings.length > 0) {
    io.stderr.write(`bakery: manifest.json not written: ${plural(findings.length, 'error')} in the workspace (below).\n`);
    io.stdout.write(formatters.stylish(findings, { sources: sourcesOf(findings, io.cwd), color: wantsColor(io) }));
    return 1;
  }
  const outcome = writeIndex(outDir, sourceCommit, context, retired);
  const skipped = outcome.empty ? outcome.skipped : outcome.bundle.skipped;
  for (const { folder, reason } of skipped) {
    io.stderr.write(`bakery: ${displayPath(io.cwd, folder)} left out of manifest.json: ${reason}; bundle that recipe again\n`);
  }
  if (outcome.empty) {
    io.stderr.write(
      `bakery: no complete recipe folder in ${displayPath(io.cwd, path.join(outDir, 'recipes'))} to index; manifest.json not written. Bundle a recipe first (bakery bundle PATH).\n`,
    );
    return 1;
  }
  const { manifest } = outcome.bundle;
  const width = Math.max(0, ...manifest.recipes.map((r) => r.name.length));
  for (const recipe of manifest.recipes)
    io.stdout.write(`${recipe.name.padEnd(width)}  ${recipe.version}  ${displayPath(io.cwd, path.join(outDir, 'recipes', recipe.name))}\n`);
  io.stdout.write(`manifest      ${displayPath(io.cwd, path.join(outDir, 'manifest.json'))}\n`);
  for (const line of bundleNotes({ ...outcome.bundle, skipped: [] }, context)) io.stdout.write(`${line}\n`);
  return 0;
}
