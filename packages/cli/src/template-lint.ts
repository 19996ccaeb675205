/**
 * Linting bundled templates, shared by `lint` and `build`: the built-in checks on each template
 * as it is bundled, then one real cfn-lint process over all of them (Python start-up costs
 * seconds, so never one per recipe). Findings under a source link move to the recipe or component
 * line the value came from; the rest stay on the generated template, shown at the path
 * `bakery bundle` writes it to.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CFN_LINT_RULES, type CfnLintResult, runCfnLint } from '@ami-bakery/cfn-lint';
import type { BundleResult } from '@ami-bakery/recipe-bundler';
import { displayPath, type Finding } from '@ami-bakery/recipe-schema';
import { checkTemplate, readSourceFrom, type SourceLink } from '@ami-bakery/template-checks';
import type { Io } from './io.js';
import { removeOnStop } from './signals.js';

/** One template for cfn-lint: generated in memory (text and links) or a file that exists. */
export type LintTemplate =
  | { kind: 'generated'; display: string; text: string; links: readonly SourceLink[] }
  | { kind: 'file'; absolute: string };

/** Where the generated template of recipe `name` is shown: its place in the bundle folder. */
export function generatedTemplateDisplay(outDir: string, name: string, cwd: string): string {
  return displayPath(cwd, path.join(outDir, 'recipes', name, 'template.yaml'));
}

/** Built-in checks of one bundled recipe's template. */
export function checkBundledTemplate(result: BundleResult, display: string, cwd: string): Finding[] {
  if (!result.ok || result.templateText === undefined) return [];
  return checkTemplate(result.template, {
    file: display,
    text: result.templateText,
    links: result.links,
    cwd,
    stackName: result.stackName,
  });
}

export interface CfnLintRun {
  status: CfnLintResult['status'] | 'failed';
  findings: Finding[];
  /** Why cfn-lint did not run, for the one-line notice; absent when there was nothing to lint. */
  skippedReason?: string;
}

/** Findings about running cfn-lint itself, not about a template. */
const TOOL_RULES: ReadonlySet<string> = new Set(Object.values(CFN_LINT_RULES).map((rule) => rule.id));

export function isToolFinding(finding: Finding): boolean {
  return finding.source === 'bakery' && TOOL_RULES.has(finding.ruleId);
}

/** One cfn-lint process over every template. `BAKERY_CFN_LINT` names another cfn-lint binary. */
export async function cfnLintAll(templates: readonly LintTemplate[], io: Io): Promise<CfnLintRun> {
  if (templates.length === 0) return { status: 'skipped', findings: [] };
  const scratch = mkdtempSync(path.join(tmpdir(), 'bakery-lint-'));
  const forget = removeOnStop(scratch);
  try {
    const files: string[] = [];
    const links = new Map<string, readonly SourceLink[]>();
    const displayOf = new Map<string, string>();
    templates.forEach((template, index) => {
      if (template.kind === 'file') {
        files.push(template.absolute);
        return;
      }
      // One folder per template keeps cfn-lint's file names unique and readable.
      const file = path.join(scratch, String(index), 'template.yaml');
      mkdirSync(path.dirname(file));
      writeFileSync(file, template.text);
      files.push(file);
      links.set(file, template.links);
      displayOf.set(file, template.display);
    });
    const binary = io.env.BAKERY_CFN_LINT;
    const result = await runCfnLint(files, {
      cwd: io.cwd,
      ci: io.env.CI === 'true',
      links,
      readSource: readSourceFrom(io.cwd),
      ...(binary ? { binary } : {}),
    });
    const findings = result.findings.map((finding) => {
      const shown = displayOf.get(path.resolve(io.cwd, finding.file));
      return shown === undefined ? finding : { ...finding, file: shown };
    });
    const failed = result.status === 'ran' && findings.some((f) => isToolFinding(f) && f.ruleId !== CFN_LINT_RULES.missing.id);
    return {
      status: failed ? 'failed' : result.status,
      findings,
      ...(result.skippedReason ? { skippedReason: result.skippedReason } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    forget();
  }
}

/** The notice printed when cfn-lint did not run; undefined when it ran or had nothing to lint. */
export function skippedNotice(run: CfnLintRun): string | undefined {
  // On CI the skip is an RB5091 finding, which says the same.
  if (run.status !== 'skipped' || run.skippedReason === undefined || run.findings.length > 0) return undefined;
  return `bakery: cfn-lint skipped: ${run.skippedReason}\n`;
}
