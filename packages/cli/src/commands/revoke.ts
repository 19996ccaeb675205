/**
 * `bakery revoke <recipe> <image> --reason ...`: records the revocation in
 * recipes/<name>/catalog.yaml and moves every channel on the image back to the previous good one,
 * in one commit of that file. The deployer then deprecates the image at once in every region,
 * tags it with the reason, disables it with --disable, and writes the channels' fallbacks.
 */
import { type CatalogFile, checkCatalogFile, MAX_REASON_LENGTH } from '@ami-bakery/bundle';
import { parse } from 'yaml';
import { type Fallback, revoke } from '../catalog/change.js';
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
import { catalogHistory, ensureCommitted, readCatalog, renderCatalog, workTreeOf, writeAndCommit } from '../catalog/file.js';
import { imageNameOf, listImageBuilds, readEvidenceSummary } from '../catalog/observe.js';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

/** Where a channel goes, in words. */
function fallbackText(fallback: Fallback): string {
  if (!fallback.to) return `${fallback.channel}: no good image is left; it leaves the catalog and its parameter is deleted`;
  const why = fallback.how === 'previous' ? 'where it pointed before' : 'the newest earlier build that reaches the threshold';
  return `${fallback.channel} falls back to ${fallback.to.image} (${why})`;
}

/** Earlier catalog files from git, newest first; versions that do not read as a catalog are skipped. */
async function historyOf(absolute: string, declaredChannels: readonly string[]): Promise<CatalogFile[]> {
  const files: CatalogFile[] = [];
  for (const text of await catalogHistory(absolute)) {
    try {
      const checked = checkCatalogFile(parse(text), declaredChannels);
      if (checked.file) files.push(checked.file);
    } catch {
      // an old version that is not YAML says nothing about where channels pointed
    }
  }
  return files;
}

export function createRevokeCommand(deps: CatalogCommandDeps = {}): Command {
  return defineCommand({
    name: 'revoke',
    summary: 'Revoke an image build: recorded in recipes/<name>/catalog.yaml with its channels falling back, and committed.',
    usage: 'bakery revoke <RECIPE> <IMAGE> --reason TEXT [--disable] [--region REGION] [--evidence-bucket BUCKET] [--dry-run]',
    details: [
      'IMAGE is an image build version (1.2.0/3), or a recipe version with a single build. Every',
      'channel on the image falls back: to the image it pointed at before (git history of',
      'catalog.yaml) when that one is AVAILABLE and not revoked, else to the newest earlier AVAILABLE',
      'build that reaches the threshold, else it leaves the catalog. The change is printed as',
      'bakery plan shows it, then catalog.yaml is written and committed alone (never over uncommitted',
      'changes). Revoking a revoked image again changes its reason or --disable.',
      '',
      'Once merged and published, the deployer deprecates the image now in every region it was',
      `distributed to, tags it ami-bakery:revoked-reason, disables it with --disable (nobody can`,
      'launch it, not even by id), and moves the channel parameters. bakery unrevoke undoes it.',
    ].join('\n'),
    options: {
      reason: {
        type: 'string',
        valueName: 'TEXT',
        description: `Why (one line, at most ${MAX_REASON_LENGTH} characters; it becomes an AMI tag).`,
      },
      disable: { type: 'boolean', description: 'Also disable the AMIs, not only deprecate them.' },
      ...COMMON_OPTIONS,
      ...EVIDENCE_OPTION,
      'dry-run': { type: 'boolean', description: 'Print the change; write and commit nothing.' },
    },
    run(args, io) {
      const [recipeArg, imageArg, ...extra] = args.positionals;
      if (recipeArg === undefined || imageArg === undefined || extra.length > 0)
        throw new UsageError("revoke takes a recipe and an image (1.2.0/3). Run 'bakery revoke --help'.");
      const reason = args.values.reason?.trim();
      if (!reason) throw new UsageError('give the reason: --reason TEXT (it becomes the AMI tag ami-bakery:revoked-reason)');
      if (reason.length > MAX_REASON_LENGTH || /[\r\n]/.test(reason))
        throw new UsageError(`--reason must be one line of at most ${MAX_REASON_LENGTH} characters`);
      const ctx = recipeContext(recipeArg, io);
      const region = regionOf(args.values, io);
      const prefix = stackPrefixOf(args.values, io);
      const bucket = evidenceBucketOf(args.values, io);
      const dryRun = args.values['dry-run'] === true;
      const now = (deps.now ?? (() => new Date()))();
      return runReporting('revoke', io, async () => {
        const read = readCatalog(ctx.dir, ctx.declaredChannels, ctx.catalogDisplay);
        const root = await workTreeOf(ctx.dir);
        if (!dryRun) await ensureCommitted(root, read.absolute, ctx.catalogDisplay);
        const clients = clientsOf(deps, io);
        try {
          const builds = await listImageBuilds(clients, region, imageNameOf(prefix, ctx.name));
          const result = await revoke({
            recipe: ctx.name,
            given: imageArg,
            reason,
            disable: args.values.disable === true,
            builds,
            file: read.file,
            history: await historyOf(read.absolute, ctx.declaredChannels),
            threshold: ctx.threshold,
            evidence: (image) => (bucket ? readEvidenceSummary(clients, region, bucket, ctx.name, image) : Promise.resolve(undefined)),
            now,
          });
          const image = result.revoked.image;
          if (result.before && result.before.reason === reason && result.before.disable === result.revoked.disable) {
            io.stdout.write(`${image} of ${ctx.name} is revoked already with this reason; nothing to change.\n`);
            return 0;
          }
          io.stdout.write(`${result.before ? 'Revoke again' : 'Revoke'} ${ctx.name} ${image}: ${reason}\n`);
          for (const fallback of result.fallbacks) io.stdout.write(`  ${fallbackText(fallback)}\n`);
          io.stdout.write(`\n${changeLines(ctx.name, read.file, result.file, ctx).join('\n')}\n\n`);
          if (dryRun) {
            io.stdout.write(`Dry run: ${ctx.catalogDisplay} is unchanged.\n`);
            return 0;
          }
          const message = [
            `catalog: revoke ${ctx.name} ${image}`,
            '',
            `Reason: ${reason}`,
            ...(result.revoked.disable ? ['The AMIs are disabled too.'] : []),
            ...result.fallbacks.map(fallbackText),
            '',
          ].join('\n');
          const commit = await writeAndCommit(read, renderCatalog(ctx.name, result.file), message, ctx.catalogDisplay);
          io.stdout.write(
            `Committed ${commit.commit.slice(0, 12)}: catalog: revoke ${ctx.name} ${image}.\nMerge and publish it at once; the deployer then deprecates the image in every region and moves its channels.\n`,
          );
          return 0;
        } finally {
          clients.destroy();
        }
      });
    },
  });
}

export default createRevokeCommand();
