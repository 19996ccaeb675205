/**
 * Reading, rendering and committing `recipes/<name>/catalog.yaml`. A change is one git commit of
 * that file alone. The command refuses when the file has changes that are not committed (it would
 * commit work it has not read as its own), and when the file changes between reading and writing;
 * the file is replaced by one rename, and put back when the commit fails.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type CatalogFile,
  type CatalogIssue,
  catalogPathText,
  checkCatalogFile,
  compareCodeUnits,
  compareImageVersions,
} from '@ami-bakery/bundle';
import { execa } from 'execa';
import { Document, parse } from 'yaml';

const CATALOG_FILE = 'catalog.yaml';

/** The command cannot go on; the message says why and what to do (exit 1). */
class CatalogChangeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CatalogChangeError';
  }
}

interface ReadCatalog {
  /** Absolute path of catalog.yaml. */
  readonly absolute: string;
  /** The bytes read, or undefined when there is no file. */
  readonly bytes: Buffer | undefined;
  readonly file: CatalogFile;
}

/** Reads the recipe's catalog.yaml (none: an empty catalog). A file that is not a valid catalog is refused. */
function readCatalog(recipeDir: string, declaredChannels: readonly string[], display: string): ReadCatalog {
  const absolute = path.join(recipeDir, CATALOG_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new CatalogChangeError(`cannot read ${display}: ${(error as Error).message}`);
  }
  if (bytes === undefined) return { absolute, bytes, file: { channels: {}, revoked: [] } };
  let data: unknown;
  try {
    data = parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CatalogChangeError(
      `${display} is not YAML (${(error as Error).message.split('\n')[0]}); run bakery validate and fix it first`,
    );
  }
  const checked = checkCatalogFile(data, declaredChannels);
  if (!checked.file)
    throw new CatalogChangeError(`${display} is not a valid catalog; run bakery validate and fix it first:\n${issuesText(checked.issues)}`);
  return { absolute, bytes, file: checked.file };
}

function issuesText(issues: readonly CatalogIssue[]): string {
  return issues.map((issue) => `  ${catalogPathText(issue.path)}: ${issue.message}`).join('\n');
}

/** The file as the CLI writes it: a header, channels sorted by name, revoked images by version. */
function renderCatalog(recipe: string, file: CatalogFile): string {
  const channels: Record<string, unknown> = {};
  for (const name of Object.keys(file.channels).sort(compareCodeUnits)) {
    const entry = file.channels[name];
    if (!entry) continue;
    channels[name] = {
      image: entry.image,
      amis: sortedAmis(entry.amis),
      ...(entry.score !== undefined ? { score: entry.score } : {}),
      promotedAt: entry.promotedAt,
    };
  }
  const revoked = [...file.revoked]
    .sort((a, b) => compareImageVersions(a.image, b.image))
    .map((r) => ({ image: r.image, amis: sortedAmis(r.amis), reason: r.reason, disable: r.disable, revokedAt: r.revokedAt }));
  const doc = new Document({ channels, revoked });
  doc.commentBefore = [
    ` Image catalog of ${recipe}: where each channel points and which images are revoked.`,
    ' Written by bakery promote, revoke and unrevoke; the deployer applies it once merged (README,',
    ' "Rolling images out and back"). The candidate channel follows every successful build by itself.',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

function sortedAmis(amis: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(amis).sort(([a], [b]) => compareCodeUnits(a, b)));
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };

async function git(args: readonly string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const result = await execa('git', [...args], { cwd, reject: false, env: GIT_ENV, stripFinalNewline: false });
  return { ok: result.exitCode === 0 && !result.failed, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '').trim() };
}

/** The work tree's root, or a refusal: the change is a commit. */
async function workTreeOf(dir: string): Promise<string> {
  const top = await git(['rev-parse', '--show-toplevel'], dir);
  if (!top.ok) throw new CatalogChangeError(`${dir} is not in a git work tree: a catalog change is a commit, reviewed like any other`);
  return top.stdout.trim();
}

/** Refuses when the file differs from HEAD in the index or the work tree (uncommitted work the command did not make). */
async function ensureCommitted(root: string, absolute: string, display: string): Promise<void> {
  const relative = path.relative(root, absolute).split(path.sep).join('/');
  const status = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', relative], root);
  if (!status.ok) throw new CatalogChangeError(`git status -- ${relative} failed: ${status.stderr}`);
  if (status.stdout.replace(/\0/g, '').trim() !== '') {
    throw new CatalogChangeError(
      `${display} has changes that are not committed; commit or discard them first (git diff -- ${relative}), then run the command again. It commits the file, so it never takes in work it did not make.`,
    );
  }
}

interface CommitResult {
  readonly commit: string;
}

/**
 * Writes `text` to the catalog file and commits that file alone with `message`. `read` is what
 * the command read: if the file no longer holds it, nothing is written. A failed commit puts the
 * file back as it was.
 */
async function writeAndCommit(read: ReadCatalog, text: string, message: string, display: string): Promise<CommitResult> {
  const root = await workTreeOf(path.dirname(read.absolute));
  await ensureCommitted(root, read.absolute, display);
  let now: Buffer | undefined;
  try {
    now = readFileSync(read.absolute);
  } catch {
    now = undefined;
  }
  const same = now === undefined ? read.bytes === undefined : read.bytes !== undefined && now.equals(read.bytes);
  if (!same) throw new CatalogChangeError(`${display} changed while the command ran; run it again`);
  const temporary = `${read.absolute}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, read.absolute);
  const relative = path.relative(root, read.absolute).split(path.sep).join('/');
  const added = await git(['add', '--', relative], root);
  const committed = added.ok ? await git(['commit', '-q', '-m', message, '--', relative], root) : added;
  if (!committed.ok) {
    restore(read);
    await git(['reset', '-q', '--', relative], root);
    throw new CatalogChangeError(`git commit of ${display} failed, the file is as it was: ${committed.stderr || 'no message'}`);
  }
  const head = await git(['rev-parse', 'HEAD'], root);
  return { commit: head.stdout.trim() };
}

function restore(read: ReadCatalog): void {
  if (read.bytes === undefined) {
    rmSync(read.absolute, { force: true });
    return;
  }
  const temporary = `${read.absolute}.${process.pid}.tmp`;
  writeFileSync(temporary, read.bytes);
  renameSync(temporary, read.absolute);
}

/** The catalog file's earlier contents, newest first (commit, text), for the previous value of a channel. */
async function catalogHistory(absolute: string, limit = 50): Promise<string[]> {
  const dir = path.dirname(absolute);
  const root = await workTreeOf(dir);
  const relative = path.relative(root, absolute).split(path.sep).join('/');
  const log = await git(['log', `--max-count=${limit}`, '--format=%H', '--', relative], root);
  if (!log.ok) return [];
  const texts: string[] = [];
  for (const commit of log.stdout.split('\n').filter(Boolean)) {
    const shown = await git(['show', `${commit}:${relative}`], root);
    if (shown.ok) texts.push(shown.stdout);
  }
  return texts;
}

export {
  CATALOG_FILE,
  CatalogChangeError,
  catalogHistory,
  ensureCommitted,
  type ReadCatalog,
  readCatalog,
  renderCatalog,
  workTreeOf,
  writeAndCommit,
};
