/**
 * Everything docs/security.md renders, evaluated against today's templates: the two tables and
 * every handler request of the recipe deploy role (the same inputs the access-path and deploy-role
 * tests check).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  type DocInputs,
  evaluate,
  type HandlerRequest,
  handlerRequests,
  type Outcome,
  outcomesOf,
  requestRow,
  type SkippedPermission,
} from '../src/index.js';
import { ATTACKS, currentModel, currentTemplates, FIXTURE_RECIPES, PACKAGE_DIR, REPO_ROOT, REQUIRED, shippedRecipes } from './helpers.js';

export const SECURITY_DOC = path.join(REPO_ROOT, 'docs/security.md');

export async function docInputs(): Promise<DocInputs> {
  const shipped = shippedRecipes();
  const workflow = parse(readFileSync(path.join(PACKAGE_DIR, 'tests/fixtures/templates/custom-workflow.template.yaml'), 'utf8'));
  const all = new Map([...shipped, ...shippedRecipes(FIXTURE_RECIPES), ['custom-workflow', workflow]]);
  const model = currentModel(currentTemplates(all));
  // The tables run over the shipped recipes only, as the access-path test does.
  const names = [...shipped.keys()];
  const required = await Promise.all(REQUIRED.map(async (row) => ({ row, outcomes: await outcomesOf(model, row, names) })));
  const attacks = await Promise.all(ATTACKS.map(async (row) => ({ row, outcomes: await outcomesOf(model, row, names) })));
  const requests: HandlerRequest[] = [];
  const skipped: SkippedPermission[] = [];
  for (const recipe of all.keys()) {
    const found = handlerRequests(model.stacks.get(`recipe:${recipe}`) as NonNullable<ReturnType<typeof model.stacks.get>>, recipe);
    requests.push(...found.requests);
    skipped.push(...found.skipped);
  }
  const decisions = new Map<HandlerRequest, Outcome>();
  for (const request of requests) decisions.set(request, await evaluate(model, requestRow(request)));
  return { required, attacks, requests, skipped, decisions };
}
