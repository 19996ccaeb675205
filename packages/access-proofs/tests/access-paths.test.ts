/**
 * The two access tables (data/required.json, data/attacks.json) evaluated with real IAM policy
 * logic against the synthesized bakery stack, the access StackSet template and every shipped
 * recipe template: every required access is Allowed, every attack is Denied. A failing row
 * prints the request and the statements that decided it. A row marked `knownDefect` is wrong
 * today for a reason another change fixes: the test expects the wrong outcome, so the row fails
 * (and asks for the mark to go) as soon as the fix lands.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type AccountModel, describeOutcome, evaluate, type Row } from '../src/index.js';
import { ATTACKS, currentModel, REQUIRED, shippedRecipes } from './helpers.js';

let model: AccountModel;
let recipes: string[];

beforeAll(() => {
  const templates = shippedRecipes();
  recipes = [...templates.keys()];
  model = currentModel(templates);
});

async function outcomes(row: Row) {
  if (!row.principal.includes('{Recipe}') && !row.resource.includes('${Recipe') && !row.resource.includes('${OtherRecipe'))
    return [await evaluate(model, row)];
  const targets = row.recipes ?? recipes;
  return Promise.all(
    targets.map((recipe) => {
      const other = recipes.find((candidate) => candidate !== recipe);
      return evaluate(model, row, recipe, other);
    }),
  );
}

describe('Access paths: every required access is Allowed', () => {
  it.each(REQUIRED.map((row) => [row.id, row] as const))('%s', async (_, row) => {
    const results = await outcomes(row);
    const wanted = row.knownDefect ? 'denied (known defect)' : 'Allowed';
    const wrong = results.filter((o) => (o.decision === 'Allowed') === Boolean(row.knownDefect));
    expect(wrong.map((o) => describeOutcome(o, row.knownDefect ? `a denial until fixed: ${row.knownDefect}` : wanted))).toEqual([]);
  });
});

describe('Access paths: every attack is Denied', () => {
  it.each(ATTACKS.map((row) => [row.id, row] as const))('%s', async (_, row) => {
    const results = await outcomes(row);
    const wrong = results.filter((o) => (o.decision !== 'Allowed') === Boolean(row.knownDefect) || o.decision === 'Error');
    expect(wrong.map((o) => describeOutcome(o, row.knownDefect ? `Allowed until fixed: ${row.knownDefect}` : 'Denied'))).toEqual([]);
  });
});

describe('Access paths: the tables', () => {
  it('have unique ids and a title each', () => {
    const ids = [...REQUIRED, ...ATTACKS].map((row) => row.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect([...REQUIRED, ...ATTACKS].filter((row) => row.title.trim() === '').map((row) => row.id)).toEqual([]);
  });
});
