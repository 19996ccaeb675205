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
  notRegularFile: {
    id: 'RB0020',
    slug: 'input-not-regular-file',
    severity: 'error',
    description:
      'Every input is a regular file inside its recipe folder (a file named on the command line: inside the workspace); a symbolic link leading outside, a device, a FIFO or a folder is never read.',
  },
  fileTooLarge: {
    id: 'RB0021',
    slug: 'input-too-large',
    severity: 'error',
    description: 'Every input file holds at most 1 MiB (1,048,576 bytes); a larger one is not read.',
  },
  invalidEncoding: {
    id: 'RB0022',
    slug: 'input-encoding',
    severity: 'error',
    description: 'Every input file is UTF-8; a byte that is not is reported at its line, never replaced.',
  },
  duplicateRecipeName: {
    id: 'RB0023',
    slug: 'recipe-name-unique',
    severity: 'error',
    description: 'Every recipe folder of the workspace has its own `name`: the bundle folder, the stack and the Image Builder resources are named after it.',
  },
} as const satisfies Record<string, RuleMeta>;
