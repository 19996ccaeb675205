/**
 * A `GitRunner` for one command run. The version gate and `bump` ask git the same read-only
 * questions for every recipe (where is the work tree, what is the base, what did this file hold
 * at the base); a process per question costs more than validating the recipe. Here each answer
 * is asked once, a folder outside any work tree is answered without starting git, and committed
 * files come from one `ls-tree` per commit and one `cat-file --batch` per top-level folder.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { type GitResult, type GitRunner, runGit } from '@ami-bakery/recipe-bundler';
import { execaSync } from 'execa';

interface TreeEntry {
  type: string;
  oid: string;
  size: number;
}

/** Most bytes one `cat-file --batch` call reads ahead; beyond that files are read one at a time. */
const PREFETCH_LIMIT = 64 * 1024 * 1024;
/** What git says, in GitRunner terms, to a question it cannot answer (no work tree, no such file). */
const FAILED: GitResult = { ok: false, stdout: '' };

export function cachingGit(run: GitRunner = runGit, env: Readonly<Record<string, string | undefined>> = process.env): GitRunner {
  const answers = new Map<string, GitResult>();
  const trees = new Map<string, Map<string, TreeEntry> | undefined>();
  const blobs = new Map<string, string>();
  const prefetched = new Set<string>();
  // GIT_DIR and friends move the repository away from the folder tree: ask git itself.
  const gitEnvSet = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES'].some((name) => env[name] !== undefined);

  const treeOf = (root: string, commit: string): Map<string, TreeEntry> | undefined => {
    const key = `${root}\u0000${commit}`;
    if (!trees.has(key)) {
      const listing = run(['ls-tree', '-r', '-z', '-l', '--full-tree', commit], root);
      trees.set(key, listing.ok ? parseTree(listing.stdout) : undefined);
    }
    return trees.get(key);
  };

  const show = (root: string, commit: string, file: string): GitResult | undefined => {
    const tree = treeOf(root, commit);
    if (tree === undefined) return undefined;
    const entry = tree.get(file);
    if (entry === undefined) {
      // `ls-tree -r` lists files only: a folder's listing is git's to print.
      const folder = `${file.replace(/\/$/, '')}/`;
      for (const name of tree.keys()) if (name.startsWith(folder)) return undefined;
      return FAILED;
    }
    if (entry.type !== 'blob') return undefined;
    if (!blobs.has(entry.oid)) {
      const group = file.includes('/') ? `${file.slice(0, file.indexOf('/'))}/` : file;
      const groupKey = `${root}\u0000${commit}\u0000${group}`;
      if (!prefetched.has(groupKey)) {
        prefetched.add(groupKey);
        let budget = PREFETCH_LIMIT;
        const wanted: string[] = [];
        for (const [name, candidate] of tree) {
          if (candidate.type !== 'blob' || !(name === group || name.startsWith(group)) || blobs.has(candidate.oid)) continue;
          if (candidate.size > budget) continue;
          budget -= candidate.size;
          wanted.push(candidate.oid);
        }
        for (const [oid, text] of catFiles(root, wanted)) blobs.set(oid, text);
      }
      if (!blobs.has(entry.oid)) for (const [oid, text] of catFiles(root, [entry.oid])) blobs.set(oid, text);
    }
    const text = blobs.get(entry.oid);
    return text === undefined ? undefined : { ok: true, stdout: text };
  };

  return (args, cwd) => {
    const holder = gitEnvSet ? undefined : gitHolder(cwd);
    if (!gitEnvSet && holder === undefined) return FAILED;
    const key = `${holder ?? path.resolve(cwd)}\u0000${args.join('\u0000')}`;
    const known = answers.get(key);
    if (known) return known;
    let answer: GitResult | undefined;
    const spec = args.length === 2 && args[0] === 'show' ? /^([0-9a-f]{40,64}):(.+)$/.exec(args[1] ?? '') : null;
    if (spec?.[1] && spec[2]) answer = show(cwd, spec[1], spec[2]);
    answer ??= run(args, cwd);
    answers.set(key, answer);
    return answer;
  };
}

/** The nearest folder at or above `cwd` holding a `.git` folder or file (worktrees and submodules have a file). */
function gitHolder(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    try {
      statSync(path.join(dir, '.git'));
      return dir;
    } catch {
      // not here; look further up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `ls-tree -r -z -l` records: `<mode> <type> <oid> <size>\t<path>\0`. */
function parseTree(stdout: string): Map<string, TreeEntry> {
  const tree = new Map<string, TreeEntry>();
  for (const record of stdout.split('\u0000')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [, type, oid, size] = record.slice(0, tab).split(/ +/);
    if (type === undefined || oid === undefined) continue;
    tree.set(record.slice(tab + 1), { type, oid, size: Number(size) || 0 });
  }
  return tree;
}

/** Contents of blobs by object id; any failure leaves them out (the caller then asks `git show`). */
function catFiles(root: string, oids: readonly string[]): Map<string, string> {
  const contents = new Map<string, string>();
  if (oids.length === 0) return contents;
  const result = execaSync('git', ['cat-file', '--batch'], {
    cwd: root,
    input: `${oids.join('\n')}\n`,
    encoding: 'buffer',
    reject: false,
    stripFinalNewline: false,
    maxBuffer: PREFETCH_LIMIT * 2,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  if (result.exitCode !== 0 || !(result.stdout instanceof Uint8Array)) return contents;
  const out = Buffer.from(result.stdout);
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const [oid, type, size] = out.subarray(at, eol).toString('utf8').split(' ');
    if (type === 'missing' || oid === undefined || size === undefined) {
      at = eol + 1;
      continue;
    }
    const length = Number(size);
    contents.set(oid, out.subarray(eol + 1, eol + 1 + length).toString('utf8'));
    at = eol + 1 + length + 1;
  }
  return contents;
}
