/** One small, realistic set of findings shared by the formatter tests. */
import type { Finding, RuleMeta } from '../../src/index.js';

export const RECIPE = 'recipes/demo/recipe.yaml';
export const COMPONENT = 'recipes/demo/components/setup.yaml';
export const CLEAN = 'recipes/demo/components/clean.yaml';

export const SOURCES = new Map<string, string>([
  [
    RECIPE,
    [
      'name: demo',
      'version: 1.0.0',
      'platform: linux',
      'build:',
      '  terminateOnFailure: false',
      '  instanceMetadata:',
      '    httpTokens: optional',
      'nmae: typo',
      '',
    ].join('\n'),
  ],
  [COMPONENT, ['name: setup', 'phases:', '  - name: build', '    steps: [', ''].join('\n')],
  [CLEAN, 'name: clean\n'],
]);

export const RULES: RuleMeta[] = [
  { id: 'RB0001', slug: 'yaml-syntax', severity: 'error', description: 'The file is valid YAML.' },
  { id: 'RB1002', slug: 'schema-unknown-property', severity: 'error', description: 'Only known properties are used.' },
  { id: 'RB3003', slug: 'imdsv2-required', severity: 'error', description: 'Build instances require IMDSv2.' },
  { id: 'RB3005', slug: 'terminate-on-failure', severity: 'warning', description: 'Failed build instances are terminated.' },
];

export const FINDINGS: Finding[] = [
  {
    ruleId: 'RB3005',
    slug: 'terminate-on-failure',
    severity: 'warning',
    message: 'Failed build instances are kept running; set build.terminateOnFailure to true.',
    file: RECIPE,
    range: { start: { line: 5, column: 23 }, end: { line: 5, column: 28 } },
    path: ['build', 'terminateOnFailure'],
    source: 'bakery',
  },
  {
    ruleId: 'RB1002',
    slug: 'schema-unknown-property',
    severity: 'error',
    message: "Unknown property 'nmae' in the document root; remove it or fix its spelling. Did you mean 'name'?",
    file: RECIPE,
    range: { start: { line: 8, column: 1 }, end: { line: 8, column: 5 } },
    path: ['nmae'],
    source: 'bakery',
  },
  {
    ruleId: 'RB3003',
    slug: 'imdsv2-required',
    severity: 'error',
    message: 'IMDSv1 is allowed; set build.instanceMetadata.httpTokens to required.',
    file: RECIPE,
    range: { start: { line: 7, column: 17 }, end: { line: 7, column: 25 } },
    path: ['build', 'instanceMetadata', 'httpTokens'],
    source: 'bakery',
    suppressed: { reason: 'Vendor agent needs IMDSv1 until 2027' },
  },
  {
    ruleId: 'RB0001',
    slug: 'yaml-syntax',
    severity: 'error',
    message: 'Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position.',
    file: COMPONENT,
    range: { start: { line: 4, column: 12 }, end: { line: 4, column: 13 } },
    path: [],
    source: 'bakery',
  },
];
