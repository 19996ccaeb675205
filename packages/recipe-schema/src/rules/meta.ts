import type { RuleMeta } from '../types.js';

/** Rules the engine itself reports (parsing, crashes, suppressions, inputs); they have no check function. */
export const ENGINE_RULES = {
  yamlSyntax: { id: 'RB0001', slug: 'yaml-syntax', severity: 'error', description: 'The file is valid YAML.' },
  ruleFailed: {
    id: 'RB0002',
    slug: 'rule-failed',
    severity: 'error',
    description: 'Every rule ran to completion (a crashing rule is reported, the run goes on).',
  },
  duplicateKey: { id: 'RB0003', slug: 'yaml-duplicate-key', severity: 'error', description: 'No map has the same key twice.' },
  tabIndent: { id: 'RB0004', slug: 'yaml-tab-indent', severity: 'error', description: 'Indentation uses spaces, not tabs.' },
  unreadable: { id: 'RB0005', slug: 'file-unreadable', severity: 'error', description: 'Every input file exists and can be read.' },
  unusedSuppression: {
    id: 'RB0006',
    slug: 'suppression-unused',
    severity: 'warning',
    description: 'Every suppression matches at least one finding.',
  },
  unknownDocument: {
    id: 'RB0007',
    slug: 'document-kind',
    severity: 'error',
    description: 'Every input is a recipe or an AWSTOE component document.',
  },
} as const satisfies Record<string, RuleMeta>;
