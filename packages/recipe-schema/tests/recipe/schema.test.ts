import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding, JsonPath } from '../../src/types.js';
import { validateRecipeText } from '../../src/validate.js';

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMA_FILE = `${PACKAGE}schemas/recipe.schema.json`;
/** Inline recipes live in a folder of their own, so local component paths resolve to nothing. */
const INLINE_RECIPE = `${PACKAGE}tests/fixtures/recipe/inline/recipe.yaml`;

type Schema = Record<string, unknown>;
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema;

const BASE = [
  'name: schema-case',
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

/** The base recipe with 1-based lines replaced (string), removed (null) or extra lines appended. */
function recipe(changes: Record<number, string | null> = {}, extra: string[] = []): string {
  const lines = BASE.flatMap((line, i) => {
    const change = changes[i + 1];
    return change === undefined ? [line] : change === null ? [] : change.split('\n');
  });
  return `${[...lines, ...extra].join('\n')}\n`;
}

function schemaFindings(text: string): Finding[] {
  return validateRecipeText(text, INLINE_RECIPE, { cwd: PACKAGE }).findings.filter((f) => f.ruleId.startsWith('RB1'));
}

interface BrokenCase {
  name: string;
  text: string;
  ruleId: string;
  path: JsonPath;
  line: number;
  column: number;
  says: string;
}

const BROKEN: BrokenCase[] = [
  {
    name: 'missing parentImage',
    text: recipe({ 5: null, 6: null }),
    ruleId: 'RB1001',
    path: [],
    line: 1,
    column: 1,
    says: "The document root is missing 'parentImage'",
  },
  {
    name: 'two parentImage keys',
    text: recipe({
      6: '  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64\n  amiId: ami-0123456789abcdef0',
    }),
    ruleId: 'RB1006',
    path: ['parentImage'],
    line: 5,
    column: 1,
    says: 'Give exactly one of ssmParameter',
  },
  {
    name: 'empty parentImage',
    text: recipe({ 5: 'parentImage: {}', 6: null }),
    ruleId: 'RB1006',
    path: ['parentImage'],
    line: 5,
    column: 1,
    says: 'Give exactly one of ssmParameter',
  },
  {
    name: 'parentImage as an ARN',
    text: recipe({ 6: '  managedImage: arn:aws-us-gov:imagebuilder:us-gov-west-1:aws:image/amazon-linux-2023-x86/x.x.x' }),
    ruleId: 'RB1005',
    path: ['parentImage', 'managedImage'],
    line: 6,
    column: 17,
    says: 'not an ARN',
  },
  {
    name: 'both managed and file',
    text: recipe({ 8: '  - managed: update-linux\n    file: components/a.yaml' }),
    ruleId: 'RB1002',
    path: ['components', 0, 'file'],
    line: 9,
    column: 5,
    says: "Unknown property 'file' in components entry 1; remove it",
  },
  {
    name: 'neither managed nor file',
    text: recipe({ 8: '  - version: 1.0.0' }),
    ruleId: 'RB1001',
    path: ['components', 0],
    line: 8,
    column: 5,
    says: 'Name an AWS-managed component with managed:',
  },
  {
    name: 'local component without version',
    text: recipe({ 8: '  - file: components/a.yaml' }),
    ruleId: 'RB1001',
    path: ['components', 0],
    line: 8,
    column: 5,
    says: 'A local component needs its own version',
  },
  {
    name: 'local component with a wildcard version',
    text: recipe({ 8: '  - file: components/a.yaml\n    version: 1.x.x' }),
    ruleId: 'RB1005',
    path: ['components', 0, 'version'],
    line: 9,
    column: 14,
    says: 'no wildcards',
  },
  {
    name: 'managed component with a word as version',
    text: recipe({ 8: '  - managed: update-linux\n    version: latest' }),
    ruleId: 'RB1005',
    path: ['components', 0, 'version'],
    line: 9,
    column: 14,
    says: '1.0.x, 1.x.x or x.x.x',
  },
  {
    name: 'managed component written as an ARN',
    text: recipe({ 8: '  - managed: arn:aws-cn:imagebuilder:cn-north-1:aws:component/update-linux/x.x.x' }),
    ruleId: 'RB1005',
    path: ['components', 0, 'managed'],
    line: 8,
    column: 14,
    says: 'no ARN',
  },
  {
    name: 'bad recipe version',
    text: recipe({ 2: 'version: v1.0' }),
    ruleId: 'RB1005',
    path: ['version'],
    line: 2,
    column: 10,
    says: 'no v prefix',
  },
  {
    name: 'unknown property with did-you-mean',
    text: recipe({}, ['descripton: Golden image']),
    ruleId: 'RB1002',
    path: ['descripton'],
    line: 11,
    column: 1,
    says: "Did you mean 'description'?",
  },
  {
    name: 'misspelt nested property',
    text: recipe({}, ['  terminateOnFailur: true']),
    ruleId: 'RB1002',
    path: ['build', 'terminateOnFailur'],
    line: 11,
    column: 3,
    says: "Did you mean 'terminateOnFailure'?",
  },
  {
    name: 'wrong type for instanceTypes',
    text: recipe({ 10: '  instanceTypes: m7i.large' }),
    ruleId: 'RB1003',
    path: ['build', 'instanceTypes'],
    line: 10,
    column: 18,
    says: 'must be a list, not a string',
  },
  {
    name: 'empty components',
    text: recipe({ 7: 'components: []', 8: null }),
    ruleId: 'RB1006',
    path: ['components'],
    line: 7,
    column: 1,
    says: 'List at least one component',
  },
  {
    name: 'unknown platform',
    text: recipe({ 3: 'platform: macos' }),
    ruleId: 'RB1004',
    path: ['platform'],
    line: 3,
    column: 11,
    says: 'use one of: "linux", "windows"',
  },
  {
    name: 'aarch64 architecture',
    text: recipe({ 4: 'architecture: aarch64' }),
    ruleId: 'RB1004',
    path: ['architecture'],
    line: 4,
    column: 15,
    says: 'not aarch64',
  },
  {
    name: 'recipe name with capitals',
    text: recipe({ 1: 'name: Golden_AL2023' }),
    ruleId: 'RB1005',
    path: ['name'],
    line: 1,
    column: 7,
    says: 'lower-case letters, digits and single hyphens',
  },
  {
    name: 'unquoted numeric parameter',
    text: recipe({ 8: '  - managed: stig-build-linux-high\n    parameters:\n      Level: 2' }),
    ruleId: 'RB1003',
    path: ['components', 0, 'parameters', 'Level'],
    line: 10,
    column: 14,
    says: 'Quote the value',
  },
  {
    name: 'account id as a number',
    text: recipe({}, ['distribution:', '  launchPermissions:', '    accounts: [111122223333]']),
    ruleId: 'RB1003',
    path: ['distribution', 'launchPermissions', 'accounts', 0],
    line: 13,
    column: 16,
    says: 'quoted 12-digit string',
  },
  {
    name: 'reserved SSM parameter prefix',
    text: recipe({}, ['distribution:', '  ssmParameter: /aws/golden/latest']),
    ruleId: 'RB1005',
    path: ['distribution', 'ssmParameter'],
    line: 12,
    column: 17,
    says: 'not with /aws or /ssm',
  },
  {
    name: 'test timeout below the minimum',
    text: recipe({}, ['testing:', '  timeoutMinutes: 30']),
    ruleId: 'RB1006',
    path: ['testing', 'timeoutMinutes'],
    line: 12,
    column: 19,
    says: 'Testing > timeoutMinutes is 30; it must be 60 or more',
  },
  {
    name: 'tag key with the aws: prefix',
    text: recipe({}, ['tags:', '  aws:team: platform']),
    ruleId: 'RB1002',
    path: ['tags', 'aws:team'],
    line: 12,
    column: 3,
    says: "Unknown property 'aws:team'",
  },
  {
    name: 'rate() schedule',
    text: recipe({}, ['schedule:', '  expression: rate(7 days)']),
    ruleId: 'RB1005',
    path: ['schedule', 'expression'],
    line: 12,
    column: 15,
    says: 'cron(0 4 ? * sun *)',
  },
  {
    name: 'suppression with a short reason',
    text: recipe({}, ['suppressions:', '  - id: RB3010', '    reason: later']),
    ruleId: 'RB1006',
    path: ['suppressions', 0, 'reason'],
    line: 13,
    column: 13,
    says: 'Explain in a sentence',
  },
  {
    name: 'suppression with a malformed id',
    text: recipe({}, ['suppressions:', '  - id: rb3010', '    reason: Scanning runs in the central security account.']),
    ruleId: 'RB1005',
    path: ['suppressions', 0, 'id'],
    line: 12,
    column: 9,
    says: 'such as RB3005',
  },
  {
    name: 'schedule with a time zone (CloudFormation has none)',
    text: recipe({}, ['schedule:', '  expression: cron(0 4 ? * sun *)', '  timezone: Europe/Paris']),
    ruleId: 'RB1002',
    path: ['schedule', 'timezone'],
    line: 13,
    column: 3,
    says: "Unknown property 'timezone'",
  },
  {
    name: 'unknown bakery placeholder',
    text: recipe({ 8: "  - managed: update-linux\n    parameters:\n      Bucket: '{{ bakery:logBucket }}'" }),
    ruleId: 'RB1005',
    path: ['components', 0, 'parameters', 'Bucket'],
    line: 10,
    column: 15,
    says: '{{ bakery:artifactBucket }} and {{ bakery:evidencePrefix }}',
  },
  {
    name: 'generated component without a version',
    text: recipe({ 8: '  - generate: windows-controls\n    table: controls/cis.yaml' }),
    ruleId: 'RB1001',
    path: ['components', 0],
    line: 8,
    column: 5,
    says: "Components entry 1 is missing 'version'",
  },
  {
    name: 'generated component with a wildcard version',
    text: recipe({ 8: '  - generate: windows-controls\n    table: controls/cis.yaml\n    version: 1.x.x' }),
    ruleId: 'RB1005',
    path: ['components', 0, 'version'],
    line: 10,
    column: 14,
    says: 'bump it whenever the table changes',
  },
  {
    name: 'generated component with a document too',
    text: recipe({ 8: '  - generate: windows-controls\n    table: controls/cis.yaml\n    file: components/a.yaml\n    version: 1.0.0' }),
    ruleId: 'RB1002',
    path: ['components', 0, 'file'],
    line: 10,
    column: 5,
    says: "Unknown property 'file'",
  },
  {
    name: 'table without a generator',
    text: recipe({ 8: '  - managed: update-linux\n    table: controls/cis.yaml' }),
    ruleId: 'RB1001',
    path: ['components', 0],
    line: 8,
    column: 5,
    says: 'A table needs a generator: add generate: windows-controls',
  },
  {
    name: 'unknown generator',
    text: recipe({ 8: '  - generate: linux-controls\n    table: controls/cis.yaml\n    version: 1.0.0' }),
    ruleId: 'RB1004',
    path: ['components', 0, 'generate'],
    line: 8,
    column: 15,
    says: '"windows-controls"',
  },
  {
    name: 'a list instead of a recipe',
    text: '- name: x\n- version: 1.0.0\n',
    ruleId: 'RB1003',
    path: [],
    line: 1,
    column: 1,
    says: 'must be a map, not a list',
  },
];

describe('recipe schema: broken recipes', () => {
  it.each(BROKEN)('$name -> $ruleId', ({ text, ruleId, path, line, column, says }) => {
    // Act
    const findings = schemaFindings(text);

    // Assess
    expect(findings.map((f) => ({ ruleId: f.ruleId, path: f.path, line: f.range.start.line, column: f.range.start.column }))).toEqual([
      { ruleId, path, line, column },
    ]);
    expect(findings[0]?.message).toContain(says);
  });

  it('accepts the base recipe and one with every section filled in', () => {
    // Prepare
    const full = [
      ...BASE.slice(0, 8),
      'description: Every optional section, with valid values.',
      'tests:',
      '  - managed: reboot-test-linux',
      '  - managed: stig-build-linux-high',
      '    version: 2024.x.x',
      '    parameters:',
      '      Paths: [/etc/issue, /etc/motd]',
      '      Mode: strict',
      "      Bucket: '{{ bakery:artifactBucket }}'",
      "      Prefix: 's3://{{bakery:artifactBucket}}/{{ bakery:evidencePrefix }}/reports/'",
      '  - generate: windows-controls',
      '    table: controls/cis-level1.yaml',
      '    version: 1.0.0',
      'build:',
      '  instanceTypes: [m7i.large, m6i.large]',
      '  rootVolume: { deviceName: /dev/xvda, sizeGiB: 30, volumeType: io2, iops: 3000, encrypted: true, kmsKeyId: alias/ami-bakery }',
      '  workingDirectory: /var/tmp/imagebuilder',
      '  subnetId: subnet-0123456789abcdef0',
      '  securityGroupIds: [sg-0123456789abcdef0]',
      '  instanceMetadata: { httpTokens: required, httpPutResponseHopLimit: 1 }',
      '  terminateOnFailure: true',
      '  logging: { s3Bucket: my-build-logs, s3KeyPrefix: image-builder-logs/schema-case }',
      '  snsTopic: image-builds',
      'distribution:',
      '  regions: [eu-west-1, us-gov-west-1]',
      "  amiName: 'schema-case-{{ imagebuilder:buildDate }}'",
      '  amiDescription: Golden image.',
      '  amiTags: { Benchmark: DISA STIG, Level: high }',
      '  kmsKeyId: mrk-1234abcd12ab34cd56ef1234567890ab',
      '  launchPermissions: { organization: true, organizationalUnits: [ou-ab12-cd34ef56], accounts: ["011122223333"] }',
      '  targetAccounts: ["444455556666"]',
      '  ssmParameter: /ami-bakery/schema-case/latest',
      'schedule: { expression: cron(0 4 ? * sun *), startCondition: EXPRESSION_MATCH_ONLY }',
      'testing: { enabled: true, timeoutMinutes: 90 }',
      'scanning: { inspector: true }',
      'lifecycle: { keepLatest: 5, deleteAfterDays: 90, deleteSnapshots: true }',
      'tags: { Team: platform, cost-center: "1234" }',
      'suppressions:',
      '  - id: W3005',
      '    reason: The dependency is needed for the deletion order of the pipeline.',
      '    path: build.rootVolume',
    ].join('\n');

    // Act + Assess
    expect(schemaFindings(recipe()).map((f) => f.ruleId)).toEqual([]);
    expect(schemaFindings(full).map((f) => `${f.ruleId} ${f.path.join('.')} ${f.message}`)).toEqual([]);
  });
});

/** Every subschema reachable through the schema keywords that nest schemas, with a readable location. */
function* subschemas(node: unknown, where: string): Generator<[string, Schema]> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const schemaNode = node as Schema;
  yield [where, schemaNode];
  for (const keyword of ['properties', 'patternProperties', 'definitions']) {
    for (const [name, child] of Object.entries((schemaNode[keyword] as Schema | undefined) ?? {}))
      yield* subschemas(child, `${where}/${keyword}/${name}`);
  }
  for (const keyword of ['items', 'additionalProperties', 'if', 'then', 'else', 'not', 'propertyNames'])
    yield* subschemas(schemaNode[keyword], `${where}/${keyword}`);
  for (const keyword of ['allOf', 'anyOf']) {
    for (const [i, child] of ((schemaNode[keyword] as unknown[] | undefined) ?? []).entries())
      yield* subschemas(child, `${where}/${keyword}/${i}`);
  }
}

function resolve(ref: string): Schema {
  let node: unknown = schema;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Schema)[part];
  return node as Schema;
}

/** Whether `location` is a branch of a conditional, whose properties only narrow ones described elsewhere. */
function inConditional(location: string): boolean {
  return /\/(if|then|else|not|anyOf)(\/|$)/.test(location);
}

describe('recipe schema: editor metadata', () => {
  it('is a draft-07 schema with the published $id', () => {
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://ami-bakery.dev/schemas/recipe.schema.json',
    });
  });

  it('describes every property, so editors can show it on hover', () => {
    // Act
    const undescribed = [...subschemas(schema, '#')]
      .filter(([where]) => /\/(properties|patternProperties)\/[^/]+$|\/items$|\/additionalProperties$/.test(where) && !inConditional(where))
      .filter(([, node]) => {
        // A bare reference shows the description of the definition it points to.
        const shown = typeof node.$ref === 'string' && node.description === undefined ? resolve(node.$ref) : node;
        return typeof shown.description !== 'string' || shown.description.length < 10;
      })
      .filter(([where, node]) => !(where.endsWith('/items') && node.type === 'string' && Object.keys(node).length === 1))
      .map(([where]) => where);

    // Assess
    expect(undescribed).toEqual([]);
  });

  it('gives a fix sentence with every pattern, since a regular expression does not tell the author what to write', () => {
    // Act
    const withoutFix = [...subschemas(schema, '#')]
      .filter(([, node]) => typeof node.pattern === 'string' && typeof node.errorMessage !== 'string')
      .map(([where]) => where);

    // Assess
    expect(withoutFix).toEqual([]);
  });

  it('closes every object to unknown properties', () => {
    // Act
    const open = [...subschemas(schema, '#')]
      .filter(([where, node]) => node.type === 'object' && !inConditional(where) && node.additionalProperties === undefined)
      .map(([where]) => where);

    // Assess
    expect(open).toEqual([]);
  });
});

/**
 * `src/recipe-model.ts` is the TypeScript mirror of the schema: each interface's fields must be the
 * schema's properties at the matching place, and its non-optional fields the schema's `required`.
 */
describe('recipe schema: mirrors src/recipe-model.ts', () => {
  const model = readFileSync(`${PACKAGE}src/recipe-model.ts`, 'utf8');

  function fieldsOf(interfaceName: string): { all: string[]; required: string[] } {
    const body = new RegExp(`export interface ${interfaceName} \\{([\\s\\S]*?)\\n\\}`).exec(model)?.[1] ?? '';
    const fields = [...body.matchAll(/^ {2}(\w+)(\??):/gm)].map((m) => ({ name: m[1] as string, optional: m[2] === '?' }));
    return {
      all: fields.map((f) => f.name).sort(),
      required: fields
        .filter((f) => !f.optional)
        .map((f) => f.name)
        .sort(),
    };
  }

  function schemaAt(pointer: string): Schema {
    let node: unknown = schema;
    for (const part of pointer.split('/').filter(Boolean)) node = (node as Schema)[part];
    const ref = (node as Schema).$ref;
    return typeof ref === 'string' ? resolve(ref) : (node as Schema);
  }

  it.each([
    ['Recipe', ''],
    ['ParentImage', '/properties/parentImage'],
    ['ComponentRef', '/definitions/componentRef'],
    ['BuildSettings', '/properties/build'],
    ['RootVolume', '/properties/build/properties/rootVolume'],
    ['InstanceMetadata', '/properties/build/properties/instanceMetadata'],
    ['Distribution', '/properties/distribution'],
    ['LaunchPermissions', '/properties/distribution/properties/launchPermissions'],
    ['Schedule', '/properties/schedule'],
    ['Testing', '/properties/testing'],
    ['Scanning', '/properties/scanning'],
    ['Lifecycle', '/properties/lifecycle'],
    ['CatalogSettings', '/properties/catalog'],
    ['Suppression', '/properties/suppressions/items'],
  ])('%s matches #%s', (interfaceName, pointer) => {
    // Prepare
    const fields = fieldsOf(interfaceName);
    const node = schemaAt(pointer);

    // Assess
    expect(fields.all.length).toBeGreaterThan(0);
    expect(Object.keys(node.properties as Schema).sort()).toEqual(fields.all);
    expect(((node.required as string[] | undefined) ?? []).slice().sort()).toEqual(fields.required);
  });
});
