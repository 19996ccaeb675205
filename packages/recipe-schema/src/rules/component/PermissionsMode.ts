import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord } from '../util.js';
import { stepsOf } from './document.js';

/** Modules whose inputs take a file mode. */
const MODE_ACTIONS = new Set(['CreateFile', 'CreateFolder', 'SetFilePermissions', 'SetFolderPermissions']);

/**
 * AWSTOE takes a mode as three octal digits, optionally after a 0: the action-module reference
 * gives the defaults 0666 (CreateFile) and 0777 (CreateFolder) and writes 766, 777 and 0777 in its
 * examples, quoted or not (AWSTOE reads the digits as written, so `permissions: 0755` unquoted is
 * fine). Special modes (setuid, setgid, sticky: a first digit 1 to 7 of four) are rejected when the
 * step runs.
 */
export const permissionsMode: ComponentRule = {
  id: 'RB2018',
  slug: 'permissions-mode',
  severity: 'error',
  description:
    'File modes are three octal digits, optionally after a 0 (0644, 755); AWSTOE rejects special modes such as 2750 when the step runs.',
  appliesTo: 'component',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      if (!MODE_ACTIONS.has(step.action ?? '')) continue;
      asArray(step.step.inputs).forEach((entry, index) => {
        const mode = asRecord(entry).permissions;
        if (typeof mode !== 'string' && typeof mode !== 'number') return;
        const digits = String(mode).trim();
        if (digits.includes('{{') || /^0?[0-7]{3}$/.test(digits)) return;
        const path = [...step.path, 'inputs', index, 'permissions'];
        if (/^[1-7][0-7]{3}$/.test(digits)) {
          hits.push({
            path,
            message: `${digits} is a special mode (setuid, setgid or sticky bit), which AWSTOE rejects when step '${step.name ?? step.stepIndex + 1}' runs. Use ${digits.slice(1)} here, and set the special bit with ExecuteBash (chmod ${digits} <path>).`,
          });
          return;
        }
        hits.push({
          path,
          message: `${JSON.stringify(mode)} is not a file mode; write three octal digits (each 0 to 7), optionally after a 0, e.g. 0644 or 755.`,
        });
      });
    }
    return hits;
  },
};
