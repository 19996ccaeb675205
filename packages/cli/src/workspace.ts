import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { displayPath, ENGINE_RULES, type Finding, hitToFinding, parseYaml, readInputFile } from '@ami-bakery/recipe-schema';

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

/** A recipe folder and the `name:` its recipe.yaml gives (the folder's name when it gives none it can be read by). */
export interface NamedRecipe {
  dir: string;
  name: string;
}

/** A top-level `name:` line: the fast path; anything else is parsed. */
const NAME_LINE = /^name:[ \t]*(?:"([^"\\\n]*)"|'([^'\n]*)'|([^\s'"#&*!|>{[][^\n#]*?))[ \t]*(?:#[^\n]*)?\r?$/m;

/** The recipe name `recipe.yaml` in `dir` gives, read like any input (regular file inside the folder); undefined when it gives none. */
export function recipeNameOf(dir: string): string | undefined {
  const read = readInputFile(path.join(dir, 'recipe.yaml'), { root: dir });
  if (!read.ok) return undefined;
  const match = NAME_LINE.exec(read.text);
  if (match) return match[1] ?? match[2] ?? match[3];
  const data = parseYaml(read.text, 'recipe.yaml').parsed.data as { name?: unknown } | null | undefined;
  return typeof data?.name === 'string' ? data.name : undefined;
}

/**
 * The names of the recipe folders: the workspace's `recipes/*` and any other folders a command
 * was given, each once. Used for unique names, for which recipes a bundle lacks (partial) and
 * for which leave it.
 */
export class RecipeNames {
  readonly #byDir = new Map<string, string>();

  constructor(root: string | undefined, extraDirs: readonly string[] = []) {
    const dirs = [...(root ? workspaceRecipes(root).map((file) => path.dirname(file)) : []), ...extraDirs];
    for (const dir of dirs) {
      const absolute = path.resolve(dir);
      if (this.#byDir.has(absolute)) continue;
      this.#byDir.set(absolute, recipeNameOf(absolute) ?? path.basename(absolute));
    }
  }

  /** Names of the workspace's recipe folders (and the extra ones), sorted, each once. */
  names(): string[] {
    return [...new Set(this.#byDir.values())].sort();
  }

  /** The other folders whose recipe has the same name as the one in `dir`. */
  othersNamedLike(dir: string): string[] {
    const absolute = path.resolve(dir);
    const name = this.#byDir.get(absolute) ?? recipeNameOf(absolute);
    if (name === undefined) return [];
    return [...this.#byDir].filter(([other, otherName]) => other !== absolute && otherName === name).map(([other]) => other);
  }

  /** Every name more than one folder gives, with those folders. */
  duplicates(): NamedRecipe[][] {
    const groups = new Map<string, NamedRecipe[]>();
    for (const [dir, name] of this.#byDir) groups.set(name, [...(groups.get(name) ?? []), { dir, name }]);
    return [...groups.values()].filter((group) => group.length > 1).map((group) => group.sort((a, b) => (a.dir < b.dir ? -1 : 1)));
  }

  /**
   * RB0023 on `recipe.yaml` in `dir` when another folder gives the same name, naming both
   * folders: their bundles, stacks and Image Builder resources would overwrite each other.
   */
  findings(dir: string, cwd: string): Finding[] {
    const others = this.othersNamedLike(dir);
    if (others.length === 0) return [];
    const file = path.join(dir, 'recipe.yaml');
    const display = displayPath(cwd, file);
    const read = readInputFile(file, { root: dir });
    if (!read.ok) return [];
    const parsed = parseYaml(read.text, display).parsed;
    const name = this.#byDir.get(path.resolve(dir)) ?? recipeNameOf(dir);
    const folders = [dir, ...others].map((d) => displayPath(cwd, d)).sort();
    return [
      hitToFinding(
        ENGINE_RULES.duplicateRecipeName,
        {
          path: ['name'],
          message: `Recipe name '${name}' is given by ${folders.length} folders: ${folders.join(' and ')}. Each recipe folder needs its own name (its bundle folder, stack and Image Builder resources are named after it); rename one.`,
        },
        parsed,
      ),
    ];
  }
}
