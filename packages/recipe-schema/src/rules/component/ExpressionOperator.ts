import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { ALL_OPERATORS, rootExpressionsOf, stepsOf, UNARY_OPERATORS, walkExpression } from './document.js';

/** Keys an expression may carry besides its operator; anything else is reported by the schema. */
const COMPANIONS = new Set(['value', 'then', 'else']);

export const expressionOperator: ComponentRule = {
  id: 'RB2013',
  slug: 'expression-operator',
  severity: 'error',
  description:
    'Every if condition, Assert input and nested expression holds exactly one operator, and value only when the operator compares two values.',
  appliesTo: 'component',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      for (const root of rootExpressionsOf(step)) {
        walkExpression(root.expression, root.path, (expression, path) => {
          const keys = Object.keys(expression);
          const operators = keys.filter((key) => ALL_OPERATORS.includes(key));
          const unknown = keys.filter((key) => !ALL_OPERATORS.includes(key) && !COMPANIONS.has(key));
          if (operators.length === 0 && unknown.length === 0) {
            hits.push({
              path,
              message:
                'This expression has no operator; add one comparison (for example stringEquals: ... with value: ...) or a logical and/or/not.',
            });
          }
          if (operators.length > 1) {
            hits.push({
              path: [...path, operators[1] as string],
              at: 'key',
              message: `This expression has ${operators.length} operators (${operators.join(', ')}) but AWSTOE evaluates exactly one; combine them under and: [...] or or: [...], one per list entry.`,
            });
          }
          const unary = operators.find((op) => UNARY_OPERATORS.includes(op));
          if (unary && operators.length === 1 && 'value' in expression) {
            hits.push({
              path: [...path, 'value'],
              at: 'key',
              message: `${unary} checks its own operand and takes no value; remove value, or use a comparison such as stringEquals.`,
            });
          }
        });
      }
    }
    return hits;
  },
};
