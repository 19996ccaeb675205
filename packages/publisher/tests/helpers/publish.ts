import type { CreateCommitInput, PutFileEntry } from '@aws-sdk/client-codecommit';
import { expect } from 'vitest';
import { gitBlobId } from '../../src/hash.js';
import { RECORD_PATH } from '../../src/record.js';

/** What a CreateCommit call carried: put paths (record last), delete paths. */
function filesOf(input: CreateCommitInput): { put: string[]; delete: string[] } {
  return {
    put: (input.putFiles ?? []).map((f) => f.filePath as string),
    delete: (input.deleteFiles ?? []).map((f) => f.filePath as string),
  };
}

/** The putFiles entries expected for these bundle paths, followed by the publish record. */
function putEntries(files: ReadonlyMap<string, Uint8Array>, paths: readonly string[]): PutFileEntry[] {
  return [
    ...paths.map((filePath) => {
      const fileContent = files.get(filePath);
      if (!fileContent) throw new Error(`test bug: ${filePath} is not in the bundle`);
      return { filePath, fileContent };
    }),
    { filePath: RECORD_PATH, fileContent: expect.any(Uint8Array) as Uint8Array },
  ];
}

/** The publish record a CreateCommit call carried, parsed. */
function recordOf(input: CreateCommitInput): Record<string, unknown> {
  const entry = (input.putFiles ?? []).find((f) => f.filePath === RECORD_PATH);
  if (!entry?.fileContent) throw new Error('the commit carries no publish record');
  return JSON.parse(new TextDecoder().decode(entry.fileContent)) as Record<string, unknown>;
}

/** path → git blob id for the given paths of a bundle. */
function blobIds(files: ReadonlyMap<string, Uint8Array>, paths: readonly string[] = [...files.keys()]): Record<string, string> {
  return Object.fromEntries([...paths].sort().map((p) => [p, gitBlobId(files.get(p) as Uint8Array)]));
}

const noSleep = async (): Promise<void> => {};

const PARTITION = 'aws';
const ROLE_ARN = `arn:${PARTITION}:iam::111122223333:role/ami-bakery-publisher`;

export { blobIds, filesOf, noSleep, putEntries, ROLE_ARN, recordOf };
