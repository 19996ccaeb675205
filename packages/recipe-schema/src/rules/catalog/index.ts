import type { CatalogRule } from '../../rule.js';
import { buildRecorded } from './BuildRecorded.js';
import { channelDeclared } from './ChannelDeclared.js';
import { channelNotRevoked } from './ChannelNotRevoked.js';
import { distributionRegions } from './DistributionRegions.js';
import { imageVersion } from './ImageVersion.js';
import { revokedOnce } from './RevokedOnce.js';
import { scoreThreshold } from './ScoreThreshold.js';

/** Rules for recipes/<name>/catalog.yaml (RB7xxx), in id order. */
export const catalogRules: readonly CatalogRule[] = [
  channelDeclared,
  buildRecorded,
  scoreThreshold,
  channelNotRevoked,
  imageVersion,
  distributionRegions,
  revokedOnce,
];
