/**
 * JUnit XML for CI test-report views: one testsuite per file, one testcase per finding. Errors are
 * failures; warnings and info pass with their text in system-out; suppressed findings are skipped.
 * A file read without findings gets one passing testcase so it still shows up as checked.
 */
import type { Finding } from '../types.js';
import { filesOf, ordered } from './shared.js';
import type { Formatter } from './types.js';

export const junit: Formatter = (findings, options = {}) => {
  const sorted = ordered(findings);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const file of filesOf(sorted, options.sources)) {
    const inFile = sorted.filter((f) => f.file === file);
    const cases = inFile.length === 0 ? [`    <testcase classname="${attr(file)}" name="no findings"/>`] : inFile.map(testcase);
    const suiteFailures = inFile.filter(isFailure).length;
    const suiteSkipped = inFile.filter((f) => f.suppressed).length;
    tests += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}">`,
      ...cases,
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bakery" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
};

function isFailure(finding: Finding): boolean {
  return finding.severity === 'error' && !finding.suppressed;
}

function testcase(finding: Finding): string {
  const { line, column } = finding.range.start;
  const open = `    <testcase classname="${attr(finding.file)}" name="${attr(`${finding.ruleId} ${finding.slug} at ${line}:${column}`)}"`;
  const detail = `${finding.file}:${line}:${column} ${finding.severity} ${finding.message} (${finding.ruleId})`;
  if (finding.suppressed) return `${open}>\n      <skipped message="${attr(`suppressed: ${finding.suppressed.reason}`)}"/>\n    </testcase>`;
  if (isFailure(finding)) {
    return `${open}>\n      <failure type="${attr(finding.ruleId)}" message="${attr(finding.message)}">${text(detail)}</failure>\n    </testcase>`;
  }
  return `${open}>\n      <system-out>${text(detail)}</system-out>\n    </testcase>`;
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlSafe(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function text(value: string): string {
  return xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
