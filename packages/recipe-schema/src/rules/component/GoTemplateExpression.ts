import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { expressionMatches, goTemplateName, intendedVariableNames, stringsIn } from './document.js';

/**
 * `{{.Name}}` is Go-template (Helm, docker) syntax. AWSTOE writes variables without the dot,
 * `{{ Name }}`, and leaves `{{.Name}}` as literal text. Only dotted names that match a parameter or
 * constant of the document are reported: scripts legitimately pass Go templates to other
 * programs (`docker inspect --format '{{.Config.Image}}'`).
 */
export const goTemplateExpression: ComponentRule = {
  id: 'RB2017',
  slug: 'go-template-expression',
  severity: 'error',
  description: 'Variables are written {{ Name }}, not in Go-template form {{.Name}}, which AWSTOE leaves as literal text.',
  appliesTo: 'component',
  check({ data }) {
    const names = intendedVariableNames(data);
    const hits: RuleHit[] = [];
    for (const { text, path } of stringsIn(data, [])) {
      for (const { body, find } of expressionMatches(text)) {
        const name = goTemplateName(body);
        const declared = name === undefined ? undefined : names.find((n) => n.toLowerCase() === name.toLowerCase());
        if (declared === undefined) continue;
        hits.push({
          path,
          find,
          message: `${find.text} is Go-template syntax; AWSTOE leaves it as literal text. Write {{ ${declared} }} (no dot).`,
        });
      }
    }
    return hits;
  },
};
