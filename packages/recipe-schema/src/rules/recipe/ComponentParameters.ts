import type { RecipeRule } from '../../rule.js';
import { closest } from '../../schema-validator.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord, isRecord } from '../util.js';

interface Declared {
  name: string;
  hasDefault: boolean;
}

/** Parameters an AWSTOE document declares: a list of single-key maps `name -> { type, default? }`. */
function declaredParameters(document: Record<string, unknown>): Declared[] {
  return asArray(document.parameters).flatMap((item) =>
    Object.entries(asRecord(item)).map(([name, spec]) => ({ name, hasDefault: isRecord(spec) && 'default' in spec })),
  );
}

export const componentParameters: RecipeRule = {
  id: 'RB3016',
  slug: 'component-parameters',
  severity: 'error',
  description: 'The recipe passes exactly the parameters a local component declares, including every one without a default.',
  appliesTo: 'recipe',
  check({ data, components }) {
    const recipe = asRecord(data);
    const hits: RuleHit[] = [];
    for (const component of components) {
      if (!isRecord(component.data)) continue;
      const declared = declaredParameters(component.data);
      const names = declared.map((d) => d.name);
      const entry = asRecord(asArray(recipe[component.list])[component.index]);
      const passed = isRecord(entry.parameters) ? entry.parameters : undefined;
      const base = [component.list, component.index];
      for (const name of Object.keys(passed ?? {})) {
        if (names.includes(name)) continue;
        const suggestion = closest(name, names);
        const known = names.length > 0 ? `it declares ${names.join(', ')}` : 'it declares no parameters';
        hits.push({
          path: [...base, 'parameters', name],
          at: 'key',
          message: `'${component.file}' has no parameter '${name}' (${known}); remove it or fix its spelling.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
        });
      }
      for (const parameter of declared) {
        if (parameter.hasDefault || (passed && Object.hasOwn(passed, parameter.name))) continue;
        hits.push({
          path: passed ? [...base, 'parameters'] : [...base, 'file'],
          message: `'${component.file}' requires parameter '${parameter.name}' (it has no default); pass it under parameters, e.g. ${parameter.name}: "<value>".`,
        });
      }
    }
    return hits;
  },
};
