import path from 'node:path';
import {
  type BumpLevel,
  bumpRecipe,
  compareWithBase,
  RecipeBundlerError,
  type RecipeComparison,
  resolveBase,
} from '@ami-bakery/recipe-bundler';
import { displayPath, readInputFile } from '@ami-bakery/recipe-schema';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { BASE_OPTION, versionGate } from '../gate.js';
import { resolveRecipe } from '../targets.js';

export default defineCommand({
  name: 'bump',
  summary: 'Raise the version of a recipe and of each local component that changed since the git base.',
  usage: 'bakery bump <RECIPE> [--major | --minor | --patch] [--base REF]',
  details: [
    'RECIPE is a recipe name (recipes/<name>), a recipe folder or its recipe.yaml. Image Builder',
    'versions are immutable: a component whose content changed since the base gets a new version,',
    'and so does the recipe. Versions are raised from their value at the base, so running bump',
    'twice changes nothing the second time. Only the version values in recipe.yaml change; its',
    'comments and layout stay as they are.',
    '',
    'Exit code: 0 when versions were raised or already were high enough, 1 when nothing changed',
    'since the base (or the recipe is new there), 2 for a usage error.',
  ].join('\n'),
  options: {
    major: { type: 'boolean', description: 'Raise the major version (x.0.0).' },
    minor: { type: 'boolean', description: 'Raise the minor version (1.x.0).' },
    patch: { type: 'boolean', description: 'Raise the patch version (1.0.x); the default.' },
    base: BASE_OPTION,
  },
  run(args, io) {
    const [given, ...extra] = args.positionals;
    if (given === undefined) throw new UsageError("bump needs the recipe to bump. Run 'bakery bump --help'.");
    if (extra.length > 0) throw new UsageError(`bump takes one recipe, got: ${args.positionals.join(' ')}`);
    const levels = (['major', 'minor', 'patch'] as const).filter((level) => args.values[level] === true);
    if (levels.length > 1)
      throw new UsageError(`choose one of --major, --minor, --patch, not ${levels.map((l) => `--${l}`).join(' and ')}`);
    const level: BumpLevel = levels[0] ?? 'patch';
    const dir = resolveRecipe(given, io);
    const recipePath = path.join(dir, 'recipe.yaml');
    const recipeFile = displayPath(io.cwd, recipePath);
    const { git } = versionGate(args.values.base, io);

    const resolved = resolveBase(dir, { base: args.values.base, env: io.env, git });
    if (resolved.ok) {
      // The version gate's own comparison, so bump refuses exactly when the gate would ask for nothing.
      // Read like any input (a regular UTF-8 file inside the recipe folder); bumpRecipe below reports any other.
      const read = readInputFile(recipePath, { root: dir });
      const text = read.ok ? read.text : undefined;
      const comparison = text === undefined ? undefined : compareWithBase(recipePath, recipeFile, text, resolved.base, git);
      if (comparison?.isNew && !comparison.baseUnparsable) {
        io.stderr.write(`bakery: ${recipeFile} is new since ${resolved.base.ref}: its first version needs no bump.\n`);
        return 1;
      }
      if (comparison !== undefined && !comparison.isNew && unchanged(comparison)) {
        io.stderr.write(
          `bakery: nothing in ${displayPath(io.cwd, dir)} changed since ${resolved.base.ref} (comments and layout do not count); there is nothing to bump.\n`,
        );
        return 1;
      }
    } else {
      io.stderr.write(`bakery: no git base (${resolved.reason}); bumping the recipe version only.\n`);
    }

    let result: ReturnType<typeof bumpRecipe>;
    try {
      result = bumpRecipe(dir, { level, base: args.values.base, cwd: io.cwd, env: io.env, git });
    } catch (error) {
      // A recipe that does not parse or has no version, or a file changed under our feet.
      if (error instanceof RecipeBundlerError) {
        io.stderr.write(`bakery: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const against = result.base === undefined ? '' : ` (compared with ${result.base})`;
    if (!result.written) {
      io.stdout.write(`${result.file}: every changed version is already above its value at the base${against}; nothing to bump.\n`);
      return 0;
    }
    const width = Math.max(...result.changes.map((change) => change.subject.length));
    const lines = result.changes.map((change) => `  ${change.subject.padEnd(width)}  ${change.from} → ${change.to}\n`);
    io.stdout.write(`Bumped ${result.file}${against}:\n${lines.join('')}`);
    return 0;
  },
});

/** A component document missing at base or now counts as changed: bumping the recipe is still due. */
function unchanged(comparison: RecipeComparison): boolean {
  return !comparison.contentChanged && comparison.components.every((component) => !component.isNew && !component.contentChanged);
}
