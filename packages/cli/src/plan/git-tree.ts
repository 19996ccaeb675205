/**
 * What `bakery plan` asks git about the base: which recipe folders changed since it, which recipes
 * it held, whether the bundling toolchain changed, and the base's `recipes/` tree as files (one
 * `git archive`, read as tar here, so no tar binary is needed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };

/** Runs git in `cwd`; throws with git's message when it fails (the base was resolved before, so this is rare). */
function git(args: readonly string[], cwd: string): string {
  const result = execaSync('git', [...args], { cwd, reject: false, env: GIT_ENV, stripFinalNewline: false, maxBuffer: 512 * 1024 * 1024 });
  if (result.exitCode !== 0 || result.failed)
    throw new Error(`git ${args.join(' ')} failed: ${String(result.stderr).trim() || result.shortMessage}`);
  return String(result.stdout);
}

function gitBytes(args: readonly string[], cwd: string): Uint8Array {
  const result = execaSync('git', [...args], { cwd, reject: false, env: GIT_ENV, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
  if (result.exitCode !== 0 || result.failed)
    throw new Error(
      `git ${args.join(' ')} failed: ${
        Buffer.from(result.stderr as Uint8Array)
          .toString()
          .trim() || result.shortMessage
      }`,
    );
  return result.stdout as Uint8Array;
}

function nulList(text: string): string[] {
  return text.split('\0').filter((s) => s !== '');
}

/** Recipe names (folders under recipes/) with any file changed between `base` and the working tree, untracked files included. */
function changedRecipes(root: string, base: string): Set<string> {
  const paths = [
    ...nulList(git(['diff', '--name-only', '-z', '--no-renames', base, '--', 'recipes'], root)),
    ...nulList(git(['ls-files', '--others', '--exclude-standard', '-z', '--', 'recipes'], root)),
  ];
  const names = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    if (parts[0] === 'recipes' && parts.length >= 3 && parts[1]) names.add(parts[1]);
  }
  return names;
}

/** Recipes (recipes/<name>/recipe.yaml) the base commit holds. */
function baseRecipes(root: string, base: string): Set<string> {
  const names = new Set<string>();
  for (const p of nulList(git(['ls-tree', '-r', '-z', '--name-only', base, '--', 'recipes'], root))) {
    const parts = p.split('/');
    if (parts.length === 3 && parts[2] === 'recipe.yaml' && parts[1]) names.add(parts[1]);
  }
  return names;
}

/** Folders whose change alters every bundle: the schema, the bundler and the generators. */
const TOOLCHAIN = ['packages/recipe-schema', 'packages/recipe-bundler', 'packages/hardening'];

/** True when the bundling toolchain differs between the base and the working tree. */
function toolchainChanged(root: string, base: string): boolean {
  return nulList(git(['diff', '--name-only', '-z', base, '--', ...TOOLCHAIN], root)).length > 0;
}

/** Writes the named recipe folders of the base under `into`/recipes; returns the files written (relative, `/`). */
function extractRecipesAt(root: string, base: string, into: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const tar = gitBytes(['archive', '--format=tar', base, '--', ...names.map((name) => `recipes/${name}`)], root);
  const written: string[] = [];
  for (const entry of readTar(tar)) {
    const safe = entry.path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
    if (!safe || !entry.path.startsWith('recipes/')) continue;
    const target = path.join(into, ...entry.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, entry.data);
    written.push(entry.path);
  }
  return written;
}

interface TarEntry {
  path: string;
  data: Uint8Array;
}

/** Regular files of a ustar/pax archive (as `git archive` writes it). */
function readTar(bytes: Uint8Array): TarEntry[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: TarEntry[] = [];
  let offset = 0;
  let longPath: string | undefined;
  const text = (start: number, length: number) => buffer.toString('utf8', start, start + length).replace(/\0.*$/s, '');
  while (offset + 512 <= buffer.byteLength) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] as number);
    const name = text(offset, 100);
    const prefix = text(offset + 345, 155);
    const dataStart = offset + 512;
    const data = buffer.subarray(dataStart, dataStart + size);
    if (type === 'x') {
      // pax extended header: "<len> path=<value>\n" records for the next entry.
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      longPath = match?.[1];
    } else if (type === '0' || type === '\0') {
      entries.push({ path: longPath ?? (prefix ? `${prefix}/${name}` : name), data: new Uint8Array(data) });
      longPath = undefined;
    } else if (type !== 'g') {
      longPath = undefined;
    }
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
  return entries;
}

export { baseRecipes, changedRecipes, extractRecipesAt, git, readTar, TOOLCHAIN, toolchainChanged };
