import type { ComponentRule } from '../../rule.js';
import { duplicates, variablesOf } from './document.js';

export const uniqueVariableNames: ComponentRule = {
  id: 'RB2011',
  slug: 'unique-variable-names',
  severity: 'error',
  description: 'Parameters and constants share one namespace: every name is declared once.',
  appliesTo: 'component',
  check({ data }) {
    return duplicates(variablesOf(data), (v) => v.name).map(({ item, first }) => ({
      path: item.path,
      at: 'key' as const,
      message: `'${item.name}' is already declared as a ${first.kind} (${first.path[0]} entry ${Number(first.path[1]) + 1}); {{ ${item.name} }} must mean one thing, so rename or remove this ${item.kind}.`,
    }));
  },
};
