import { runTemplateRules } from '../src/check.js';
import { parseTemplateText } from '../src/location.js';
import { templateRules } from '../src/rules/index.js';
import type { TemplateRule } from '../src/rule.js';

export { checkTemplate, checkTemplateFile, parseTemplateText } from '../src/index.js';

/** Runs the built-in rules plus `extra` first, as the engine does, on `text`. */
export function runTemplateRulesForTest(extra: TemplateRule, text: string) {
  const { parsed } = parseTemplateText(text, 't.yaml');
  return runTemplateRules([extra, ...templateRules], parsed.data, () => parsed, { file: 't.yaml' });
}
