import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord } from '../util.js';
import { stepsOf } from './document.js';

/** Exit codes that make AWSTOE reboot and then run the same step again. */
const REBOOT_EXIT: Readonly<Record<string, RegExp>> = {
  ExecuteBash: /\bexit\s+194\b/,
  ExecutePowerShell: /\bexit\s+3010\b|Exit\(\s*3010\s*\)/i,
};
/** A script that tests for a marker before rebooting is already re-runnable. */
const MARKER_TEST: Readonly<Record<string, RegExp>> = {
  ExecuteBash: /\[\[?\s+-[efsd]\s|\btest\s+-[efsd]\s/,
  ExecutePowerShell: /Test-Path/i,
};

export const rebootIdempotency: ComponentRule = {
  id: 'RB2014',
  slug: 'reboot-idempotency',
  severity: 'info',
  description:
    'A script that exits with a reboot code (194 or 3010) guards its work, because AWSTOE runs the same step again after the reboot.',
  appliesTo: 'component',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      const reboot = REBOOT_EXIT[step.action ?? ''];
      const marker = MARKER_TEST[step.action ?? ''];
      if (!reboot || !marker) continue;
      const script = asArray(asRecord(step.step.inputs).commands)
        .filter((c): c is string => typeof c === 'string')
        .join('\n');
      if (!reboot.test(script) || marker.test(script)) continue;
      hits.push({
        path: [...step.path, 'inputs', 'commands'],
        at: 'key',
        message: `Step '${step.name ?? step.stepIndex + 1}' exits with a reboot code, and AWSTOE runs the same step again after the reboot. Check for a marker file first (create it before rebooting, delete it on the second run) so the work is not repeated forever.`,
      });
    }
    return hits;
  },
};
