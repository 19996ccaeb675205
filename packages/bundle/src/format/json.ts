/** The plan document as JSON: keys sorted, 2-space indent, trailing newline (machines and the report file). */
import { sortKeys } from '../hash.js';
import type { PlanDocument } from './document.js';

function formatPlanJson(doc: PlanDocument): string {
  return `${JSON.stringify(sortKeys({ formatVersion: 1, ...doc }), null, 2)}\n`;
}

export { formatPlanJson };
