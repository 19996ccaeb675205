import { bundleSafely } from '../bundling.js';
import { displayPath, type Finding, formatters } from '@ami-bakery/recipe-schema';
import { BUNDLE_OPTIONS, bundleFolder, writeBundled } from '../bundle-output.js';
import { defineCommand } from '../command.js';
import { cachingGit } from '../git-cache.js';
import { isFailing, sourcesOf, tally } from '../findings-output.js';
import { wantsColor } from '../io.js';
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
    'own folder recipes/<name>/ in the bundle folder and nothing else; manifest.json is rewritten',
    'from every recipe folder present, then bakery/bakery-stack.template.json from manifest.json.',
    'The same sources give byte-identical files.',
    '',
    'Exit code: 0 when every recipe was bundled, 1 when one was refused, 2 for a usage error.',
  ].join('\n'),
  options: BUNDLE_OPTIONS,
  async run(args, io) {
    const outDir = bundleFolder(args.values.out, io);
    const targets = resolveTargets(args.positionals, io, { templates: false });
    const git = cachingGit(undefined, io.env);
    const results = targets.recipes.map((dir) => bundleSafely(dir, { cwd: io.cwd, git }));
    const written = await writeBundled(results, outDir, args.values['no-stack'] === true);

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
