import { type Dirent, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkSchema, displayPath, type Finding, formatters, schemaComment, validateRecipeFile } from '@ami-bakery/recipe-schema';
import { type Document, isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { isFailing } from '../findings-output.js';
import { wantsColor } from '../io.js';
import { resolveRecipe } from '../targets.js';

const FIRST_VERSION = '1.0.0';
/** Written fresh for the new recipe; everything else in the source folder is copied. */
const GENERATED = new Set(['recipe.yaml', 'README.md']);
const NEVER_COPIED = new Set(['node_modules', 'dist', 'cdk.out']);
/** The source's image catalog names images of the source recipe; a new recipe has built none. */
const NOT_INHERITED = new Set(['catalog.yaml']);

export default defineCommand({
  name: 'new',
  summary: 'Start a recipe by copying another one, renamed and at version 1.0.0.',
  usage: 'bakery new <NAME> --from <RECIPE>',
  details: [
    'Creates a folder NAME next to the source recipe: recipe.yaml with the new name (comments and',
    'layout kept), version 1.0.0 for the recipe and its local and generated components (they are new',
    'Image Builder components, named after the recipe), and every value derived from the old name',
    'renamed (AMI name, SSM parameter, tags). Components and other files are copied, except',
    "catalog.yaml (its images are the source recipe's); README.md is a fresh",
    'outline to fill in. An existing folder is never touched. The new recipe is validated at the end.',
    '',
    'Exit code: 0 when the new recipe validates clean, 1 when it could not be made or has findings,',
    '2 for a usage error.',
  ].join('\n'),
  options: {
    from: {
      type: 'string',
      valueName: 'RECIPE',
      description: 'Recipe to copy: a name under recipes/, a recipe folder or its recipe.yaml.',
    },
  },
  run(args, io) {
    const [name, ...extra] = args.positionals;
    if (name === undefined) throw new UsageError("new needs the name of the recipe to create. Run 'bakery new --help'.");
    if (extra.length > 0) throw new UsageError(`new takes one name, got: ${args.positionals.join(' ')}`);
    if (args.values.from === undefined) throw new UsageError('new needs --from RECIPE, the recipe to copy');
    const nameProblem = checkSchema('recipe', { name }).find((hit) => hit.path.length === 1 && hit.path[0] === 'name');
    if (nameProblem) throw new UsageError(`invalid recipe name '${name}': ${nameProblem.message}`);
    const sourceDir = resolveRecipe(args.values.from, io);
    const target = path.join(path.dirname(sourceDir), name);
    const shown = (file: string) => displayPath(io.cwd, file);

    const source = validateRecipeFile(path.join(sourceDir, 'recipe.yaml'), { cwd: io.cwd });
    if (source.findings.some(isFailing)) {
      io.stderr.write(`bakery: ${shown(sourceDir)} has errors; fix them before copying it (nothing was created):\n`);
      io.stdout.write(formatters.stylish(source.findings.filter(isFailing), { sources: source.sources, color: wantsColor(io) }));
      return 1;
    }
    const sourceText = readFileSync(path.join(sourceDir, 'recipe.yaml'), 'utf8');
    const doc = parseDocument(sourceText);
    const oldName = doc.get('name');
    if (typeof oldName !== 'string') throw new UsageError(`${shown(sourceDir)}/recipe.yaml has no name to replace`);
    const renamed = rename(doc, oldName, name);
    const reset = resetVersions(doc);

    try {
      // Not recursive: creating the folder is the claim on the name, so an existing one is never written into.
      mkdirSync(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        io.stderr.write(`bakery: ${shown(target)} already exists; choose another name or remove that folder first.\n`);
        return 1;
      }
      throw new UsageError(`cannot create ${shown(target)}: ${(error as Error).message}`, { cause: error });
    }
    const created: string[] = [];
    try {
      const recipeFile = path.join(target, 'recipe.yaml');
      writeFileSync(recipeFile, doc.toString({ lineWidth: 0 }));
      created.push(recipeFile);
      created.push(...copyFolder(sourceDir, target, true));
      const readme = path.join(target, 'README.md');
      writeFileSync(readme, readmeText(name, shown(sourceDir), shown(target), oldName, renamed));
      created.push(readme);
    } catch (error) {
      // A half-made recipe would be picked up by every later command: take it away again.
      rmSync(target, { recursive: true, force: true });
      throw new UsageError(`cannot write ${shown(target)}: ${(error as Error).message}`, { cause: error });
    }

    io.stdout.write(`Created ${shown(target)} from ${shown(sourceDir)}:\n`);
    for (const file of created.sort()) io.stdout.write(`  ${shown(file)}\n`);
    if (renamed.length > 0) io.stdout.write(`Renamed from ${oldName}: ${renamed.join(', ')}\n`);
    io.stdout.write(`Version ${FIRST_VERSION}: ${reset.join(', ')}\n`);

    const result = validateRecipeFile(path.join(target, 'recipe.yaml'), { cwd: io.cwd });
    const findings: Finding[] = result.findings.filter((f) => !f.suppressed);
    io.stdout.write(formatters.stylish(findings, { sources: result.sources, color: wantsColor(io) }));
    if (findings.length > 0) {
      io.stderr.write(`bakery: ${shown(target)} was created but does not validate clean; fix the findings above.\n`);
      return 1;
    }
    return 0;
  },
});

/**
 * Sets `name`, and replaces the old name where another value is derived from it (AMI name, SSM
 * parameter, tags). The parent image and the component references are the source's choices,
 * not its name, and stay. Scalars are edited in place, so their comments and quoting stay.
 */
function rename(doc: Document, oldName: string, newName: string): string[] {
  const renamed: string[] = [];
  // The old name as a whole word: not inside a longer name (`x-name`), but `name-{{ buildDate }}` counts.
  const word = new RegExp(`(?<![a-z0-9-])${oldName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`, 'g');
  const visit = (node: Node | null | undefined, at: (string | number)[]) => {
    if (isScalar(node)) {
      if (at.length === 1 && at[0] === 'name') {
        node.value = newName;
        renamed.push('name');
      } else if (typeof node.value === 'string' && word.test(node.value)) {
        node.value = node.value.replace(word, newName);
        renamed.push(at.join('.'));
      }
      word.lastIndex = 0;
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const here = [...at, key];
        if (here.length === 1 && (key === 'parentImage' || key === 'suppressions')) continue;
        if (here.length === 3 && (here[0] === 'components' || here[0] === 'tests') && ['managed', 'file', 'version'].includes(key))
          continue;
        visit(pair.value as Node | null, here);
      }
      return;
    }
    if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item as Node | null, [...at, index]);
    }
  };
  visit(doc.contents as Node | null, []);
  return renamed;
}

/** The recipe and its local and generated components start over at 1.0.0: they are new Image Builder resources. */
function resetVersions(doc: Document): string[] {
  const reset: string[] = [];
  const set = (at: (string | number)[], label: string) => {
    const node = doc.getIn(at, true);
    if (isScalar(node)) node.value = FIRST_VERSION;
    else doc.setIn(at, FIRST_VERSION);
    reset.push(label);
  };
  set(['version'], 'recipe');
  for (const list of ['components', 'tests']) {
    const entries = doc.get(list, true);
    if (!isSeq(entries)) continue;
    entries.items.forEach((entry, index) => {
      if (!isMap(entry) || !entry.has('version')) return;
      const file = entry.get('file');
      const generator = entry.get('generate');
      const table = entry.get('table');
      if (typeof file === 'string') set([list, index, 'version'], file);
      else if (typeof generator === 'string')
        set([list, index, 'version'], `${generator} (generated${typeof table === 'string' ? ` from ${table}` : ''})`);
    });
  }
  return reset;
}

/** Copies every file below `from` except the ones written fresh; returns the files made. */
function copyFolder(from: string, to: string, top: boolean): string[] {
  const made: string[] = [];
  const entries: Dirent[] = readdirSync(from, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if ((top && (GENERATED.has(entry.name) || NOT_INHERITED.has(entry.name))) || NEVER_COPIED.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(destination);
      made.push(...copyFolder(source, destination, false));
    } else if (entry.isFile()) {
      writeFileSync(destination, withSchemaLine(destination, readFileSync(source)), { flag: 'wx' });
      made.push(destination);
    }
  }
  return made;
}

/**
 * An AWSTOE document gets the `# yaml-language-server: $schema=` line that makes editors check it
 * against the component schema (the copy is otherwise byte for byte the source).
 */
function withSchemaLine(file: string, bytes: Buffer): Buffer {
  if (!/\.ya?ml$/i.test(file)) return bytes;
  const text = bytes.toString('utf8');
  if (/yaml-language-server:\s*\$schema=/.test(text) || !/^(schemaVersion|phases)\s*:/m.test(text)) return bytes;
  return Buffer.from(`${schemaComment('component', path.dirname(file))}\n${text}`, 'utf8');
}

function readmeText(name: string, from: string, folder: string, oldName: string, renamed: readonly string[]): string {
  const values = renamed.filter((p) => p !== 'name');
  return [
    `# ${name}`,
    '',
    `Copied from \`${from}\` by \`bakery new\`. Say here what this image is for, what it hardens`,
    'and who uses it.',
    '',
    '## TODO',
    '',
    '- [ ] Set `description` in recipe.yaml and describe the image in this README.',
    '- [ ] Review the components and tests: they are still those of the copied recipe.',
    values.length > 0
      ? `- [ ] Check the values renamed from \`${oldName}\`: ${values.map((p) => `\`${p}\``).join(', ')}.`
      : `- [ ] Check for values still derived from \`${oldName}\`.`,
    '- [ ] Check the AMI tags, the distribution (regions, launch permissions) and the schedule.',
    `- [ ] Validate, lint and bundle it: \`pnpm bakery build ${folder}\`.`,
    '',
  ].join('\n');
}
