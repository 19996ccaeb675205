/**
 * `bakery bump`: raises the recipe version and the versions of local components whose documents
 * changed since the git base, in recipe.yaml. Only the version scalars change: their positions
 * come from the yaml Document, and the new text is spliced into the original bytes, so comments,
 * quoting, blank lines and indentation stay exactly as the author wrote them (re-rendering the
 * Document would normalise the whole file).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { describeReadProblem, displayPath, readInputFile } from '@ami-bakery/recipe-schema';
import { isScalar, parseDocument, Scalar } from 'yaml';
import { RECIPE_FILE } from './bundle.js';
import { compareWithBase, type RecipeComparison } from './compare.js';
import { BumpError, ConcurrentEditError, InvalidArgumentError } from './errors.js';
import { writeAtomic } from './fs-util.js';
import { type GitRunner, resolveBase, runGit } from './git.js';
import { type BumpLevel, bumpSemVer, compareSemVer, formatSemVer, parseSemVer, type SemVer } from './semver.js';

export interface BumpOptions {
  level: BumpLevel;
  /** Git ref to compare with; same default as the version gate. */
  base?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  git?: GitRunner;
}

export interface VersionChange {
  /** JSON path of the version in recipe.yaml. */
  path: (string | number)[];
  /** What the version belongs to: `recipe` or the component's path relative to the recipe folder. */
  subject: string;
  from: string;
  to: string;
}

export interface BumpResult {
  /** recipe.yaml, relative to cwd. */
  file: string;
  /** The base compared with, or undefined when none could be resolved (then only the recipe is bumped). */
  base: string | undefined;
  changes: VersionChange[];
  /** False when every version was already high enough. */
  written: boolean;
}

const LEVELS: readonly BumpLevel[] = ['major', 'minor', 'patch'];

export function bumpRecipe(recipeDir: string, options: BumpOptions): BumpResult {
  if (!LEVELS.includes(options.level)) throw new InvalidArgumentError(`Bump level must be one of ${LEVELS.join(', ')}`);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const git = options.git ?? runGit;
  const dir = path.resolve(cwd, recipeDir);
  const recipePath = path.join(dir, RECIPE_FILE);
  const display = displayPath(cwd, recipePath);
  const original = readOrThrow(recipePath, display);

  const doc = parseDocument(original);
  if (doc.errors.length > 0) throw new BumpError(`${display} is not valid YAML; fix it (bakery validate) before bumping`);

  const resolved = resolveBase(dir, { base: options.base, env: options.env, git });
  const comparison: RecipeComparison | undefined = resolved.ok
    ? compareWithBase(recipePath, display, original, resolved.base, git)
    : undefined;

  const currentRecipeVersion = parseSemVer(doc.get('version'));
  if (!currentRecipeVersion) throw new BumpError(`${display} has no valid version (MAJOR.MINOR.PATCH) to bump`);

  const changes: VersionChange[] = [];
  const edits: Edit[] = [];
  const plan = (versionPath: (string | number)[], subject: string, current: SemVer, from: SemVer | undefined) => {
    // Bumping from the base version makes the command idempotent: a second run changes nothing.
    const target = bumpSemVer(from ?? current, options.level);
    if (compareSemVer(current, target) >= 0) return;
    const node = doc.getIn(versionPath, true);
    if (!isScalar(node) || !node.range) throw new BumpError(`${display}: cannot locate ${versionPath.join('.')}`);
    edits.push({ start: node.range[0], end: node.range[1], text: renderLike(node, formatSemVer(target)) });
    changes.push({ path: versionPath, subject, from: formatSemVer(current), to: formatSemVer(target) });
  };

  for (const component of comparison?.components ?? []) {
    if (component.isNew || !component.contentChanged || !component.version) continue;
    plan([component.list, component.index, 'version'], component.relPath, component.version, component.baseVersion);
  }
  const recipeFrom = comparison && !comparison.isNew ? comparison.baseVersion : undefined;
  plan(['version'], 'recipe', currentRecipeVersion, recipeFrom);
  changes.sort((a, b) => (a.subject === 'recipe' ? -1 : b.subject === 'recipe' ? 1 : 0));

  const result: BumpResult = { file: display, base: resolved.ok ? resolved.base.ref : undefined, changes, written: false };
  if (edits.length === 0) return result;

  const updated = applyEdits(original, edits);
  // Never overwrite what we have not seen: the file must still be what we parsed.
  if (readOrThrow(recipePath, display) !== original) throw new ConcurrentEditError(display);
  writeBack(recipePath, updated);
  return { ...result, written: true };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** The new version in the same quoting style as the old one. */
function renderLike(node: Scalar, value: string): string {
  if (node.type === Scalar.QUOTE_DOUBLE) return `"${value}"`;
  if (node.type === Scalar.QUOTE_SINGLE) return `'${value}'`;
  return value;
}

function readOrThrow(file: string, display: string): string {
  const read = readInputFile(file, { root: path.dirname(file) });
  if (!read.ok) throw new BumpError(describeReadProblem(read.problem, display));
  return read.text;
}

function writeBack(file: string, content: string): void {
  try {
    writeAtomic(file, content, statSync(file).mode);
  } catch (cause) {
    throw new BumpError(`Cannot write ${file}`, { cause });
  }
}
