import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateComponentFile, validateRecipeText } from '../../src/validate.js';
import { MAX_PARSE_FINDINGS } from '../../src/yaml-errors.js';

const DIR = mkdtempSync(path.join(tmpdir(), 'one-finding-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

let counter = 0;
function findingsOf(lines: string[]) {
  counter += 1;
  const file = `doc-${counter}.yaml`;
  writeFileSync(path.join(DIR, file), `${lines.join('\n')}\n`);
  return validateComponentFile(file, { cwd: DIR, platform: 'linux' }).findings;
}

const HEAD = ['schemaVersion: 1.0', 'phases:', '  - name: build', '    steps:'];

interface Case {
  name: string;
  lines: string[];
  /** The one finding the defect gives: rule id and line:column. */
  expected: string;
  says: string;
}

/** Each document has exactly one defect, and must give exactly one finding for it. */
const ONE_DEFECT: Case[] = [
  {
    name: 'parameter written as a flat map',
    lines: [
      'schemaVersion: 1.0',
      'parameters:',
      '  - name: Region',
      '    type: string',
      '    default: eu-west-1',
      '    description: Where to download from.',
      'phases:',
      '  - name: build',
      '    steps:',
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      "            - echo '{{ Region }}'",
    ],
    expected: 'RB1006 3:5',
    says: "write '- Region:' and indent type, default, description below it",
  },
  {
    name: 'misspelt required key',
    lines: [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          comands:',
      '            - echo hello',
    ],
    expected: 'RB1002 8:11',
    says: "Did you mean 'commands'?",
  },
  {
    name: 'misspelt step key action',
    lines: [...HEAD, '      - name: Hello', '        acton: ExecuteBash', '        inputs:', '          commands: [echo hello]'],
    expected: 'RB1002 6:9',
    says: "Did you mean 'action'?",
  },
  {
    name: 'list given to a module that takes a map',
    lines: [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          - commands: [echo hello]',
      '          - commands: [echo again]',
    ],
    expected: 'RB1003 7:9',
    says: 'ExecuteBash takes one map under inputs',
  },
  {
    name: 'unknown action module',
    lines: [...HEAD, '      - name: Hello', '        action: ExecuteBsh', '        inputs:', '          - wrong: shape'],
    expected: 'RB1004 6:17',
    says: 'case-sensitive',
  },
  {
    name: 'unquoted {{ }} read as a map',
    lines: [
      'schemaVersion: 1.0',
      'parameters:',
      '  - Script:',
      '      type: string',
      'phases:',
      '  - name: build',
      '    steps:',
      '      - name: Run',
      '        action: ExecuteBinary',
      '        inputs:',
      '          path: {{ Script }}',
    ],
    expected: 'RB2012 11:11',
    says: 'Quote the whole value: "{{ Script }}"',
  },
  {
    name: 'key indented one space too far',
    lines: ['name: example', ' description: one space too far', ...HEAD, '      - name: Hello', '        action: Reboot'],
    expected: 'RB0001 2:2',
    says: 'Line 2 is indented more (1 spaces) than line 1 (0)',
  },
  {
    name: 'list item one column short',
    lines: [
      ...HEAD,
      '      - name: Hello',
      '        action: CreateFile',
      '        inputs:',
      '          - path: /a',
      '         - path: /b',
      '          - path: /c',
    ],
    expected: 'RB0001 9:10',
    says: "line the '- ' up with them",
  },
  {
    name: 'value with an unclosed quote',
    lines: [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      '            - "echo unclosed',
      '      - name: Next',
      '        action: Reboot',
    ],
    expected: 'RB0001 9:13',
    says: 'has no closing quote',
  },
  {
    name: 'heredoc line at column 0 inside a | block',
    lines: [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      '            - |',
      '              cat > /etc/app.conf << EOF',
      '[Section]',
      'EOF',
    ],
    expected: 'RB0001 11:1',
    says: 'Indent it at least 14 spaces',
  },
  {
    name: 'two steps run together in one map',
    lines: [...HEAD, '      - name: One', '        action: Reboot', '        name: Two', '        action: Reboot'],
    expected: 'RB0003 7:9',
    says: "'name', 'action' are already set in this map above",
  },
  {
    name: 'tab indentation',
    lines: [...HEAD, '      - name: Hello', '\t  action: Reboot'],
    expected: 'RB0004 6:1',
    says: 'Replace the tab with spaces',
  },
  {
    name: 'unquoted wildcard read as an alias',
    lines: [
      ...HEAD,
      '      - name: List',
      '        action: ListFiles',
      '        inputs:',
      '          - path: /var/log/',
      '            fileNamePattern: *log',
    ],
    expected: 'RB0001 9:30',
    says: "quote it: '*log'",
  },
  {
    name: 'Go-template variable',
    lines: [
      'schemaVersion: 1.0',
      'parameters:',
      '  - Region:',
      '      type: string',
      'phases:',
      '  - name: build',
      '    steps:',
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      '            - echo {{.Region}}',
    ],
    expected: 'RB2017 12:20',
    says: 'Write {{ Region }}',
  },
  {
    name: 'special mode',
    lines: [
      ...HEAD,
      '      - name: Mode',
      '        action: SetFolderPermissions',
      '        inputs:',
      '          - path: /srv',
      '            permissions: 2750',
    ],
    expected: 'RB2018 9:26',
    says: 'special mode',
  },
  {
    name: 'unterminated expression',
    lines: [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      "            - echo '{{ build.Hello.outputs.stdout'",
    ],
    expected: 'RB2016 9:21',
    says: 'has no closing }}',
  },
];

describe('One finding per defect', () => {
  it.each(ONE_DEFECT)('$name gives $expected', ({ lines, expected, says }) => {
    // Act
    const findings = findingsOf(lines);

    // Assess
    expect(findings.map((f) => `${f.ruleId} ${f.range.start.line}:${f.range.start.column}`)).toEqual([expected]);
    expect(findings[0]?.message).toContain(says);
  });

  it('never passes the parser wording on for the common mistakes', () => {
    const messages = ONE_DEFECT.flatMap(({ lines }) => findingsOf(lines).map((f) => f.message));
    expect(
      messages.filter((m) => /Implicit keys|Implicit map keys|compact mappings|must NOT|must have required|should be/.test(m)),
    ).toEqual([]);
  });

  it(`reports at most ${MAX_PARSE_FINDINGS} parse findings for a file full of independent mistakes`, () => {
    // Prepare: three duplicate keys far apart and a syntax error
    const lines = [
      'name: a',
      'name: b',
      ...HEAD,
      '      - name: One',
      '        action: Reboot',
      '        action: Reboot',
      '      - name: Two',
      '        timeoutSeconds: 1',
      '        timeoutSeconds: 2',
      '    bad: "unclosed',
    ];

    // Act
    const findings = findingsOf(lines);

    // Assess
    expect(findings.map((f) => f.ruleId)).toEqual(['RB0003', 'RB0003', 'RB0003']);
  });
});

/** An undeclared {{ Missing }} on line 9 of a script in each block style: the finding points at it, not at the indicator. */
const STYLES = ['|', '|-', '|+', '>', '>-', '>+', '|2', '>2-'];

describe('Expression positions inside block scalars', () => {
  it.each(STYLES)('%s block: the finding is at the expression line and column', (style) => {
    // Prepare
    const indent = /\d/.test(style) ? '              ' : '                ';
    const lines = [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      `            - ${style}`,
      `${indent}set -e`,
      `${indent}echo "{{ Missing }}"`,
    ];

    // Act
    const findings = findingsOf(lines);

    // Assess
    expect(findings.map((f) => `${f.ruleId} ${f.range.start.line}:${f.range.start.column}-${f.range.end.column}`)).toEqual([
      `RB2005 11:${indent.length + 7}-${indent.length + 20}`,
    ]);
  });

  it('points at the second of two equal expressions on different lines when only the second is wrong', () => {
    // Prepare: the step has no loop, so both {{ loop.value }} are wrong; each gets its own line
    const lines = [
      ...HEAD,
      '      - name: Hello',
      '        action: ExecuteBash',
      '        inputs:',
      '          commands:',
      '            - |',
      '              echo {{ loop.value }}',
      '              echo {{ loop.value }}',
    ];

    // Act
    const findings = findingsOf(lines);

    // Assess
    expect(findings.map((f) => `${f.ruleId} ${f.range.start.line}:${f.range.start.column}`)).toEqual(['RB2005 10:20', 'RB2005 11:20']);
  });
});

const RECIPE = [
  'name: demo',
  'version: 1.0.0',
  'platform: linux',
  'architecture: x86_64',
  'parentImage:',
  '  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  'components:',
  '  - managed: update-linux',
  'build:',
  '  instanceTypes: [m7i.large]',
];

const ONE_RECIPE_DEFECT: Array<Case & { edit: (lines: string[]) => string[] }> = [
  {
    name: 'build written as a list',
    lines: [],
    edit: (l) => [...l.slice(0, 8), 'build:', '  - m7i.large'],
    expected: 'RB1003 9:1',
    says: 'Build must be a map, not a list',
  },
  {
    name: 'misspelt managed',
    lines: [],
    edit: (l) => l.map((x) => x.replace('- managed:', '- manged:')),
    expected: 'RB1002 8:5',
    says: "Did you mean 'managed'?",
  },
  {
    name: 'two parent images',
    lines: [],
    edit: (l) => [...l.slice(0, 6), '  amiId: ami-0123456789abcdef0', ...l.slice(6)],
    expected: 'RB1006 5:1',
    says: 'ParentImage has 2 keys (ssmParameter, amiId)',
  },
  {
    name: 'components written as a map',
    lines: [],
    edit: (l) => [...l.slice(0, 7), '  managed: update-linux', ...l.slice(8)],
    expected: 'RB1003 7:1',
    says: 'Components must be a list, not a map',
  },
  {
    name: 'misspelt instance type',
    lines: [],
    edit: (l) => l.map((x) => x.replace('[m7i.large]', '[m7i.lrge]')),
    expected: 'RB3018 10:19',
    says: "Did you mean 'm7i.large'?",
  },
];

describe('One finding per defect in a recipe', () => {
  it.each(ONE_RECIPE_DEFECT)('$name gives $expected', ({ edit, expected, says }) => {
    // Act
    const { findings } = validateRecipeText(`${edit(RECIPE).join('\n')}\n`, path.join(DIR, 'recipe.yaml'), { cwd: DIR });

    // Assess
    expect(findings.map((f) => `${f.ruleId} ${f.range.start.line}:${f.range.start.column}`)).toEqual([expected]);
    expect(findings[0]?.message).toContain(says);
  });
});
