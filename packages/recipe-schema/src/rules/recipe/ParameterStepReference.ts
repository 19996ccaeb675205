import type { RecipeRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { expressionMatches, parseChain } from '../component/document.js';
import { asArray, asRecord, isRecord } from '../util.js';

/**
 * Image Builder hands component parameter values to AWSTOE as plain text: a chaining expression
 * (`{{ build.Step.outputs.stdout }}`) in a recipe's parameter value reaches the document
 * unresolved, because chaining works only inside the document that defines the step.
 */
export const parameterStepReference: RecipeRule = {
  id: 'RB3017',
  slug: 'parameter-step-reference',
  severity: 'error',
  description:
    'Component parameter values in a recipe hold no step references ({{ phase.step.outputs... }}); they reach the component as literal text.',
  appliesTo: 'recipe',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const list of ['components', 'tests'] as const) {
      asArray(asRecord(data)[list]).forEach((entry, index) => {
        const parameters = asRecord(entry).parameters;
        if (!isRecord(parameters)) return;
        for (const [name, value] of Object.entries(parameters)) {
          const values = Array.isArray(value)
            ? value.map((v, i) => ({ v, path: [list, index, 'parameters', name, i] }))
            : [{ v: value, path: [list, index, 'parameters', name] }];
          for (const { v, path } of values) {
            if (typeof v !== 'string') continue;
            for (const { body, find } of expressionMatches(v)) {
              const reference = parseChain(body);
              if (!reference) continue;
              hits.push({
                path,
                find,
                message: `${find.text} is a step reference, which AWSTOE resolves only inside the document that runs step '${reference.phase}.${reference.step}'; as a parameter value it reaches the component as literal text. Move the reference into the component's inputs, or pass a fixed value.`,
              });
            }
          }
        }
      });
    }
    return hits;
  },
};
