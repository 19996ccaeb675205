import { fileURLToPath } from 'node:url';
import type { Platform } from '../../src/recipe-model.js';
import type { Finding } from '../../src/types.js';
import { validateComponentFile } from '../../src/validate.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/component/', import.meta.url));

/** What a test compares: rule, dotted path and start position, the parts an author acts on. */
export interface Located {
  ruleId: string;
  path: string;
  at: string;
}

export function locate(finding: Finding): Located {
  return { ruleId: finding.ruleId, path: finding.path.join('.'), at: `${finding.range.start.line}:${finding.range.start.column}` };
}

/** Validate a fixture (path relative to the fixtures folder) the way the CLI does. */
export function validateFixture(file: string, platform?: Platform): Finding[] {
  return validateComponentFile(file, { cwd: FIXTURES, ...(platform ? { platform } : {}) }).findings;
}
