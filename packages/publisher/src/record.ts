import { InvalidRecordError } from './errors.js';
import { sha256Hex } from './hash.js';
import { comparePaths } from './paths.js';

/** Where publish keeps its record, in the branch and inside the S3 zip alike. */
const RECORD_PATH = '.bakery/published.json';

interface RecordedRecipe {
  readonly name: string;
  readonly version: string;
}

/**
 * What publish wrote to the target: every file as path → git blob id, the source commit and the
 * recipes. `complete` is false on the intermediate commits of a publish split into several, so a
 * pipeline can skip those half-published states.
 */
interface PublishRecord {
  readonly formatVersion: 1;
  readonly complete: boolean;
  readonly sourceCommit: string | null;
  readonly recipes: readonly RecordedRecipe[];
  readonly files: Readonly<Record<string, string>>;
}

/** Sorted keys, 2-space JSON and a trailing newline, like every other file the bakery writes. */
function serializeRecord(record: PublishRecord): Uint8Array {
  const files = Object.fromEntries(Object.entries(record.files).sort(([a], [b]) => comparePaths(a, b)));
  const recipes = [...record.recipes]
    .sort((a, b) => comparePaths(a.name, b.name))
    .map((recipe) => ({ name: recipe.name, version: recipe.version }));
  const ordered = {
    complete: record.complete,
    files,
    formatVersion: record.formatVersion,
    recipes,
    sourceCommit: record.sourceCommit,
  };
  return new TextEncoder().encode(`${JSON.stringify(ordered, null, 2)}\n`);
}

function parseRecord(location: string, content: Uint8Array): PublishRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content));
  } catch (error) {
    throw new InvalidRecordError(location, 'it is not UTF-8 JSON', { cause: error });
  }
  const fail = (problem: string): never => {
    throw new InvalidRecordError(location, problem);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('the top level is not an object');
  const record = raw as Record<string, unknown>;
  if (record.formatVersion !== 1) return fail(`formatVersion is ${JSON.stringify(record.formatVersion)}, expected 1`);
  if (typeof record.files !== 'object' || record.files === null || Array.isArray(record.files)) return fail('files is not an object');
  const files: Record<string, string> = {};
  for (const [filePath, blobId] of Object.entries(record.files)) {
    if (typeof blobId !== 'string' || !/^[0-9a-f]{40}$/.test(blobId))
      return fail(`files[${JSON.stringify(filePath)}] is not a git blob id`);
    files[filePath] = blobId;
  }
  const recipes = Array.isArray(record.recipes)
    ? record.recipes.flatMap((r: unknown) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as RecordedRecipe).name === 'string' &&
        typeof (r as RecordedRecipe).version === 'string'
          ? [{ name: (r as RecordedRecipe).name, version: (r as RecordedRecipe).version }]
          : [],
      )
    : [];
  return {
    formatVersion: 1,
    complete: record.complete !== false,
    sourceCommit: typeof record.sourceCommit === 'string' ? record.sourceCommit : null,
    recipes,
    files,
  };
}

/**
 * A digest of what was published (path → blob id), independent of the source commit, so an
 * unchanged bundle built from a later commit is recognised as unchanged.
 */
function contentDigest(files: Readonly<Record<string, string>>): string {
  const lines = Object.entries(files)
    .sort(([a], [b]) => comparePaths(a, b))
    .map(([filePath, blobId]) => `${blobId} ${filePath}\n`);
  return sha256Hex(lines.join(''));
}

export type { PublishRecord, RecordedRecipe };
export { contentDigest, parseRecord, RECORD_PATH, serializeRecord };
