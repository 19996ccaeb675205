import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlsTable } from '@ami-bakery/hardening';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkTableText, generateWindowsControls } from '../../src/generators/index.js';
import { componentRules } from '../../src/rules/component/index.js';
import { checkSchema } from '../../src/schema-validator.js';
import type { Finding } from '../../src/types.js';
import { validateFile, validateRecipeText } from '../../src/validate.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/windows/', import.meta.url));
const TABLE = readFileSync(`${FIXTURE}controls/small.yaml`, 'utf8');
const RECIPE = readFileSync(`${FIXTURE}recipe.yaml`, 'utf8');

const located = (f: Finding) => `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.path.join('.')}`;

/** The fixture table with one row's lines replaced, and the 1-based line where `needle` ends up. */
function tableWith(find: string, replace: string): string {
  if (!TABLE.includes(find)) throw new Error(`${find} not in the fixture table`);
  return TABLE.replace(find, replace);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

describe('Generator tables: schema and table rules', () => {
  const cases = [
    {
      name: 'a registry row without a value',
      text: tableWith('    type: DWORD\n    value: 255\n', '    type: DWORD\n'),
      expected: (t: string) => [`t.yaml:${lineOf(t, "- id: '18.10.7.3'")}:5 RB1001 controls.6`],
      says: "Missing required property 'value'",
    },
    {
      name: 'a DWORD written as a string',
      text: tableWith('    value: 255', "    value: '255'"),
      expected: (t: string) => [`t.yaml:${lineOf(t, "value: '255'")}:12 RB1003 controls.6.value`],
      says: 'A DWORD value is a whole number',
    },
    {
      name: 'a lower-case audit GUID',
      text: tableWith("guid: '{0CCE9217-69AE-11D9-BED3-505054503030}'", "guid: '{0cce9217-69ae-11d9-bed3-505054503030}'"),
      expected: (t: string) => [`t.yaml:${lineOf(t, '0cce9217')}:11 RB1005 controls.8.guid`],
      says: 'Write the GUID upper-case in braces',
    },
    {
      name: 'a misspelt property',
      text: tableWith('    startupType: Disabled', '    startuptype: Disabled'),
      expected: (t: string) => [
        `t.yaml:${lineOf(t, "- id: '5.2'")}:5 RB1001 controls.9`,
        `t.yaml:${lineOf(t, 'startuptype')}:5 RB1002 controls.9.startuptype`,
      ],
      says: "Did you mean 'startupType'?",
    },
    {
      name: 'two rows for one setting',
      text: tableWith('    name: NoDriveTypeAutoRun', '    name: restrictremotesam\n    # same value as 2.3.10.11, other case').replace(
        "path: 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer'",
        "path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'",
      ),
      expected: (t: string) => [`t.yaml:${lineOf(t, "- id: '18.10.7.3'")}:9 RB2015 controls.6.id`],
      says: 'which row 4 (2.3.10.11) already sets',
    },
    {
      name: 'a GUID of another subcategory',
      text: tableWith('    subcategory: Account Lockout', '    subcategory: Logon'),
      expected: (t: string) => [`t.yaml:${lineOf(t, '0CCE9217')}:11 RB2015 controls.8.guid`],
      says: "is the 'Account Lockout' subcategory, not 'Logon'",
    },
    {
      name: 'the SSM agent as a service row',
      text: tableWith('    service: Spooler', '    service: AmazonSSMAgent'),
      expected: (t: string) => [`t.yaml:${lineOf(t, 'AmazonSSMAgent')}:14 RB2015 controls.9.service`],
      says: 'Systems Manager agent',
    },
    {
      name: 'local administrators denied a logon right',
      text: tableWith(
        "    key: SeDenyBatchLogonRight\n    value: ['*S-1-5-32-546']",
        "    key: SeDenyNetworkLogonRight\n    value: ['*S-1-5-32-546', '*S-1-5-114']",
      ),
      expected: (t: string) => [`t.yaml:${lineOf(t, '*S-1-5-114')}:5 RB2015 controls.2.value`],
      says: 'keeps the local administrator out',
    },
    {
      name: 'a renamed Administrator account',
      text: tableWith('    key: PasswordHistorySize', '    key: NewAdministratorName'),
      expected: (t: string) => [`t.yaml:${lineOf(t, 'NewAdministratorName')}:10 RB2015 controls.0.key`],
      says: 'EC2Launch hands out',
    },
    {
      name: 'outbound traffic blocked by default',
      text: tableWith(
        "    path: 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer'\n    name: NoDriveTypeAutoRun\n    type: DWORD\n    value: 255",
        "    path: 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile'\n    name: DefaultOutboundAction\n    type: DWORD\n    value: 1",
      ),
      expected: (t: string) => [`t.yaml:${lineOf(t, 'DefaultOutboundAction') + 2}:12 RB2015 controls.6.value`],
      says: 'cuts the Systems Manager agent off',
    },
  ];

  it.each(cases)('reports $name in the table', ({ text, expected, says }) => {
    // Act
    const { findings } = checkTableText('windows-controls', text, 't.yaml');

    // Assess
    expect(findings.map(located)).toEqual(expected(text));
    expect(findings.map((f) => f.message).join('\n')).toContain(says);
  });

  it('accepts the fixture and the shipped table', () => {
    const shipped = fileURLToPath(new URL('../../../../recipes/windows-server-2022-cis-level1/controls/cis-level1.yaml', import.meta.url));
    expect(checkTableText('windows-controls', TABLE, 't.yaml').findings.map(located)).toEqual([]);
    expect(checkTableText('windows-controls', readFileSync(shipped, 'utf8'), 'cis.yaml').findings.map(located)).toEqual([]);
  });
});

describe('Generator tables: the recipe hook', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** The fixture recipe folder in a temporary directory, with optional edits; returns its recipe path. */
  function recipeFolder(edit: { recipe?: (text: string) => string; table?: string } = {}): string {
    dir = mkdtempSync(path.join(tmpdir(), 'generated-'));
    cpSync(FIXTURE, dir, { recursive: true });
    if (edit.recipe) writeFileSync(path.join(dir, 'recipe.yaml'), edit.recipe(RECIPE));
    if (edit.table !== undefined) writeFileSync(path.join(dir, 'controls/small.yaml'), edit.table);
    return path.join(dir, 'recipe.yaml');
  }

  const validate = (recipePath: string) =>
    validateRecipeText(readFileSync(recipePath, 'utf8'), recipePath, { cwd: path.dirname(recipePath) });

  it('checks the generated documents and keeps the table text for formatters', () => {
    // Act
    const result = validate(recipeFolder());

    // Assess
    expect(result.findings.map(located)).toEqual([]);
    expect(result.sources.get('controls/small.yaml')).toBe(TABLE);
  });

  it('locates table problems in the table file', () => {
    // Act
    const result = validate(recipeFolder({ table: tableWith('    setting: Failure', '    setting: Failures') }));

    // Assess
    expect(result.findings.map(located)).toEqual([`controls/small.yaml:${lineOf(TABLE, 'setting: Failure')}:14 RB1004 controls.8.setting`]);
  });

  it.each([
    {
      name: 'a missing table',
      recipe: (t: string) => t.replace('controls/small.yaml', 'controls/missing.yaml'),
      expected: ['recipe.yaml:10:12 RB3007 components.1.table'],
    },
    {
      name: 'a table outside the recipe folder',
      recipe: (t: string) => t.replace('controls/small.yaml', '../small.yaml'),
      expected: ['recipe.yaml:10:12 RB3009 components.1.table'],
    },
    {
      name: 'a Windows generator in a Linux recipe',
      recipe: (t: string) =>
        t
          .replace('platform: windows', 'platform: linux')
          .replace(
            '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base',
            '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
          )
          .replace('update-windows', 'update-linux'),
      expected: ['recipe.yaml:9:15 RB2006 components.1.generate'],
    },
  ])('reports $name on the recipe entry', ({ recipe, expected }) => {
    // Act
    const result = validate(recipeFolder({ recipe }));

    // Assess
    expect(result.findings.map(located)).toEqual(expected);
  });

  it('validates a table file given on its own', () => {
    // Act
    const result = validateFile(`${FIXTURE}controls/small.yaml`, { cwd: FIXTURE });

    // Assess
    expect(result.kind).toBe('table');
    expect(result.findings).toEqual([]);
  });
});

describe('Generator windows-controls: documents for the shipped tables', () => {
  it.each(['windows-server-2022-cis-level1'])('writes documents the component schema and rules accept on Windows (%s)', (recipe) => {
    // Prepare
    const table = parse(
      readFileSync(fileURLToPath(new URL(`../../../../recipes/${recipe}/controls/cis-level1.yaml`, import.meta.url)), 'utf8'),
    ) as ControlsTable;

    // Act
    const documents = generateWindowsControls(table, { baseName: `${recipe}-cis-level1`, tableFile: 'controls/cis-level1.yaml' });
    const problems = documents.flatMap((d) => [
      ...checkSchema('component', d.data).map((h) => `${d.name} ${h.rule.id} ${h.path.join('.')} ${h.message}`),
      ...componentRules.flatMap((rule) =>
        rule.check({ data: d.data, platform: 'windows' }).map((h) => `${d.name} ${rule.id} ${h.path.join('.')} ${h.message}`),
      ),
    ]);

    // Assess
    expect(problems).toEqual([]);
  });
});
