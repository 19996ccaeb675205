/**
 * `bakery evidence [RECIPE...]`: the compliance evidence of every image build, read from the
 * evidence bucket (`evidence/<recipe>/<recipe version>/<image build version>/summary.json`), listed
 * with score and location, and written as one self-contained HTML compliance page.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildEvidence, compareBuilds, parseSummary, type RecipeEvidence, renderCompliancePage } from '@ami-bakery/hardening';
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

/** What `bakery evidence` reaches outside its arguments, so tests point it at moto. */
export interface EvidenceCommandDeps {
  /** S3 client factory; the default uses the default credential chain with timeouts and retries. */
  readonly s3?: (options: { region: string; endpoint?: string }) => S3Client;
  /** The time written on the page; the default is now. */
  readonly now?: () => Date;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RECIPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TIMEOUT_MS = 10_000;
const SUMMARY_KEY = /^evidence\/([a-z0-9][a-z0-9-]*)\/([^/]+)\/([^/]+)\/summary\.json$/;

export class EvidenceReadError extends Error {
  constructor(message: string, { cause }: { cause?: unknown } = {}) {
    super(message, { cause });
    this.name = 'EvidenceReadError';
  }
}

function defaultClient({ region, endpoint }: { region: string; endpoint?: string }): S3Client {
  return new S3Client({
    region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS },
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

async function listKeys(s3: S3Client, bucket: string, prefix: string, where: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    } catch (cause) {
      throw new EvidenceReadError(
        `s3:ListObjectsV2 on s3://${bucket}/${prefix} (${where}) failed after retries: ${(cause as Error).name}: ${(cause as Error).message}`,
        { cause },
      );
    }
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function readText(s3: S3Client, bucket: string, key: string, where: string): Promise<string> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (cause) {
    throw new EvidenceReadError(
      `s3:GetObject s3://${bucket}/${key} (${where}) failed after retries: ${(cause as Error).name}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** Every build's evidence under `evidence/` (or the named recipes), grouped per recipe, builds oldest first. */
export async function readEvidence(
  s3: S3Client,
  bucket: string,
  recipes: readonly string[],
  where: string,
): Promise<{ recipes: RecipeEvidence[]; problems: string[] }> {
  const prefixes = recipes.length > 0 ? recipes.map((r) => `evidence/${r}/`) : ['evidence/'];
  const keys = (await Promise.all(prefixes.map((p) => listKeys(s3, bucket, p, where)))).flat();
  const byFolder = new Map<string, string[]>();
  for (const key of keys) {
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), key.slice(folder.length)]);
  }
  const problems: string[] = [];
  const builds: BuildEvidence[] = [];
  for (const key of keys.filter((k) => SUMMARY_KEY.test(k)).sort()) {
    const [, recipe, recipeVersion, imageBuildVersion] = SUMMARY_KEY.exec(key) as RegExpExecArray;
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    try {
      const summary = parseSummary(await readText(s3, bucket, key, where));
      builds.push({
        recipe: recipe as string,
        recipeVersion: recipeVersion as string,
        imageBuildVersion: imageBuildVersion as string,
        uri: `s3://${bucket}/${folder}`,
        files: (byFolder.get(folder) ?? []).sort(),
        summary,
      });
    } catch (cause) {
      if (cause instanceof EvidenceReadError) throw cause;
      problems.push(`s3://${bucket}/${key}: ${(cause as Error).message}; left out`);
    }
  }
  const grouped = new Map<string, BuildEvidence[]>();
  for (const build of builds) grouped.set(build.recipe, [...(grouped.get(build.recipe) ?? []), build]);
  for (const recipe of recipes)
    if (!grouped.has(recipe)) problems.push(`no evidence for ${recipe} under s3://${bucket}/evidence/${recipe}/`);
  return {
    recipes: [...grouped.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([recipe, list]) => ({ recipe, builds: list.sort(compareBuilds) })),
    problems,
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(recipes: readonly RecipeEvidence[]): string {
  const lines: string[] = [];
  for (const recipe of recipes) {
    const latest = recipe.builds.at(-1)?.summary;
    lines.push(`${recipe.recipe}: ${latest?.benchmark.title || latest?.benchmark.id} ${latest?.benchmark.version} (${latest?.profile})`);
    for (const b of [...recipe.builds].reverse()) {
      const s = b.summary;
      lines.push(
        `  ${pad(`${b.recipeVersion}/${b.imageBuildVersion}`, 12)} ${pad(s.imageId, 22)} ${pad(`${s.score} %`, 9)} ${pad(s.passed ? 'passed' : 'FAILED', 7)} pass ${s.counts.pass}, fail ${s.counts.fail}, n/a ${s.counts.notApplicable}, accepted ${s.accepted.length}  ${b.uri}`,
      );
      for (const f of s.failing) lines.push(`      failing ${f.id}${f.title ? `: ${f.title}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

export function createEvidenceCommand(deps: EvidenceCommandDeps = {}): Command {
  return defineCommand({
    name: 'evidence',
    summary: 'List the compliance evidence of every image build and write the HTML compliance page.',
    usage: 'bakery evidence [RECIPE...] --bucket BUCKET --region REGION [--html FILE] [--json]',
    details: [
      'Reads evidence/<recipe>/<recipe version>/<image build version>/summary.json from the evidence',
      'bucket (the bakery stack output EvidenceBucketName) for the named recipes, or every recipe',
      'there, and prints each build: image, score, result, counts and where its raw report is.',
      'The compliance page (--html, default dist/compliance/index.html) is one self-contained HTML',
      'file: per recipe the benchmark, the score over builds, the failing rules and the accepted',
      'exceptions with their reasons. Needs s3:ListBucket on the bucket and s3:GetObject on',
      'evidence/* (and kms:Decrypt on the bucket key). Exit 1 when the latest build of a recipe',
      'failed or a summary could not be read.',
    ].join('\n'),
    options: {
      bucket: { type: 'string', valueName: 'BUCKET', description: 'Evidence bucket (or BAKERY_EVIDENCE_BUCKET).' },
      region: { type: 'string', valueName: 'REGION', description: 'Region of the bucket (or AWS_REGION).' },
      'endpoint-url': { type: 'string', valueName: 'URL', description: 'S3-compatible endpoint instead of AWS (path-style requests).' },
      html: { type: 'string', valueName: 'FILE', description: 'Where to write the compliance page (default dist/compliance/index.html).' },
      json: { type: 'boolean', description: 'Print the builds as JSON instead of a table.' },
    },
    async run(args, io: Io) {
      const bucket = args.values.bucket ?? io.env.BAKERY_EVIDENCE_BUCKET;
      if (!bucket)
        throw new UsageError(
          'name the evidence bucket: --bucket BUCKET (the bakery stack output EvidenceBucketName) or BAKERY_EVIDENCE_BUCKET',
        );
      if (!BUCKET.test(bucket)) throw new UsageError(`--bucket must be an S3 bucket name, got '${bucket}'`);
      const region = args.values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
      if (!region) throw new UsageError('name the region: --region REGION or AWS_REGION');
      const bad = args.positionals.filter((r) => !RECIPE.test(r));
      if (bad.length > 0) throw new UsageError(`not recipe names: ${bad.join(', ')}`);
      const endpoint = args.values['endpoint-url'];
      const where = endpoint ?? `s3.${region}`;
      const s3 = (deps.s3 ?? defaultClient)({ region, ...(endpoint ? { endpoint } : {}) });
      let read: Awaited<ReturnType<typeof readEvidence>>;
      try {
        read = await readEvidence(s3, bucket, args.positionals, where);
      } catch (error) {
        if (!(error instanceof EvidenceReadError)) throw error;
        io.stderr.write(`bakery evidence: ${error.message}\n`);
        return 1;
      } finally {
        s3.destroy();
      }
      for (const problem of read.problems) io.stderr.write(`bakery evidence: ${problem}\n`);
      if (args.values.json) io.stdout.write(`${JSON.stringify(read.recipes, null, 2)}\n`);
      else io.stdout.write(read.recipes.length > 0 ? table(read.recipes) : `No evidence under s3://${bucket}/evidence/.\n`);
      const file = path.resolve(io.cwd, args.values.html ?? 'dist/compliance/index.html');
      writeAtomically(
        file,
        renderCompliancePage(read.recipes, {
          generatedAt: (deps.now ?? (() => new Date()))().toISOString(),
          source: `s3://${bucket}/evidence/`,
        }),
      );
      io.stderr.write(`Compliance page: ${path.relative(io.cwd, file) || file}\n`);
      const failed = read.recipes.filter((r) => r.builds.at(-1)?.summary.passed === false);
      return failed.length > 0 || read.problems.length > 0 ? 1 : 0;
    },
  });
}

export default createEvidenceCommand();
