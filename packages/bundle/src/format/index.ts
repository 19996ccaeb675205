import type { PlanDocument } from './document.js';
import { formatPlanJson } from './json.js';
import { formatPlanMarkdown } from './markdown.js';
import { formatPlanStylish } from './stylish.js';

type PlanFormat = 'stylish' | 'json' | 'markdown';

const PLAN_FORMATS: readonly PlanFormat[] = ['stylish', 'json', 'markdown'];

function formatPlan(doc: PlanDocument, format: PlanFormat): string {
  if (format === 'json') return formatPlanJson(doc);
  if (format === 'markdown') return formatPlanMarkdown(doc);
  return formatPlanStylish(doc);
}

export {
  type DocumentInput,
  type PlanDocument,
  type PlanDocumentRecipe,
  planDocument,
  type RecipeOutcome,
  summaryLine,
} from './document.js';
export { formatPlanJson } from './json.js';
export { formatPlanMarkdown } from './markdown.js';
export { formatPlanStylish } from './stylish.js';
export { formatPlan, PLAN_FORMATS, type PlanFormat };
