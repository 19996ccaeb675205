/**
 * `bakery unrevoke <recipe> <image>`: takes a revocation out of recipes/<name>/catalog.yaml, in
 * one commit of that file. The deployer then removes the revoked-reason tag, cancels the
 * revocation's deprecation and enables the AMIs again. Channels stay where they are: promote the
 * image again to put it back on one.
 */
import { unrevoke } from '../catalog/change.js';
import { type CatalogCommandDeps, changeLines, recipeContext, runReporting } from '../catalog/context.js';
import { ensureCommitted, readCatalog, renderCatalog, workTreeOf, writeAndCommit } from '../catalog/file.js';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

export function createUnrevokeCommand(_deps: CatalogCommandDeps = {}): Command {
  return defineCommand({
    name: 'unrevoke',
    summary: 'Undo a revocation: removed from recipes/<name>/catalog.yaml and committed.',
    usage: 'bakery unrevoke <RECIPE> <IMAGE> [--dry-run]',
    details: [
      'IMAGE is the revoked image build version (1.2.0/3). No AWS call: the revocation is taken out',
      'of catalog.yaml and the file committed alone (never over uncommitted changes). Once merged and',
      'published, the deployer removes the tag ami-bakery:revoked-reason, cancels the deprecation',
      'the revocation set and enables the AMIs again. No channel moves back by itself: promote the',
      'image again (bakery promote) to put it on one.',
    ].join('\n'),
    options: { 'dry-run': { type: 'boolean', description: 'Print the change; write and commit nothing.' } },
    run(args, io) {
      const [recipeArg, imageArg, ...extra] = args.positionals;
      if (recipeArg === undefined || imageArg === undefined || extra.length > 0)
        throw new UsageError("unrevoke takes a recipe and an image (1.2.0/3). Run 'bakery unrevoke --help'.");
      const ctx = recipeContext(recipeArg, io);
      const dryRun = args.values['dry-run'] === true;
      return runReporting('unrevoke', io, async () => {
        const read = readCatalog(ctx.dir, ctx.declaredChannels, ctx.catalogDisplay);
        if (!dryRun) await ensureCommitted(await workTreeOf(ctx.dir), read.absolute, ctx.catalogDisplay);
        const result = unrevoke(ctx.name, imageArg, read.file);
        const image = result.removed.image;
        io.stdout.write(`Unrevoke ${ctx.name} ${image} (was revoked: ${result.removed.reason})\n\n`);
        io.stdout.write(`${changeLines(ctx.name, read.file, result.file, ctx).join('\n')}\n\n`);
        if (dryRun) {
          io.stdout.write(`Dry run: ${ctx.catalogDisplay} is unchanged.\n`);
          return 0;
        }
        const message = `catalog: unrevoke ${ctx.name} ${image}\n\nIt was revoked: ${result.removed.reason}\n`;
        const commit = await writeAndCommit(read, renderCatalog(ctx.name, result.file), message, ctx.catalogDisplay);
        io.stdout.write(
          `Committed ${commit.commit.slice(0, 12)}: catalog: unrevoke ${ctx.name} ${image}.\nNo channel points at it; to put it back: bakery promote ${ctx.name} ${image} --channel stable\n`,
        );
        return 0;
      });
    },
  });
}

export default createUnrevokeCommand();
