import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The workspace root: the nearest folder at or above `from` holding `pnpm-workspace.yaml`. */
export function findWorkspaceRoot(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Every `recipes/<name>/recipe.yaml` under the workspace root, sorted by recipe name. */
export function workspaceRecipes(root: string): string[] {
  const recipesDir = path.join(root, 'recipes');
  let entries: string[];
  try {
    entries = readdirSync(recipesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
  return entries
    .sort()
    .map((name) => path.join(recipesDir, name, 'recipe.yaml'))
    .filter((file) => existsSync(file));
}
