import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

/** Every output format by name; `stylish` is the default. */
const formatters = { stylish, json, sarif, junit } as const satisfies Record<string, Formatter>;

export type FormatName = keyof typeof formatters;

const FORMAT_NAMES = Object.keys(formatters) as FormatName[];

function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(formatters, name);
}

export { matchId } from './json.js';
export type { FormatOptions, Formatter } from './types.js';
export { FORMAT_NAMES, formatters, isFormatName, json, junit, sarif, stylish };
