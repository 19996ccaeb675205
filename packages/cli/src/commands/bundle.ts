import path from 'node:path';
import { readSourceCommit } from '@ami-bakery/recipe-bundler';
import { bundleSafely } from '../bundling.js';
import { displayPath, type Finding, formatters } from '@ami-bakery/recipe-schema';
import { writeIndex, writeRecipeFolders } from '../bundle-index.js';
import { BUNDLE_OPTIONS, bundleFolder, type Written, writeBundled } from '../bundle-output.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { cachingGit } from '../git-cache.js';
import { isFailing, sourcesOf, tally } from '../findings-output.js';
import { type Io, wantsColor } from '../io.js';
import { resolveTargets } from '../targets.js';
import { plural } from '../text.js';

export default defineCommand({
  name: 'bundle',
  summary: 'Write each recipe as a CloudFormation template and manifest to the bundle folder.',
  usage: 'bakery bundle [PATH...] [options]',
  details: [
    'PATH is a recipe folder or its recipe.yaml, or a folder holding recipes. Without PATH: every',
    'recipes/*/recipe.yaml of the workspace.',
    '',
    'A recipe with errors is not bundled; its findings are shown. Each bundled recipe replaces its',
    'own folder recipes/<name>/ in the bundle folder and nothing else. Then the bundle index:',
    'manifest.json is rewritten from every recipe folder present, then',
    'bakery/bakery-stack.template.json from manifest.json. The same sources give byte-identical files.',
    '',
    '--no-index writes only the recipe folders; --index-only (no PATH) only rebuilds the index from',
    'the recipe folders present, leaving out an incomplete one with a notice. The Nx targets use',
    'them: <recipe>:bundle-recipe (cached) writes the folder, <recipe>:bundle rebuilds the index.',
    '',
    'Exit code: 0 when every recipe was bundled (--index-only: the index was written), 1 when one',
    'was refused (--index-only: no recipe folder to index), 2 for a usage error.',
  ].join('\n'),
  options: {
    ...BUNDLE_OPTIONS,
    'no-index': { type: 'boolean', description: 'Write only the recipe folders; leave manifest.json and the bakery stack as they are.' },
    'index-only': {
      type: 'boolean',
      description: 'Bundle no recipe: rebuild manifest.json and the bakery stack from the recipe folders present.',
    },
  },
  async run(args, io) {
    const outDir = bundleFolder(args.values.out, io);
    const noStack = args.values['no-stack'] === true;
    const git = cachingGit(undefined, io.env);
    if (args.values['index-only'] === true) {
      if (args.values['no-index'] === true) throw new UsageError('--index-only and --no-index exclude each other');
      if (args.positionals.length > 0)
        throw new UsageError('--index-only takes no PATH: it indexes every recipe folder in the bundle folder');
      // The commit the index is built at, as a full bundle run records it.
      return indexOnly(outDir, readSourceCommit(io.cwd, git), noStack, io);
    }
    const targets = resolveTargets(args.positionals, io, { templates: false });
    const results = targets.recipes.map((dir) => bundleSafely(dir, { cwd: io.cwd, git }));
    const written: Written =
      args.values['no-index'] === true
        ? { folders: writeRecipeFolders(results, outDir), stack: undefined }
        : await writeBundled(results, outDir, noStack);

    const refused: Finding[] = [];
    const width = Math.max(0, ...results.map((r) => r.name.length));
    for (const result of results) {
      const folder = written.folders.get(result.name);
      if (result.ok && folder !== undefined) {
        io.stdout.write(`${result.name.padEnd(width)}  ${result.version}  ${displayPath(io.cwd, folder)}\n`);
        continue;
      }
      const failing = result.findings.filter(isFailing);
      refused.push(...result.findings);
      io.stdout.write(`${result.name.padEnd(width)}  ${result.version || '-'}  not bundled: ${plural(tally(failing).errors, 'error')}\n`);
    }
    if (written.stack && 'file' in written.stack) io.stdout.write(`bakery stack  ${displayPath(io.cwd, written.stack.file)}\n`);
    else if (written.stack) io.stdout.write(`bakery stack  not written: ${written.stack.skipped}\n`);

    if (refused.length === 0) return 0;
    io.stdout.write('\n');
    io.stdout.write(formatters.stylish(refused, { sources: sourcesOf(refused, io.cwd), color: wantsColor(io) }));
    return 1;
  },
});

async function indexOnly(outDir: string, sourceCommit: string | null, noStack: boolean, io: Io): Promise<number> {
  const outcome = await writeIndex(outDir, sourceCommit, noStack);
  for (const { folder, reason } of outcome.skipped) {
    io.stderr.write(`bakery: ${displayPath(io.cwd, folder)} left out of manifest.json: ${reason}; bundle that recipe again\n`);
  }
  if (outcome.empty) {
    io.stderr.write(
      `bakery: no complete recipe folder in ${displayPath(io.cwd, path.join(outDir, 'recipes'))} to index; manifest.json not written. Bundle a recipe first (bakery bundle PATH).\n`,
    );
    return 1;
  }
  const width = Math.max(0, ...outcome.recipes.map((r) => r.name.length));
  for (const recipe of outcome.recipes)
    io.stdout.write(`${recipe.name.padEnd(width)}  ${recipe.version}  ${displayPath(io.cwd, recipe.folder)}\n`);
  io.stdout.write(`manifest      ${displayPath(io.cwd, outcome.manifestFile)}\n`);
  if (outcome.stack && 'file' in outcome.stack) io.stdout.write(`bakery stack  ${displayPath(io.cwd, outcome.stack.file)}\n`);
  else if (outcome.stack) io.stdout.write(`bakery stack  not written: ${outcome.stack.skipped}\n`);
  return 0;
}
