import type { ComponentRule } from '../../rule.js';
import { closest } from '../../schema-validator.js';
import type { JsonPath, RuleHit } from '../../types.js';
import { asRecord, isRecord } from '../util.js';
import {
  type ChainReference,
  expressionMatches,
  MODULE_OUTPUTS,
  type PhaseView,
  parseChain,
  phasesOf,
  type StepView,
  stringsIn,
} from './document.js';

/** Image Builder runs build and validate on the build instance, test phases on a new instance: outputs do not cross. */
const STAGE: Readonly<Record<string, string>> = { build: 'build', validate: 'build', test: 'test', 'container-host-test': 'test' };

export const unresolvedStepReference: ComponentRule = {
  id: 'RB2004',
  slug: 'unresolved-step-reference',
  severity: 'error',
  description:
    'Chaining expressions {{ phase.step.inputs|outputs... }} name a phase and step of this document that ran before, and appear only in step inputs, loop forEach lists or if conditions.',
  appliesTo: 'component',
  check({ data }) {
    const phases = phasesOf(data);
    const hits: RuleHit[] = [];
    for (const key of Object.keys(asRecord(data))) {
      if (key === 'phases') continue;
      for (const { text, path } of stringsIn(asRecord(data)[key], [key])) {
        for (const { body: expression, find } of expressionMatches(text)) {
          if (parseChain(expression)) hits.push({ path, find, message: misplaced(expression) });
        }
      }
    }
    for (const step of phases.flatMap((phase) => phase.steps)) {
      for (const { text, path } of stringsIn(step.step, step.path)) {
        for (const { body: expression, find } of expressionMatches(text)) {
          const reference = parseChain(expression);
          if (!reference) continue;
          const message = chainAllowedAt(path.slice(step.path.length))
            ? resolve(reference, expression, step, phases)
            : misplaced(expression);
          if (message) hits.push({ path, find, message });
        }
      }
    }
    return hits;
  },
};

function chainAllowedAt(relative: JsonPath): boolean {
  const [first, second] = relative;
  return first === 'inputs' || first === 'if' || (first === 'loop' && second === 'forEach');
}

function misplaced(expression: string): string {
  return `{{ ${expression} }} is a chaining expression, which AWSTOE resolves only inside a step's inputs, loop forEach or if; move it there or use a parameter.`;
}

function resolve(reference: ChainReference, expression: string, step: StepView, phases: PhaseView[]): string | undefined {
  const shown = `{{ ${expression} }}`;
  const phase = phases.find((p) => p.name === reference.phase);
  if (!phase) {
    const names = phases.map((p) => p.name).filter((n): n is string => n !== undefined);
    return `${shown} names phase '${reference.phase}', which this document does not have${suggest(reference.phase, names)}; chaining works only within one document.`;
  }
  const target = phase.steps.find((s) => s.name === reference.step);
  if (!target) {
    const names = phase.steps.map((s) => s.name).filter((n): n is string => n !== undefined);
    return `${shown} names step '${reference.step}', which phase '${phase.name}' does not have${suggest(reference.step, names)}.`;
  }
  if (target === step)
    return `${shown} refers to this step itself; a step can use only the inputs and outputs of steps that ran before it.`;
  if (phase.index > step.phaseIndex || (phase.index === step.phaseIndex && target.stepIndex > step.stepIndex)) {
    return `${shown} refers to step '${phase.name}.${target.name}', which runs after this step; move that step before this one or drop the reference.`;
  }
  const from = STAGE[step.phaseName ?? ''];
  const to = STAGE[phase.name ?? ''];
  if (from && to && from !== to) {
    return `${shown} refers to phase '${phase.name}', which Image Builder runs on the build instance, while '${step.phaseName}' runs on a new test instance where those values do not exist; repeat the work in '${step.phaseName}' or use a parameter.`;
  }
  return reference.kind === 'outputs' ? checkOutputs(reference, shown, target) : checkInputs(reference, shown, target);
}

function checkOutputs(reference: ChainReference, shown: string, target: StepView): string | undefined {
  const outputs = target.action === undefined ? undefined : MODULE_OUTPUTS[target.action];
  if (outputs === undefined) return undefined;
  if (outputs.length === 0)
    return `${shown} reads outputs of step '${target.name}', but ${target.action} produces none; read its inputs instead, or use a module with outputs such as ExecuteBash (stdout).`;
  if (reference.field !== undefined && !outputs.includes(reference.field)) {
    return `${shown} reads output '${reference.field}', but ${target.action} produces only: ${outputs.join(', ')}.`;
  }
  return undefined;
}

function checkInputs(reference: ChainReference, shown: string, target: StepView): string | undefined {
  let inputs: unknown = target.step.inputs;
  if (Array.isArray(inputs)) {
    if (reference.index === undefined) return undefined;
    if (reference.index >= inputs.length) {
      return `${shown} reads inputs[${reference.index}], but step '${target.name}' has ${inputs.length} input ${inputs.length === 1 ? 'entry' : 'entries'} (indexes start at 0).`;
    }
    inputs = inputs[reference.index];
  }
  const field = reference.field?.split(/[.[]/)[0];
  if (field === undefined || !isRecord(inputs)) return undefined;
  if (!(field in inputs)) {
    return `${shown} reads input '${field}', which step '${target.name}' does not set${suggest(field, Object.keys(inputs))}.`;
  }
  return undefined;
}

function suggest(name: string, candidates: string[]): string {
  const best = closest(name, candidates);
  if (best) return ` (did you mean '${best}'?)`;
  return candidates.length > 0 ? ` (it has: ${candidates.join(', ')})` : '';
}
