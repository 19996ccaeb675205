import type { ComponentRule } from '../../rule.js';

/** Semantic rules for AWSTOE component documents (RB2xxx), in id order. */
export const componentRules: readonly ComponentRule[] = [];
