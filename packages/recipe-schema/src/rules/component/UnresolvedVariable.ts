import type { ComponentRule } from '../../rule.js';
import { closest } from '../../schema-validator.js';
import type { RuleHit } from '../../types.js';
import { asRecord, asString, isRecord } from '../util.js';
import {
  expressionMatches,
  goTemplateName,
  intendedVariableNames,
  isBuiltIn,
  parseChain,
  type StepView,
  stepsOf,
  stringsIn,
} from './document.js';

const LOOP_MEMBERS = new Set(['index', 'value']);

export const unresolvedVariable: ComponentRule = {
  id: 'RB2005',
  slug: 'unresolved-variable',
  severity: 'error',
  description:
    'Every {{ Name }} is a declared parameter or constant, a loop variable of its own step ({{ loop.index }}, {{ <loop name>.value }}), or a built-in aws:ssm: / imagebuilder: variable.',
  appliesTo: 'component',
  check({ data }) {
    // A parameter written as a flat map (- name: X) is the schema's finding; {{ X }} is still meant as it.
    const declared = intendedVariableNames(data);
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      for (const { text, path } of stringsIn(step.step, step.path)) {
        for (const { body: expression, find } of expressionMatches(text)) {
          const message = unresolved(expression, step, declared);
          if (message) hits.push({ path, find, message });
        }
      }
    }
    return hits;
  },
};

function unresolved(expression: string, step: StepView, declared: string[]): string | undefined {
  // Go-template bodies ({{.Name}}) belong to RB2017 when they name a variable, and to the
  // program the script runs (docker --format '{{.Names}}') otherwise.
  if (isBuiltIn(expression) || parseChain(expression) || goTemplateName(expression) !== undefined) return undefined;
  const shown = `{{ ${expression} }}`;
  if (expression === '') return `${shown} is empty; put a parameter, constant or loop variable name inside, or remove the braces.`;
  const loop = isRecord(step.step.loop) ? step.step.loop : undefined;
  const loopName = asString(asRecord(loop).name);
  const dot = expression.indexOf('.');
  if (dot < 0) {
    if (declared.includes(expression)) return undefined;
    const best = closest(expression, declared);
    const hint = best ? ` Did you mean '${best}'? Names are case-sensitive.` : ' Declare it under parameters or constants.';
    return `${shown} is not a declared parameter or constant.${hint}`;
  }
  const owner = expression.slice(0, dot);
  const member = expression.slice(dot + 1);
  if (owner === 'loop' || (loopName !== undefined && owner === loopName)) {
    if (!loop)
      return `${shown} is a loop variable, but step '${step.name ?? step.stepIndex + 1}' has no loop; AWSTOE would leave the text unreplaced. Add a loop to this step or use a parameter.`;
    if (!LOOP_MEMBERS.has(member)) {
      const best = closest(member, [...LOOP_MEMBERS]);
      return `${shown} reads '${member}' of a loop; a loop has only index and value.${best ? ` Did you mean {{ ${owner}.${best} }}?` : ''}`;
    }
    return undefined;
  }
  const loopHint = loopName ? `{{ ${loopName}.value }}, ` : '';
  const chain = /^([^.]+)\.([^.]+)\.([^.[]+)(.*)$/.exec(expression);
  const kind = chain ? closest(chain[3] as string, ['inputs', 'outputs']) : undefined;
  if (chain && kind) return `${shown} is not a valid reference. Did you mean {{ ${chain[1]}.${chain[2]}.${kind}${chain[4]} }}?`;
  const ownerHint = closest(owner, ['loop', ...(loopName ? [loopName] : [])]);
  if (ownerHint && ownerHint !== owner) return `${shown} is not a loop variable of this step. Did you mean {{ ${ownerHint}.${member} }}?`;
  return `${shown} is neither a loop variable of this step (${loopHint}{{ loop.value }}, {{ loop.index }}) nor a chaining expression ({{ phase.step.inputs... }} or {{ phase.step.outputs... }}); fix the reference.`;
}
