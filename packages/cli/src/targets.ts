/**
 * The PATH arguments of `lint`, `bundle` and `build`: recipe folders (or their recipe.yaml),
 * folders holding recipes, and for `lint` CloudFormation templates that already exist.
 */
import path from 'node:path';
import { closest } from '@ami-bakery/recipe-schema';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { kindOf, RECIPE_FILE, walkFolder } from './walk.js';
import { findWorkspaceRoot, workspaceRecipes } from './workspace.js';

export interface Targets {
  /** Absolute recipe folders, in argument order, then sorted within a walked folder. */
  recipes: string[];
  /** Absolute template files (only when templates are accepted). */
  templates: string[];
}

/** `x.template.json`, `x.template.yaml`, and the bundle's own `template.yaml`. */
const TEMPLATE_FILE = /(?:^|\.)template\.(?:json|ya?ml)$/i;

export function isTemplateFile(file: string): boolean {
  return TEMPLATE_FILE.test(path.basename(file));
}

export function resolveTargets(paths: readonly string[], io: Io, options: { templates: boolean }): Targets {
  const targets: Targets = { recipes: [], templates: [] };
  if (paths.length === 0) {
    targets.recipes = workspaceRecipes(workspaceRootOf(io, 'name the recipes')).map((file) => path.dirname(file));
    if (targets.recipes.length === 0) io.stderr.write(`bakery: no recipes/*/recipe.yaml under ${findWorkspaceRoot(io.cwd)}\n`);
    return targets;
  }
  const seen = new Set<string>();
  const add = (list: string[], absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    list.push(absolute);
  };
  for (const given of paths) {
    const named = namedRecipe(given, io.cwd);
    if (named !== undefined) {
      add(targets.recipes, named);
      continue;
    }
    const absolute = path.resolve(io.cwd, given);
    const kind = kindOf(absolute);
    if (kind === undefined) throw new UsageError(notFound(given, io.cwd));
    if (kind === 'file') {
      if (path.basename(absolute) === RECIPE_FILE) add(targets.recipes, path.dirname(absolute));
      else if (options.templates && isTemplateFile(absolute)) add(targets.templates, absolute);
      else
        throw new UsageError(
          `${given} is not a recipe.yaml${options.templates ? ' or a CloudFormation template (*.template.json, template.yaml)' : ''}`,
        );
      continue;
    }
    const before = targets.recipes.length + targets.templates.length;
    walkFolder(absolute, (name) => options.templates && isTemplateFile(name), {
      recipe: (dir) => add(targets.recipes, dir),
      file: (file) => add(targets.templates, file),
    });
    if (targets.recipes.length + targets.templates.length === before && !alreadyCovered(absolute, seen)) {
      throw new UsageError(`no recipe${options.templates ? ' or CloudFormation template' : ''} under ${given}`);
    }
  }
  return targets;
}

/** The workspace root; `what` tells the user what to pass instead when there is none. */
export function workspaceRootOf(io: Io, what: string): string {
  const root = findWorkspaceRoot(io.cwd);
  if (root === undefined) throw new UsageError(`no pnpm-workspace.yaml at or above ${io.cwd}; ${what}`);
  return root;
}

/** A folder whose recipes were all named before (e.g. `recipes/a recipes`) is not an empty folder. */
function alreadyCovered(dir: string, seen: ReadonlySet<string>): boolean {
  const prefix = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
  return [...seen].some((item) => item === dir || item.startsWith(prefix));
}

/** One recipe named on the command line: its folder, its recipe.yaml, or its name under `recipes/`. */
export function resolveRecipe(given: string, io: Io): string {
  const absolute = path.resolve(io.cwd, given);
  const kind = kindOf(absolute);
  if (kind === 'file' && path.basename(absolute) === RECIPE_FILE) return path.dirname(absolute);
  if (kind === 'folder' && kindOf(path.join(absolute, RECIPE_FILE)) === 'file') return absolute;
  const named = namedRecipe(given, io.cwd);
  if (named !== undefined) return named;
  throw new UsageError(
    `no recipe '${given}': name a recipe folder, its recipe.yaml, or a recipe under recipes/.${suggestRecipe(given, io.cwd)}`,
  );
}

/**
 * A bare recipe name (`al2023-stig`) that is not a path here but names `recipes/<name>/` of the
 * workspace: every command that takes a recipe path takes its name too.
 */
export function namedRecipe(given: string, cwd: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(given) || kindOf(path.resolve(cwd, given)) !== undefined) return undefined;
  const root = findWorkspaceRoot(cwd);
  if (root === undefined) return undefined;
  const dir = path.join(root, 'recipes', given);
  return kindOf(path.join(dir, RECIPE_FILE)) === 'file' ? dir : undefined;
}

/** The usage error for a PATH argument that is neither a path nor a recipe name, with a did-you-mean. */
export function notFound(given: string, cwd: string): string {
  return `no such file, folder or recipe: ${given}.${suggestRecipe(given, cwd)}`;
}

function suggestRecipe(given: string, cwd: string): string {
  const root = findWorkspaceRoot(cwd);
  if (root === undefined) return '';
  const names = workspaceRecipes(root).map((file) => path.basename(path.dirname(file)));
  const best = closest(path.basename(given.replace(/[\\/]recipe\.ya?ml$/, '').replace(/[\\/]+$/, '')), names);
  return best ? ` Did you mean '${best}'?` : '';
}
