/**
 * Defensive views of an AWSTOE component document for the RB2xxx rules. Documents reach the rules
 * whether or not they matched the schema, so every reader tolerates any shape and skips what it
 * cannot understand (the schema findings already explain it).
 */
import type { JsonPath } from '../../types.js';
import { asArray, asRecord, asString, isRecord } from '../util.js';

export interface PhaseView {
  index: number;
  name: string | undefined;
  path: JsonPath;
  steps: StepView[];
}

export interface StepView {
  phaseIndex: number;
  stepIndex: number;
  phaseName: string | undefined;
  name: string | undefined;
  action: string | undefined;
  step: Record<string, unknown>;
  path: JsonPath;
}

export function phasesOf(data: unknown): PhaseView[] {
  return asArray(asRecord(data).phases).map((raw, index) => {
    const phase = asRecord(raw);
    const name = asString(phase.name);
    const path: JsonPath = ['phases', index];
    const steps = asArray(phase.steps).map((rawStep, stepIndex): StepView => {
      const step = asRecord(rawStep);
      return {
        phaseIndex: index,
        stepIndex,
        phaseName: name,
        name: asString(step.name),
        action: asString(step.action),
        step,
        path: [...path, 'steps', stepIndex],
      };
    });
    return { index, name, path, steps };
  });
}

export function stepsOf(data: unknown): StepView[] {
  return phasesOf(data).flatMap((phase) => phase.steps);
}

/** Declared parameters and constants, in document order, with the path of each name. */
export interface VariableView {
  name: string;
  kind: 'parameter' | 'constant';
  path: JsonPath;
}

export function variablesOf(data: unknown): VariableView[] {
  const variables: VariableView[] = [];
  for (const [list, kind] of [
    ['parameters', 'parameter'],
    ['constants', 'constant'],
  ] as const) {
    asArray(asRecord(data)[list]).forEach((entry, index) => {
      for (const name of Object.keys(asRecord(entry))) variables.push({ name, kind, path: [list, index, name] });
    });
  }
  return variables;
}

/** Visit every value under `value` (depth first, document order) with its path. */
export function walk(value: unknown, path: JsonPath, visit: (value: unknown, path: JsonPath) => void): void {
  visit(value, path);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walk(item, [...path, index], visit);
    });
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key], visit);
  }
}

/** Every string under `value`, with its path. */
export function stringsIn(value: unknown, path: JsonPath): Array<{ text: string; path: JsonPath }> {
  const found: Array<{ text: string; path: JsonPath }> = [];
  walk(value, path, (v, p) => {
    if (typeof v === 'string') found.push({ text: v, path: p });
  });
  return found;
}

/** The trimmed bodies of the `{{ ... }}` expressions in a string. */
export function expressionsIn(text: string): string[] {
  return expressionMatches(text).map((m) => m.body);
}

/** One `{{ ... }}` in a string: its trimmed body and where a finding should point (see RuleHit.find). */
export interface ExpressionMatch {
  body: string;
  find: { text: string; occurrence: number };
}

/** Every `{{ ... }}` expression in a string, with the text a finding about it points at. */
export function expressionMatches(text: string): ExpressionMatch[] {
  const counts = new Map<string, number>();
  return [...text.matchAll(/\{\{(.*?)\}\}/gs)].map((m) => {
    const raw = m[0];
    const occurrence = counts.get(raw) ?? 0;
    counts.set(raw, occurrence + 1);
    return { body: (m[1] ?? '').trim(), find: { text: raw, occurrence } };
  });
}

/** A Go-template style body (`.Name`, as in Helm or docker --format), not AWSTOE syntax. */
export function goTemplateName(body: string): string | undefined {
  return /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(body)?.[1];
}

/**
 * Names the author meant as parameters or constants: the declared ones, plus the `name` of an
 * entry written as a flat map (`- name: X`), which the schema reports on its own.
 */
export function intendedVariableNames(data: unknown): string[] {
  const names = variablesOf(data).map((v) => v.name);
  for (const list of ['parameters', 'constants']) {
    for (const entry of asArray(asRecord(data)[list])) {
      const name = asRecord(entry).name;
      if (typeof name === 'string') names.push(name);
    }
  }
  return [...new Set(names)];
}

/**
 * A chaining expression: `phase.step.inputs...` or `phase.step.outputs...`, where the part after
 * inputs/outputs is an optional `[index]` and an optional `.field`.
 */
export interface ChainReference {
  phase: string;
  step: string;
  kind: 'inputs' | 'outputs';
  index: number | undefined;
  field: string | undefined;
}

const CHAIN = /^([^.\s[\]{}]+)\.([^.\s[\]{}]+)\.(inputs|outputs)(?:\[(\d+)\])?(?:\.([^\s]+))?$/;

export function parseChain(expression: string): ChainReference | undefined {
  const m = CHAIN.exec(expression);
  if (!m) return undefined;
  return {
    phase: m[1] as string,
    step: m[2] as string,
    kind: m[3] as 'inputs' | 'outputs',
    index: m[4] === undefined ? undefined : Number(m[4]),
    field: m[5],
  };
}

/** Built-in variables resolved by Image Builder or AWSTOE rather than declared in the document. */
export function isBuiltIn(expression: string): boolean {
  return expression.startsWith('aws:ssm:') || expression.startsWith('imagebuilder:');
}

/** Comparison operators; the first group compares one operand, the second needs `value` too. */
export const UNARY_OPERATORS: readonly string[] = ['stringIsEmpty', 'stringIsWhitespace', 'binaryExists', 'fileExists', 'folderExists'];
export const BINARY_OPERATORS: readonly string[] = [
  'stringEquals',
  'stringLessThan',
  'stringLessThanEquals',
  'stringGreaterThan',
  'stringGreaterThanEquals',
  'patternMatches',
  'numberEquals',
  'numberLessThan',
  'numberLessThanEquals',
  'numberGreaterThan',
  'numberGreaterThanEquals',
  'fileMD5Equals',
  'fileSHA1Equals',
  'fileSHA256Equals',
  'fileSHA512Equals',
];
export const LOGICAL_OPERATORS: readonly string[] = ['and', 'or', 'not'];
export const ALL_OPERATORS: readonly string[] = [...UNARY_OPERATORS, ...BINARY_OPERATORS, ...LOGICAL_OPERATORS];

/** The top-level expressions of a step: its `if`, and the inputs of an Assert step. */
export function rootExpressionsOf(step: StepView): Array<{ expression: Record<string, unknown>; path: JsonPath }> {
  const roots: Array<{ expression: Record<string, unknown>; path: JsonPath }> = [];
  if (isRecord(step.step.if)) roots.push({ expression: step.step.if, path: [...step.path, 'if'] });
  if (step.action === 'Assert' && isRecord(step.step.inputs)) roots.push({ expression: step.step.inputs, path: [...step.path, 'inputs'] });
  return roots;
}

/** Visit an expression and every expression nested in its and/or/not, with the logical depth (0 at the root). */
export function walkExpression(
  expression: Record<string, unknown>,
  path: JsonPath,
  visit: (expression: Record<string, unknown>, path: JsonPath, depth: number) => void,
  depth = 0,
): void {
  visit(expression, path, depth);
  for (const operator of ['and', 'or'] as const) {
    asArray(expression[operator]).forEach((item, index) => {
      if (isRecord(item)) walkExpression(item, [...path, operator, index], visit, depth + 1);
    });
  }
  if (isRecord(expression.not)) walkExpression(expression.not, [...path, 'not'], visit, depth + 1);
}

/** Output fields each action module produces, for chaining `{{ phase.step.outputs.<field> }}`. */
export const MODULE_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  AppendFile: [],
  Assert: [],
  CopyFile: [],
  CopyFolder: [],
  CreateFile: [],
  CreateFolder: [],
  CreateSymlink: [],
  DeleteFile: [],
  DeleteFolder: [],
  ExecuteBash: ['stdout'],
  ExecuteBinary: ['stdout'],
  ExecuteDocument: ['executedStepCount', 'executionId', 'failedStepCount', 'failureMessage', 'ignoredFailedStepCount', 'logUrl', 'status'],
  ExecutePowerShell: ['stdout'],
  InstallMSI: ['logFile', 'msiExitCode', 'stdout'],
  ListFiles: ['files'],
  MoveFile: [],
  MoveFolder: [],
  ReadFile: ['content'],
  Reboot: [],
  S3Download: [],
  S3Upload: [],
  SetFileEncoding: [],
  SetFileOwner: [],
  SetFilePermissions: [],
  SetFolderOwner: [],
  SetFolderPermissions: [],
  SetRegistry: [],
  UninstallMSI: ['logFile', 'msiExitCode', 'stdout'],
  UpdateOS: [],
  WebDownload: ['destination'],
};

/** Findings for names that occur more than once: every occurrence after the first. */
export function duplicates<T>(items: readonly T[], nameOf: (item: T) => string | undefined): Array<{ item: T; first: T }> {
  const seen = new Map<string, T>();
  const found: Array<{ item: T; first: T }> = [];
  for (const item of items) {
    const name = nameOf(item);
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, item);
    else found.push({ item, first });
  }
  return found;
}
