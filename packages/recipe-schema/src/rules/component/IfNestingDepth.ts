import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { LOGICAL_OPERATORS, rootExpressionsOf, stepsOf, walkExpression } from './document.js';

/** AWSTOE rejects and/or/not nested deeper than this. */
const MAX_DEPTH = 4;

export const ifNestingDepth: ComponentRule = {
  id: 'RB2007',
  slug: 'if-nesting-depth',
  severity: 'error',
  description: `Logical operators (and, or, not) in if conditions and Assert inputs nest at most ${MAX_DEPTH} deep.`,
  appliesTo: 'component',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      for (const root of rootExpressionsOf(step)) {
        walkExpression(root.expression, root.path, (expression, path, depth) => {
          // `depth` counts the logical operators above this expression; its own one is one level deeper.
          if (depth !== MAX_DEPTH) return;
          for (const operator of LOGICAL_OPERATORS) {
            if (operator in expression) {
              hits.push({
                path: [...path, operator],
                at: 'key',
                message: `This '${operator}' is logical operator number ${depth + 1} in one chain; AWSTOE allows at most ${MAX_DEPTH}. Flatten the condition (and inside and, or inside or can be merged) or split the check over two steps.`,
              });
            }
          }
        });
      }
    }
    return hits;
  },
};
