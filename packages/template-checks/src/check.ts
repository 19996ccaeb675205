/** Entry points: check a template (as data, optionally with its text for locations) or a template file. */
import path from 'node:path';
import { displayPath, ENGINE_RULES, type Finding, type ParsedYaml, readInputFile, readProblemFinding, sortFindings } from '@ami-bakery/recipe-schema';
import { firstLineRange, parseTemplateText, templateRangeOf } from './location.js';
import { createContext, type TemplateRule } from './rule.js';
import { templateRules } from './rules/index.js';
import { mapToSource, type ReadSource, readSourceFrom, type SourceLink } from './source-links.js';
import { getSpec } from './spec.js';

export interface CheckTemplateOptions {
  /** Display path of the template, used in findings. */
  file: string;
  /** The template's text, to place findings at lines; without it they point at line 1. */
  text?: string;
  /** Where template values came from; findings under a link move to the source file. */
  links?: readonly SourceLink[];
  /** Reads link files; default: from disk relative to `cwd`. */
  readSource?: ReadSource;
  /** Folder display paths are relative to; default `process.cwd()`. */
  cwd?: string;
  /** The stack the template deploys as (a recipe's `stackName`), for the name limits (RB5009). */
  stackName?: string;
}

/** Run every built-in rule on a parsed template. Never throws for a bad template. */
export function checkTemplate(template: unknown, options: CheckTemplateOptions): Finding[] {
  const text = options.text;
  // The text only serves to place findings, and most templates have none: parse it on demand.
  let parsed: ParsedYaml | undefined;
  const locate = text === undefined ? undefined : () => (parsed ??= parseTemplateText(text, options.file).parsed);
  return finish(runTemplateRules(templateRules, template, locate, options), options);
}

export type CheckTemplateFileOptions = Omit<CheckTemplateOptions, 'file' | 'text'> & {
  /** The folder the file must lie in once links are resolved; default its own folder. */
  root?: string;
};

/** Read, parse and check one template file (YAML with short-form tags, or JSON). */
export function checkTemplateFile(file: string, options: CheckTemplateFileOptions = {}): Finding[] {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const display = displayPath(cwd, absolute);
  let text: string;
  // A template named on the command line is read like any input: a regular UTF-8 file that
  // stays in its folder (or options.root) once links are resolved, at most 1 MiB.
  const read = readInputFile(absolute, { root: options.root ?? path.dirname(absolute) });
  if (read.ok) text = read.text;
  else if (read.problem.kind !== 'missing') return [readProblemFinding(read.problem, display, 'the workspace')];
  else {
    const meta = ENGINE_RULES.unreadable;
    return [
      {
        ruleId: meta.id,
        slug: meta.slug,
        severity: meta.severity,
        message: `Cannot read ${display}; check the path and its permissions (run the bundle step first if it is a generated template).`,
        file: display,
        range: firstLineRange(''),
        path: [],
        source: 'bakery',
      },
    ];
  }
  const { parsed, findings, ok } = parseTemplateText(text, display);
  if (!ok) return sortFindings(findings);
  const all = [...findings, ...runTemplateRules(templateRules, parsed.data, () => parsed, { ...options, file: display })];
  return finish(all, { ...options, file: display, cwd });
}

/** Runs rules, turning a crashing rule into an RB0002 finding so the others still report. Exported for tests. */
export function runTemplateRules(
  rules: readonly TemplateRule[],
  template: unknown,
  locate: (() => ParsedYaml | undefined) | undefined,
  options: { file: string; stackName?: string },
): Finding[] {
  const ctx = createContext(template, getSpec(), options.stackName);
  const findings: Finding[] = [];
  for (const rule of rules) {
    try {
      for (const hit of rule.check(ctx)) {
        findings.push({
          ruleId: rule.id,
          slug: rule.slug,
          severity: rule.severity,
          message: hit.message,
          file: options.file,
          range: templateRangeOf(locate?.(), hit.path, hit.at, hit.needle),
          path: hit.path,
          source: 'bakery',
        });
      }
    } catch (cause) {
      const meta = ENGINE_RULES.ruleFailed;
      const reason = cause instanceof Error ? cause.message : String(cause);
      findings.push({
        ruleId: meta.id,
        slug: meta.slug,
        severity: meta.severity,
        message: `Rule ${rule.id} (${rule.slug}) failed on this template: ${reason}. Please report it; the other rules still ran.`,
        file: options.file,
        range: templateRangeOf(locate?.(), []),
        path: [],
        source: 'bakery',
      });
    }
  }
  return findings;
}

function finish(findings: Finding[], options: CheckTemplateOptions): Finding[] {
  const links = options.links;
  if (links === undefined || links.length === 0) return sortFindings(findings);
  const readSource = options.readSource ?? readSourceFrom(options.cwd);
  return sortFindings(findings.map((finding) => mapToSource(finding, links, readSource)));
}
