import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthAccessTemplate, synthBakeryTemplate } from '@ami-bakery/bakery-stack';
import { bundleRecipe } from '@ami-bakery/recipe-bundler';
import { parse } from 'yaml';
import { type AccountModel, bakeryModel, type Row } from '../src/index.js';
import type { Json } from '../src/resolve.js';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
const BEFORE = path.join(PACKAGE_DIR, 'tests/fixtures/before');

export const REQUIRED = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'data/required.json'), 'utf8')) as Row[];
export const ATTACKS = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'data/attacks.json'), 'utf8')) as Row[];

export function shippedRecipes(): Map<string, Json> {
  const dir = path.join(REPO_ROOT, 'recipes');
  const out = new Map<string, Json>();
  for (const name of readdirSync(dir)
    .filter((n) => existsSync(path.join(dir, n, 'recipe.yaml')))
    .sort()) {
    const result = bundleRecipe(path.join(dir, name), { cwd: REPO_ROOT, sourceCommit: null });
    if (!result.template) throw new Error(`${name} does not bundle`);
    out.set(name, structuredClone(result.template) as Json);
  }
  return out;
}

/** Today's templates: the bakery stack and access template synthesized now, the recipes bundled now. */
export function currentModel(recipes = shippedRecipes()): AccountModel {
  process.env.CDK_VALIDATION = 'false';
  const bakery = synthBakeryTemplate({ formatVersion: 1, sourceCommit: null, recipes: [] } as never) as Json;
  return bakeryModel({ access: synthAccessTemplate() as Json, bakery, recipes });
}

/** The templates before the fixes (fixtures). */
export function beforeModel(): AccountModel {
  const read = (file: string): Json =>
    (file.endsWith('.json')
      ? JSON.parse(readFileSync(path.join(BEFORE, file), 'utf8'))
      : parse(readFileSync(path.join(BEFORE, file), 'utf8'))) as Json;
  const recipes = new Map<string, Json>([
    ['ubuntu-pro-22-04-cis-level1', read('ubuntu-pro-22-04-cis-level1.template.yaml')],
    ['amazon-linux-2023-stig-high', read('amazon-linux-2023-stig-high.template.yaml')],
  ]);
  return bakeryModel({ access: read('access-stack.template.json'), bakery: read('bakery-stack.template.json'), recipes });
}
