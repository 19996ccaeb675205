/**
 * Applying catalog actions in AWS. Each action is checked against what was observed before it
 * touches anything, because the catalog is data from the branch:
 *
 * - a channel is set only to an AMI that Image Builder lists as an output of that image in that
 *   region, whose image is AVAILABLE, which EC2 has as `available` in this account, and which is
 *   not revoked (a catalog naming any other AMI, even a public one, is refused);
 * - revoke and unrevoke act only on AMIs of the recipe's image (Image Builder's outputs, or the
 *   AMI's own `Ec2ImageBuilderArn` and `ami-bakery:recipe` tags), in every region it went to.
 *
 * One region or action failing never stops the others; each result says what happened.
 */
import { messageOf } from '../util.js';
import { type CatalogScope, type ChannelSharing, deleteChannel, writeChannel } from './channels.js';
import type { CatalogClients } from './clients.js';
import { type AmiRecord, clearDeprecation, deprecateAmi, deprecationTimeFor, disableAmi, enableAmi, tagAmi, untagAmi } from './images.js';
import type {
  ActionResult,
  CatalogAction,
  CatalogSnapshot,
  ClearChannelAction,
  RevokeAction,
  SetChannelAction,
  UnrevokeAction,
} from './model.js';
import {
  CANDIDATE_CHANNEL,
  CATALOG_TAGS,
  DISTRIBUTION_PARAMETER,
  isAmiId,
  isChannelName,
  isImageBuildVersion,
  isRecipeName,
  isRegion,
  REVOCATION_TAG_KEYS,
} from './names.js';

interface ApplyContext {
  readonly clients: CatalogClients;
  readonly scope: CatalogScope;
  readonly sharing: ChannelSharing;
  readonly now: () => Date;
}

async function applyAction(ctx: ApplyContext, action: CatalogAction, observed: CatalogSnapshot | undefined): Promise<ActionResult> {
  if (!observed || observed.recipe !== action.recipe)
    return { action, outcome: 'refused', message: `nothing was observed for recipe ${action.recipe}` };
  try {
    switch (action.kind) {
      case 'set-channel':
        return await setChannel(ctx, action, observed);
      case 'clear-channel':
        return await clearChannel(ctx, action);
      case 'revoke':
        return await revoke(ctx, action, observed);
      case 'unrevoke':
        return await unrevoke(ctx, action, observed);
      default:
        return { action, outcome: 'refused', message: `unknown catalog action ${JSON.stringify((action as { kind?: unknown }).kind)}` };
    }
  } catch (error) {
    return { action, outcome: 'failed', message: messageOf(error) };
  }
}

/** Why the channel may not point at `ami` in `region`, or undefined when it may. */
function channelTargetProblem(action: SetChannelAction, observed: CatalogSnapshot): string | undefined {
  const { ami, image, region } = action;
  if (!isAmiId(ami)) return `${String(ami)} is not an AMI id`;
  if (!isImageBuildVersion(image)) return `no image build version is named for ${ami}`;
  const found = observed.images[image];
  if (!found || found.status === 'MISSING') return `image ${image} of ${action.recipe} does not exist in Image Builder (it did not build)`;
  if (found.status !== 'AVAILABLE') return `image ${image} of ${action.recipe} is ${found.status} in Image Builder, not AVAILABLE`;
  const output = found.amis[region];
  if (output !== ami) return `${ami} is not the AMI image ${image} distributed to ${region} (${output ?? 'none'})`;
  const ec2 = found.ec2[region];
  if (!ec2) return `${ami} does not exist in ${region} (deregistered?)`;
  if (ec2.state !== 'available') return `${ami} is ${ec2.state} in ${region}, not available`;
  if (ec2.tags[CATALOG_TAGS.revokedReason] !== undefined) return `${ami} is revoked (${ec2.tags[CATALOG_TAGS.revokedReason]})`;
  return undefined;
}

function refuseChannel(action: SetChannelAction | ClearChannelAction): string | undefined {
  const { recipe, channel, region } = action;
  if (!isRecipeName(recipe) || !isChannelName(channel) || channel === DISTRIBUTION_PARAMETER || !isRegion(region))
    return `not a channel the catalog manages: ${recipe}/${channel} in ${region}`;
  return undefined;
}

async function setChannel(ctx: ApplyContext, action: SetChannelAction, observed: CatalogSnapshot): Promise<ActionResult> {
  const { recipe, channel, region, ami } = action;
  const wrong = refuseChannel(action);
  if (wrong) return { action, outcome: 'refused', message: wrong };
  const problem = channelTargetProblem(action, observed);
  if (problem) return { action, outcome: 'refused', message: `channel ${channel} not set in ${region}: ${problem}` };
  if (observed.channels[channel]?.[region] === ami)
    return { action, outcome: 'unchanged', message: `${channel} already holds ${ami} in ${region}` };
  await writeChannel(ctx.clients, ctx.scope, ctx.sharing, region, recipe, channel, ami);
  // An image in a channel is not superseded: a deprecation time it got as one goes.
  const ec2 = observed.images[action.image]?.ec2[region];
  let extra = '';
  if (ec2?.deprecationTime && channel !== CANDIDATE_CHANNEL) {
    await clearDeprecation(ctx.clients, region, ami);
    extra = ` (its deprecation time ${ec2.deprecationTime} removed)`;
  }
  return { action, outcome: 'applied', message: `${channel} -> ${ami} (${action.image}) in ${region}${extra}` };
}

async function clearChannel(ctx: ApplyContext, action: ClearChannelAction): Promise<ActionResult> {
  const wrong = refuseChannel(action);
  if (wrong) return { action, outcome: 'refused', message: wrong };
  await deleteChannel(ctx.clients, action.region, action.recipe, action.channel);
  return { action, outcome: 'applied', message: `channel ${action.channel} removed in ${action.region} (${action.why})` };
}

/** The AMIs of `image` per region: the action's, Image Builder's outputs, and any AMI tagged with the image's build version. */
function imageAmis(action: RevokeAction | UnrevokeAction, observed: CatalogSnapshot): Map<string, AmiRecord | string> {
  const found = observed.images[action.image];
  const result = new Map<string, AmiRecord | string>();
  const regions = new Set([...Object.keys(action.amis), ...Object.keys(found?.amis ?? {})]);
  for (const [region, records] of Object.entries(observed.amis)) if (records.some((r) => r.image === action.image)) regions.add(region);
  for (const region of [...regions].sort()) {
    const records = observed.amis[region] ?? [];
    const wanted = action.amis[region] ?? found?.amis[region];
    const record =
      records.find((r) => r.ami === wanted && belongs(r, action.image, found?.amis[region])) ??
      records.find((r) => r.image === action.image);
    result.set(region, record ?? wanted ?? 'unknown');
  }
  return result;
}

function belongs(record: AmiRecord, image: string, output: string | undefined): boolean {
  return record.image === image || record.ami === output;
}

async function revoke(ctx: ApplyContext, action: RevokeAction, observed: CatalogSnapshot): Promise<ActionResult> {
  if (!isImageBuildVersion(action.image) || action.reason.trim() === '')
    return { action, outcome: 'refused', message: 'a revocation needs an image build version and a reason' };
  const now = ctx.now();
  const regions: Record<string, string> = {};
  let applied = 0;
  let failed = 0;
  for (const [region, record] of imageAmis(action, observed)) {
    if (typeof record === 'string') {
      regions[region] = `refused: ${record} is not an AMI of ${action.recipe} ${action.image} in this account`;
      failed += 1;
      continue;
    }
    try {
      const did: string[] = [];
      if (record.tags[CATALOG_TAGS.revokedReason] !== action.reason) {
        // Remember what unrevoke must restore, once (a repeated revocation keeps the first record).
        const before = record.tags[CATALOG_TAGS.deprecationBeforeRevocation] ?? record.deprecationTime ?? 'none';
        await tagAmi(ctx.clients, region, record.ami, {
          [CATALOG_TAGS.revokedReason]: action.reason,
          [CATALOG_TAGS.revokedAt]: now.toISOString(),
          [CATALOG_TAGS.deprecationBeforeRevocation]: before,
        });
        did.push('tagged');
      }
      const deprecated = record.deprecationTime !== undefined && Date.parse(record.deprecationTime) <= now.getTime() + 120_000;
      if (!deprecated) {
        const at = deprecationTimeFor(now, now);
        await deprecateAmi(ctx.clients, region, record.ami, at);
        did.push(`deprecated at ${at.toISOString()}`);
      }
      if (action.disable && record.state !== 'disabled') {
        await disableAmi(ctx.clients, region, record.ami);
        did.push('disabled');
      } else if (!action.disable && record.state === 'disabled' && action.enable.includes(region)) {
        await enableAmi(ctx.clients, region, record.ami);
        did.push('enabled (revoked now without disabling)');
      }
      regions[region] = did.length > 0 ? `${record.ami} ${did.join(', ')}` : `${record.ami} already revoked`;
      if (did.length > 0) applied += 1;
    } catch (error) {
      regions[region] = `failed: ${messageOf(error)}`;
      failed += 1;
    }
  }
  return summarize(action, regions, applied, failed, 'revoked');
}

async function unrevoke(ctx: ApplyContext, action: UnrevokeAction, observed: CatalogSnapshot): Promise<ActionResult> {
  const now = ctx.now();
  const regions: Record<string, string> = {};
  let applied = 0;
  let failed = 0;
  for (const [region, record] of imageAmis(action, observed)) {
    if (typeof record === 'string') {
      regions[region] = `refused: ${record} is not an AMI of ${action.recipe} ${action.image} in this account`;
      failed += 1;
      continue;
    }
    if (record.tags[CATALOG_TAGS.revokedReason] === undefined) {
      regions[region] = `${record.ami} is not revoked`;
      continue;
    }
    try {
      const did: string[] = [];
      if (record.state === 'disabled') {
        await enableAmi(ctx.clients, region, record.ami);
        did.push('enabled');
      }
      const before = record.tags[CATALOG_TAGS.deprecationBeforeRevocation] ?? 'none';
      const previous = Date.parse(before);
      if (before === 'none' || Number.isNaN(previous)) {
        await clearDeprecation(ctx.clients, region, record.ami);
        did.push('deprecation time removed');
      } else if (previous > now.getTime() + 120_000) {
        await deprecateAmi(ctx.clients, region, record.ami, new Date(previous));
        did.push(`deprecation time back to ${new Date(previous).toISOString()}`);
      } else did.push('stays deprecated (it was before the revocation)');
      await untagAmi(ctx.clients, region, record.ami, REVOCATION_TAG_KEYS);
      did.push('revocation tags removed');
      regions[region] = `${record.ami} ${did.join(', ')}`;
      applied += 1;
    } catch (error) {
      regions[region] = `failed: ${messageOf(error)}`;
      failed += 1;
    }
  }
  return summarize(action, regions, applied, failed, 'unrevoked');
}

function summarize(
  action: RevokeAction | UnrevokeAction,
  regions: Record<string, string>,
  applied: number,
  failed: number,
  verb: string,
): ActionResult {
  const count = Object.keys(regions).length;
  if (count === 0)
    return { action, outcome: 'refused', message: `no AMI of ${action.recipe} ${action.image} was found in any region`, regions };
  if (failed > 0)
    return { action, outcome: 'failed', message: `${action.image} ${verb} in ${count - failed} of ${count} regions`, regions };
  if (applied === 0) return { action, outcome: 'unchanged', message: `${action.image} was already ${verb} in every region`, regions };
  return { action, outcome: 'applied', message: `${action.image} ${verb} in ${count} ${count === 1 ? 'region' : 'regions'}`, regions };
}

export { type ApplyContext, applyAction, channelTargetProblem };
