/**
 * The editor sees what the CLI sees: yaml-language-server (the engine of VS Code's YAML
 * extension), started over stdio with the workspace's shipped .vscode/settings.json, gets the
 * bundled schemas for recipes and component documents, flags the same places as bakery validate,
 * shows the schema's fix sentences, renders hovers as markdown and offers completions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { schemaComment, schemaFile } from '../../src/schema-validator.js';
import type { Finding } from '../../src/types.js';
import { validateComponentFile, validateRecipeText } from '../../src/validate.js';
import { type Diagnostic, YamlLanguageClient } from './lsp-client.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCHEMA_FIXTURES = fileURLToPath(new URL('../fixtures/component/schema/', import.meta.url));

/** The shipped editor settings, as the YAML extension hands them to the server (`yaml.x` -> `{ yaml: { x } }`). */
function shippedSettings(): Record<string, unknown> {
  const flat = JSON.parse(readFileSync(path.join(ROOT, '.vscode/settings.json'), 'utf8')) as Record<string, unknown>;
  const yaml: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) if (key.startsWith('yaml.')) yaml[key.slice('yaml.'.length)] = value;
  // VS Code resolves schema paths against the workspace folder before handing them over.
  yaml.schemas = Object.fromEntries(
    Object.entries(yaml.schemas as Record<string, string[]>).map(([file, globs]) => [path.resolve(ROOT, file), globs]),
  );
  return { yaml };
}

let client: YamlLanguageClient;
beforeAll(async () => {
  client = new YamlLanguageClient(shippedSettings());
  await client.start(ROOT);
});
afterAll(async () => {
  await client?.stop();
});

const schemaDiagnostics = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.source?.startsWith('yaml-schema'));

/**
 * The 0-based lines where a finding may show: its own line, and for a list or map value the line
 * where the value starts (the CLI marks the key, the editor the value).
 */
function linesOf(finding: Finding, text: string): number[] {
  const lineCounter = new LineCounter();
  const node = parseDocument(text, { lineCounter }).getIn(finding.path, true) as { range?: [number, number] } | undefined;
  const lines = [finding.range.start.line - 1];
  if (node?.range) lines.push(lineCounter.linePos(node.range[0]).line - 1);
  return lines;
}

/** Every CLI finding has an editor diagnostic at one of its lines, and every editor diagnostic matches a CLI finding. */
function expectAgreement(findings: Finding[], diagnostics: Diagnostic[], text: string): void {
  const accepted = findings.map((f) => linesOf(f, text));
  expect({
    cli: accepted.filter((lines) => !diagnostics.some((d) => lines.includes(d.range.start.line))).length,
    editor: diagnostics
      .filter((d) => !accepted.some((lines) => lines.includes(d.range.start.line)))
      .map((d) => `${d.range.start.line + 1}: ${d.message}`),
  }).toEqual({ cli: 0, editor: [] });
  expect(findings.length).toBeGreaterThan(0);
}

describe('Editor: yaml-language-server with the shipped settings', () => {
  const brokenComponents = readdirSync(SCHEMA_FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it.each(brokenComponents)('component %s: the editor flags what bakery validate flags', async (file) => {
    // Prepare: the document sits where the shipped setting maps component documents
    const text = readFileSync(path.join(SCHEMA_FIXTURES, file), 'utf8');
    const findings = validateComponentFile(file, { cwd: SCHEMA_FIXTURES }).findings.filter((f) => f.ruleId.startsWith('RB1'));

    // Act
    const diagnostics = schemaDiagnostics(await client.open(path.join(ROOT, 'recipes/editor-check/components', file), text));

    // Assess
    expect(diagnostics.every((d) => d.source === 'yaml-schema: AWSTOE component document')).toBe(true);
    expectAgreement(findings, diagnostics, text);
  });

  const RECIPE = [
    schemaComment('recipe', path.join(ROOT, 'recipes/editor-check')),
    'name: editor-check',
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
  const BROKEN_RECIPES: Array<{ name: string; edit: (lines: string[]) => string[] }> = [
    { name: 'an unknown platform', edit: (l) => l.map((x) => x.replace('platform: linux', 'platform: Linux')) },
    { name: 'a version that is not semantic', edit: (l) => l.map((x) => x.replace('version: 1.0.0', 'version: v1')) },
    { name: 'a misspelt top-level key', edit: (l) => [...l, 'schedul:', '  expression: cron(0 4 ? * sun *)'] },
    {
      name: 'a managed component given as an ARN',
      edit: (l) =>
        l.map((x) => x.replace('managed: update-linux', 'managed: arn:aws:imagebuilder:eu-west-1:aws:component/update-linux/x.x.x')),
    },
    { name: 'a root volume size as text', edit: (l) => [...l, '  rootVolume:', '    sizeGiB: thirty'] },
  ];

  it.each(BROKEN_RECIPES)('recipe with $name: the editor flags what bakery validate flags', async ({ edit }) => {
    // Prepare: recipes get their schema from the $schema line every recipe.yaml carries
    const text = `${edit(RECIPE).join('\n')}\n`;
    const file = path.join(ROOT, 'recipes/editor-check/recipe.yaml');
    const findings = validateRecipeText(text, file, { cwd: ROOT }).findings.filter((f) => f.ruleId.startsWith('RB1'));

    // Act
    const diagnostics = schemaDiagnostics(await client.open(file, text));

    // Assess
    expectAgreement(findings, diagnostics, text);
  });

  it('shows the fix sentence of the schema as the diagnostic, not the engine wording', async () => {
    // Act
    const diagnostics = await client.open(
      path.join(ROOT, 'recipes/editor-check/components/timeout.yaml'),
      'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Hello\n        action: ExecuteBash\n        timeoutSeconds: ten minutes\n        inputs:\n          commands: [echo hello]\n',
    );

    // Assess
    expect(schemaDiagnostics(diagnostics).map((d) => [d.range.start.line, d.message])).toEqual([
      [6, 'Give whole seconds as a number, for example 600; -1 means no timeout.'],
    ]);
  });

  it('checks a component document outside recipes/ through the $schema line bakery new writes', async () => {
    // Prepare
    const file = path.join(ROOT, 'packages/recipe-schema/tests/fixtures/editor-check.yaml');
    const text = `${schemaComment('component', path.dirname(file))}\nschemaVersion: 2.0\nphases:\n  - name: build\n    steps:\n      - name: Hello\n        action: Reboot\n`;

    // Act
    const diagnostics = schemaDiagnostics(await client.open(file, text));

    // Assess
    expect(diagnostics.map((d) => [d.range.start.line, d.message])).toEqual([
      [1, 'Write schemaVersion: 1.0, the only version AWSTOE supports.'],
    ]);
  });

  it.each([
    {
      name: 'managed component names',
      line: 8,
      character: 13,
      text: (l: string[]) => l.map((x) => x.replace('managed: update-linux', 'managed: ')),
      expected: ['stig-build-linux', 'update-linux', 'update-windows'],
    },
    {
      name: 'instance types',
      line: 10,
      character: 17,
      text: (l: string[]) => l.map((x) => x.replace('instanceTypes: [m7i.large]', 'instanceTypes: [m]')),
      expected: ['m7g.large', 'm7i.large', 't4g.medium'],
    },
  ])('offers $name as completions', async ({ line, character, text, expected }) => {
    // Prepare
    const file = path.join(ROOT, 'recipes/editor-check/recipe.yaml');
    await client.open(file, `${text(RECIPE).join('\n')}\n`);

    // Act
    const labels = (await client.completion(file, line, character)).map((item) => item.label);

    // Assess
    expect(labels).toEqual(expect.arrayContaining(expected));
  });

  it('hovers in markdown, so code in a description shows as code', async () => {
    // Prepare
    const file = path.join(ROOT, 'recipes/editor-check/recipe.yaml');
    await client.open(file, `${RECIPE.join('\n')}\n`);

    // Act
    const hover = await client.hover(file, 1, 2);

    // Assess: the text comes from markdownDescription (backticks render as code there)
    const schema = JSON.parse(readFileSync(schemaFile('recipe'), 'utf8')) as { properties: { name: { markdownDescription: string } } };
    expect(hover).toContain(schema.properties.name.markdownDescription);
  });
});

describe('Editor metadata in the bundled schemas', () => {
  it.each(['recipe', 'component'] as const)(
    '%s schema: no plain description or error message carries backticks (hovers and diagnostics would show them literally)',
    (name) => {
      const withBackticks: string[] = [];
      const visit = (node: unknown, where: string) => {
        if (Array.isArray(node)) {
          for (const [i, item] of node.entries()) visit(item, `${where}/${i}`);
        } else if (typeof node === 'object' && node !== null) {
          for (const [key, value] of Object.entries(node)) {
            if ((key === 'description' || key === 'errorMessage') && typeof value === 'string' && value.includes('`'))
              withBackticks.push(`${where}/${key}`);
            visit(value, `${where}/${key}`);
          }
        }
      };
      visit(JSON.parse(readFileSync(schemaFile(name), 'utf8')), '#');
      expect(withBackticks).toEqual([]);
    },
  );

  it.each(['recipe', 'component'] as const)('%s schema: fix sentences live in errorMessage, the keyword the editor shows', (name) => {
    expect(readFileSync(schemaFile(name), 'utf8')).not.toContain('"x-fix"');
  });
});

describe('Instance types', () => {
  it('completes exactly the instance types RB3018 accepts (data/instance-types.json, from cfn-lint)', () => {
    const data = JSON.parse(readFileSync(fileURLToPath(new URL('../../data/instance-types.json', import.meta.url)), 'utf8')) as {
      instanceTypes: string[];
    };
    const schema = JSON.parse(readFileSync(schemaFile('recipe'), 'utf8')) as {
      properties: { build: { properties: { instanceTypes: { items: { examples: string[] } } } } };
    };
    expect(schema.properties.build.properties.instanceTypes.items.examples).toEqual(data.instanceTypes);
  });
});

describe('Managed component names', () => {
  it('completes the managed components listed in data/managed-components.json, wherever a recipe names one', () => {
    const data = JSON.parse(readFileSync(fileURLToPath(new URL('../../data/managed-components.json', import.meta.url)), 'utf8')) as {
      components: Array<{ name: string }>;
    };
    const examples: unknown[] = [];
    const visit = (node: unknown, key?: string) => {
      if (Array.isArray(node)) for (const item of node) visit(item);
      else if (typeof node === 'object' && node !== null) {
        if (key === 'managed') examples.push((node as { examples?: unknown }).examples);
        for (const [k, v] of Object.entries(node)) visit(v, k);
      }
    };
    visit(JSON.parse(readFileSync(schemaFile('recipe'), 'utf8')));
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.every((e) => JSON.stringify(e) === JSON.stringify(data.components.map((c) => c.name)))).toBe(true);
  });
});
