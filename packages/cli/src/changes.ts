/**
 * What changed in a recipe folder since a git commit, in the version gate's terms: the recipe
 * without its `version`, and each local component document, compared in canonical form, so a
 * comment or whitespace edit is no change. `bump` refuses to raise versions when nothing changed.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson, canonicalYaml, type GitRunner } from '@ami-bakery/recipe-bundler';
import { parseYaml } from '@ami-bakery/recipe-schema';

export type Changes =
  /** The recipe is not in the commit: nothing to compare with. */
  | { kind: 'new' }
  /** Files (relative to the recipe folder) whose content differs; empty when none does. */
  | { kind: 'compared'; changed: string[] };

/** undefined when git cannot answer or the recipe does not parse (the caller reports that). */
export function changesSince(recipeDir: string, commit: string, git: GitRunner): Changes | undefined {
  const top = git(['rev-parse', '--show-toplevel'], recipeDir);
  if (!top.ok || top.stdout.trim() === '') return undefined;
  const root = realpath(top.stdout.trim());
  const committed = (file: string): string | undefined => {
    const relative = path.relative(root, realpath(file)).split(path.sep).join('/');
    if (relative.startsWith('..')) return undefined;
    const shown = git(['show', `${commit}:${relative}`], root);
    return shown.ok ? shown.stdout : undefined;
  };

  const recipeFile = path.join(recipeDir, 'recipe.yaml');
  const current = readText(recipeFile);
  if (current === undefined) return undefined;
  const parsed = parseYaml(current, 'recipe.yaml');
  if (!parsed.ok) return undefined;
  const baseText = committed(recipeFile);
  if (baseText === undefined) return { kind: 'new' };
  const base = parseYaml(baseText, 'recipe.yaml');

  const changed: string[] = [];
  const recipe = asRecord(parsed.parsed.data);
  if (!base.ok || canonicalJson(withoutVersion(recipe)) !== canonicalJson(withoutVersion(asRecord(base.parsed.data))))
    changed.push('recipe.yaml');
  for (const file of localFiles(recipe)) {
    const absolute = path.resolve(recipeDir, file);
    const now = readText(absolute);
    const then = committed(absolute);
    const canonical = (text: string | undefined) => (text === undefined ? undefined : (canonicalYaml(text) ?? text));
    if (now === undefined || canonical(now) !== canonical(then)) changed.push(path.posix.normalize(file));
  }
  return { kind: 'compared', changed };
}

function localFiles(recipe: Record<string, unknown>): string[] {
  const files = new Set<string>();
  for (const list of ['components', 'tests']) {
    const entries = Array.isArray(recipe[list]) ? (recipe[list] as unknown[]) : [];
    for (const entry of entries) {
      const file = asRecord(entry).file;
      if (typeof file === 'string' && file !== '') files.add(file);
    }
  }
  return [...files];
}

function withoutVersion(recipe: Record<string, unknown>): Record<string, unknown> {
  const { version: _version, ...rest } = recipe;
  return rest;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function realpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
