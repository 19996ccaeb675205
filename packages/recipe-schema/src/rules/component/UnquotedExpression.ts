import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { isRecord } from '../util.js';
import { walk } from './document.js';

/**
 * Unquoted, `key: {{ Name }}` is a YAML flow map whose only key is the flow map `{ Name }`, with a
 * null value. JavaScript objects cannot hold map keys, so the parser turns that key into the
 * string `{ Name }`: the shape this rule looks for.
 */
const STRINGIFIED_MAP_KEY = /^\{(.*)\}$/s;

export const unquotedExpression: ComponentRule = {
  id: 'RB2012',
  slug: 'unquoted-expression',
  severity: 'error',
  description: 'Values that start with {{ are quoted, so YAML reads them as strings, not as maps.',
  appliesTo: 'component',
  supersedesSchema: true,
  check({ data }) {
    const hits: RuleHit[] = [];
    walk(data, [], (value, path) => {
      if (!isRecord(value)) return;
      const keys = Object.keys(value);
      if (keys.length !== 1) return;
      const key = keys[0] as string;
      const match = STRINGIFIED_MAP_KEY.exec(key);
      if (!match || value[key] !== null) return;
      const expression = `{{ ${(match[1] ?? '').trim()} }}`;
      hits.push({
        path,
        message: `${expression} is not quoted, so YAML reads it as a map, not a string. Quote the whole value: "${expression}".`,
      });
    });
    return hits;
  },
};
