/**
 * The terminal format: findings grouped by file, each followed by the source line it points at
 * with a caret underline, then one summary line.
 */
import { lineText } from '../location.js';
import type { Finding, Severity } from '../types.js';
import { filesOf, ordered, plural } from './shared.js';
import type { FormatOptions, Formatter } from './types.js';

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', gray: '\u001b[90m' };
const SEVERITY_COLOUR: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan };

/** Longest source excerpt shown; a 1 MB line must not flood the terminal. */
const MAX_EXCERPT = 120;
/** Longest message shown: cfn-lint quotes whole values (a 16 KB component document) in its. Reports keep it whole. */
const MAX_MESSAGE = 400;
/** Characters kept left of the caret when a long line is cut. */
const EXCERPT_LEAD = 40;

export const stylish: Formatter = (findings, options = {}) => {
  const paint = painter(options.color === true);
  const sorted = ordered(findings);
  const out: string[] = [];
  for (const file of filesOf(sorted, undefined)) {
    const inFile = sorted.filter((f) => f.file === file);
    out.push(paint(ANSI.bold, clean(file)));
    const positionWidth = Math.max(...inFile.map((f) => position(f).length));
    const severityWidth = Math.max(...inFile.map((f) => f.severity.length));
    for (const finding of inFile) {
      const where = position(finding).padEnd(positionWidth);
      const severity = finding.severity.padEnd(severityWidth);
      const full = finding.suppressed ? `[suppressed: ${finding.suppressed.reason}] ${finding.message}` : finding.message;
      const message = full.length > MAX_MESSAGE ? `${full.slice(0, MAX_MESSAGE)}… (${full.length - MAX_MESSAGE} more characters; --format json has the whole message)` : full;
      const line = finding.suppressed
        ? paint(ANSI.dim, `  ${where}  ${severity}  ${clean(message)}  ${finding.ruleId}`)
        : `  ${paint(ANSI.gray, where)}  ${paint(SEVERITY_COLOUR[finding.severity], severity)}  ${clean(message)}  ${paint(ANSI.gray, finding.ruleId)}`;
      out.push(line);
      const source = options.sources?.get(file);
      if (source !== undefined && !finding.suppressed) out.push(...frame(finding, source, ' '.repeat(positionWidth + 4), paint));
    }
    out.push('');
  }
  out.push(summary(sorted, options));
  return `${out.join('\n')}\n`;
};

function position(finding: Finding): string {
  return `${finding.range.start.line}:${finding.range.start.column}`;
}

/** The offending line and a caret underline of the finding's range (to the end of the line when it spans lines). */
function frame(finding: Finding, source: string, indent: string, paint: Paint): string[] {
  const { start, end } = finding.range;
  const text = lineText(source, start.line);
  if (text.trim() === '') return [];
  const from = Math.min(Math.max(start.column - 1, 0), text.length);
  const to = Math.max(from + 1, end.line === start.line ? Math.min(end.column - 1, text.length) : text.length);
  const cut = from > MAX_EXCERPT - EXCERPT_LEAD ? from - EXCERPT_LEAD : 0;
  const lead = cut > 0 ? '…' : '';
  const visible = text.slice(cut, cut + MAX_EXCERPT);
  const tail = cut + MAX_EXCERPT < text.length ? '…' : '';
  const gutter = String(start.line);
  const caretStart = lead.length + from - cut;
  const caretLength = Math.max(1, Math.min(to - from, visible.length + lead.length - caretStart + 1));
  return [
    `${indent}${paint(ANSI.gray, `${gutter} |`)} ${clean(lead + visible + tail)}`,
    `${indent}${paint(ANSI.gray, `${' '.repeat(gutter.length)} |`)} ${' '.repeat(caretStart)}${paint(SEVERITY_COLOUR[finding.severity], '^'.repeat(caretLength))}`,
  ];
}

function summary(findings: readonly Finding[], options: FormatOptions): string {
  const active = findings.filter((f) => !f.suppressed);
  const suppressed = findings.length - active.length;
  const count = (severity: Severity) => active.filter((f) => f.severity === severity).length;
  const checked = filesOf(findings, options.sources).length;
  const suffix = suppressed > 0 ? `; ${suppressed} suppressed` : '';
  if (active.length === 0) return `No problems in ${plural(checked, 'file')}${suffix}.`;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning')];
  if (count('info') > 0) parts.push(`${count('info')} info`);
  const withProblems = new Set(active.map((f) => f.file)).size;
  const line = `${plural(active.length, 'problem')} (${parts.join(', ')}) in ${plural(withProblems, 'file')}${suffix}.`;
  return options.color ? `${count('error') > 0 ? ANSI.red : ANSI.yellow}${ANSI.bold}${line}${ANSI.reset}` : line;
}

type Paint = (code: string, text: string) => string;

function painter(enabled: boolean): Paint {
  return enabled ? (code, text) => `${code}${text}${ANSI.reset}` : (_code, text) => text;
}

/**
 * Tabs become one space so carets stay under their column; other control characters (from binary
 * input, or an escape sequence hidden in a file) are replaced so they cannot drive the terminal.
 */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to neutralise them
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '\ufffd');
}
