/**
 * `bakery promote <recipe> <version|image> --channel stable`: points a channel at an image build
 * in recipes/<name>/catalog.yaml and commits that file. The build must exist, be AVAILABLE, not be
 * revoked, and reach the recipe's promotion threshold with its evidence; the change is printed
 * before it is written. The deployer applies it once the commit is merged and published.
 */

import { promote } from '../catalog/change.js';
import {
  type CatalogCommandDeps,
  COMMON_OPTIONS,
  changeLines,
  clientsOf,
  EVIDENCE_OPTION,
  evidenceBucketOf,
  recipeContext,
  regionOf,
  runReporting,
  stackPrefixOf,
} from '../catalog/context.js';
import { ensureCommitted, readCatalog, renderCatalog, workTreeOf, writeAndCommit } from '../catalog/file.js';
import { imageNameOf, listImageBuilds, readEvidenceSummary } from '../catalog/observe.js';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

export function createPromoteCommand(deps: CatalogCommandDeps = {}): Command {
  return defineCommand({
    name: 'promote',
    summary: 'Point a channel (stable by default) at an image build: edits recipes/<name>/catalog.yaml and commits it.',
    usage: 'bakery promote <RECIPE> <VERSION|IMAGE> [--channel NAME] [--region REGION] [--evidence-bucket BUCKET] [--dry-run]',
    details: [
      'IMAGE is an image build version (1.2.0/3); a recipe VERSION (1.2.0) means its newest AVAILABLE',
      'build. Reads Image Builder in the bakery region for the build and its AMIs, and the build’s',
      'evidence summary for its score. Refused (exit 1, with the refusal id): a build that does not',
      'exist (CATALOG001), is not AVAILABLE (CATALOG002), is revoked (CATALOG003), or whose evidence',
      'is missing, failed, or scores below the recipe’s threshold (CATALOG004: catalog.minimumScore,',
      'else its scan’s minimumScore); a channel recipe.yaml does not declare (CATALOG005).',
      '',
      'The change is printed as bakery plan shows it, then catalog.yaml is written and committed alone.',
      'A catalog.yaml with uncommitted changes is never overwritten: commit or discard them first.',
      'Merge and publish the commit; the deployer then writes /ami-bakery/<recipe>/<channel> in every',
      'region the image has an AMI in.',
    ].join('\n'),
    options: {
      channel: { type: 'string', short: 'c', valueName: 'NAME', description: 'The channel (default stable).' },
      ...COMMON_OPTIONS,
      ...EVIDENCE_OPTION,
      'dry-run': { type: 'boolean', description: 'Print the change; write and commit nothing.' },
    },
    run(args, io) {
      const [recipeArg, imageArg, ...extra] = args.positionals;
      if (recipeArg === undefined || imageArg === undefined || extra.length > 0)
        throw new UsageError("promote takes a recipe and an image (1.2.0/3) or version (1.2.0). Run 'bakery promote --help'.");
      const channel = args.values.channel ?? 'stable';
      const ctx = recipeContext(recipeArg, io);
      const region = regionOf(args.values, io);
      const prefix = stackPrefixOf(args.values, io);
      const bucket = evidenceBucketOf(args.values, io);
      const dryRun = args.values['dry-run'] === true;
      const now = (deps.now ?? (() => new Date()))();
      return runReporting('promote', io, async () => {
        const read = readCatalog(ctx.dir, ctx.declaredChannels, ctx.catalogDisplay);
        // Before any AWS call: a dirty catalog.yaml stops the command at once.
        if (!dryRun) await ensureCommitted(await workTreeOf(ctx.dir), read.absolute, ctx.catalogDisplay);
        const clients = clientsOf(deps, io);
        try {
          const builds = await listImageBuilds(clients, region, imageNameOf(prefix, ctx.name));
          const result = await promote({
            recipe: ctx.name,
            channel,
            given: imageArg,
            declaredChannels: ctx.declaredChannels,
            builds,
            file: read.file,
            threshold: ctx.threshold,
            evidence: (image) => (bucket ? readEvidenceSummary(clients, region, bucket, ctx.name, image) : Promise.resolve(undefined)),
            now,
          });
          if (result.unchanged) {
            io.stdout.write(`${channel} of ${ctx.name} points at ${result.entry.image} already; nothing to change.\n`);
            return 0;
          }
          const score =
            result.entry.score === undefined
              ? 'no evidence score (the recipe has no compliance threshold)'
              : `score ${result.entry.score}${ctx.threshold ? ` (needs ${ctx.threshold.score}: ${ctx.threshold.from})` : ''}`;
          io.stdout.write(
            `Promote ${ctx.name} ${result.entry.image} to ${channel}${result.from ? ` (was ${result.from.image})` : ''}, ${score}:\n\n`,
          );
          io.stdout.write(`${changeLines(ctx.name, read.file, result.file, ctx).join('\n')}\n\n`);
          if (dryRun) {
            io.stdout.write(`Dry run: ${ctx.catalogDisplay} is unchanged.\n`);
            return 0;
          }
          const message = `catalog: promote ${ctx.name} ${result.entry.image} to ${channel}\n\n${amiLines(result.entry.amis)}${
            result.entry.score !== undefined ? `\nEvidence score ${result.entry.score}.` : ''
          }\n`;
          const commit = await writeAndCommit(read, renderCatalog(ctx.name, result.file), message, ctx.catalogDisplay);
          io.stdout.write(
            `Committed ${commit.commit.slice(0, 12)}: catalog: promote ${ctx.name} ${result.entry.image} to ${channel}.\nMerge and publish it; the deployer then sets /ami-bakery/${ctx.name}/${channel} in each region.\n`,
          );
          return 0;
        } finally {
          clients.destroy();
        }
      });
    },
  });
}

function amiLines(amis: Readonly<Record<string, string>>): string {
  return Object.entries(amis)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([region, ami]) => `${region}: ${ami}`)
    .join('\n');
}

export { amiLines };
export default createPromoteCommand();
