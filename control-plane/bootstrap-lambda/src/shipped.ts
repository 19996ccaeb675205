import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { controlBucketName, DEPLOYER_CODE_PREFIX, GUARD_RULES_PREFIX, IMAGE_EVENTS_CODE_PREFIX } from '@ami-bakery/bakery-stack/names';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { call, httpStatus, sdkErrorName } from './aws.js';
import { PackageError } from './errors.js';
import type { Log } from './log.js';
import type { BakerySession } from './session.js';
import { deterministicZip } from './zip.js';

/** One object the bootstrap uploads to the control bucket before it deploys the bakery stack. */
interface ShippedObject {
  /** `deployer/<sha256>.zip`, `image-events/<sha256>.zip` or `guard-rules/<sha256>.zip`: the content decides the key. */
  key: string;
  body: Buffer;
  /** What it is, for messages. */
  what: string;
}

/** The control-plane code the package carries: the deployer, the image-events function and the Guard rules, zipped. */
interface Shipped {
  deployer: ShippedObject;
  imageEvents: ShippedObject;
  guardRules: ShippedObject;
}

/**
 * Where the package keeps them (next to the handler): `deployer/` (the deployer's whole build),
 * `image-events/index.mjs` (the image-events function, one bundled file) and `guard-rules/*.guard`.
 * The deployer's handler loads `index.mjs` and the WebAssembly Guard evaluator from
 * `cloudformation-validate/` next to it: both must be in its zip.
 */
const DEPLOYER_NEEDS = ['index.mjs', 'cloudformation-validate/package.json'] as const;
/** The image-events function's one file. */
const IMAGE_EVENTS_ENTRY = 'index.mjs';
/** Lambda takes at most 250 MB of unzipped code (the zip is stored, so about as large). */
const LAMBDA_UNZIPPED_BYTES = 262_144_000;

/** Every file under `dir`, relative and `/`-separated, sorted; links are followed by the build, never here. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, relative)));
    else if (entry.isFile()) out.push(relative);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function contentKey(prefix: string, body: Buffer): string {
  return `${prefix}${createHash('sha256').update(body).digest('hex')}.zip`;
}

/**
 * Reads the deployer bundle and the Guard rules from the package and zips each deterministically,
 * so the same package always gives the same keys (an Update with the same package changes nothing).
 * Runs before any AWS call: a package without them fails the request cleanly.
 */
async function loadShipped(dir: string): Promise<Shipped> {
  const deployerDir = join(dir, 'deployer');
  const deployerFiles = await filesUnder(deployerDir).catch(() => [] as string[]);
  const lacking = DEPLOYER_NEEDS.filter((file) => !deployerFiles.includes(file));
  if (lacking.length > 0) {
    throw new PackageError(
      `The deployer is incomplete in the Lambda package (${deployerDir} lacks ${lacking.join(', ')}): build it with "pnpm --filter @ami-bakery/deployer build", then rebuild the package with "pnpm --filter @ami-bakery/bootstrap-lambda build"`,
    );
  }
  const deployerEntries = await Promise.all(
    deployerFiles.map(async (file) => ({ path: file, content: await readFile(join(deployerDir, file)) })),
  );
  const deployerBytes = deployerEntries.reduce((n, entry) => n + entry.content.length, 0);
  if (deployerBytes > LAMBDA_UNZIPPED_BYTES) {
    throw new PackageError(
      `The deployer in the Lambda package holds ${deployerBytes} bytes, more than the ${LAMBDA_UNZIPPED_BYTES} bytes Lambda takes as function code`,
    );
  }
  let imageEventsCode: Buffer;
  try {
    imageEventsCode = await readFile(join(dir, 'image-events', IMAGE_EVENTS_ENTRY));
  } catch (error) {
    throw new PackageError(
      `The image-events function is missing from the Lambda package (${join(dir, 'image-events', IMAGE_EVENTS_ENTRY)}): build it with "pnpm --filter @ami-bakery/image-events build", then rebuild the package with "pnpm --filter @ami-bakery/bootstrap-lambda build"`,
      { cause: error },
    );
  }
  const rulesDir = join(dir, 'guard-rules');
  const ruleFiles = await readdir(rulesDir).then(
    (names) => names.filter((name) => name.endsWith('.guard')).sort(),
    () => [] as string[],
  );
  if (ruleFiles.length === 0) {
    throw new PackageError(
      `The Guard rules are missing from the Lambda package (${rulesDir}/*.guard): the bakery's Guard hook needs them; rebuild the package with "pnpm --filter @ami-bakery/bootstrap-lambda build" (it copies packages/invariants/rules/*.guard)`,
    );
  }
  const deployerZip = deterministicZip(deployerEntries);
  const imageEventsZip = deterministicZip([{ path: IMAGE_EVENTS_ENTRY, content: imageEventsCode }]);
  const rulesZip = deterministicZip(
    await Promise.all(ruleFiles.map(async (name) => ({ path: name, content: await readFile(join(rulesDir, name)) }))),
  );
  return {
    deployer: { key: contentKey(DEPLOYER_CODE_PREFIX, deployerZip), body: deployerZip, what: 'deployer code' },
    imageEvents: { key: contentKey(IMAGE_EVENTS_CODE_PREFIX, imageEventsZip), body: imageEventsZip, what: 'image-events code' },
    guardRules: { key: contentKey(GUARD_RULES_PREFIX, rulesZip), body: rulesZip, what: `Guard rules (${ruleFiles.join(', ')})` },
  };
}

/**
 * Uploads what is not in the control bucket yet. Keys are content hashes, so an object that is
 * there already has exactly these bytes and is never written again.
 */
async function uploadShipped(
  session: BakerySession,
  namePrefix: string,
  account: string,
  region: string,
  shipped: Shipped,
  signal: AbortSignal,
  log: Log,
): Promise<string> {
  const bucket = controlBucketName(namePrefix, account, region);
  const uploaded: string[] = [];
  for (const object of [shipped.deployer, shipped.imageEvents, shipped.guardRules]) {
    const where = `${session.where} (s3://${bucket}/${object.key})`;
    try {
      // If-None-Match: the key is the content hash, so an object already there is exactly this one.
      await call('s3:PutObject', where, () =>
        session.s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: 'application/zip', IfNoneMatch: '*' }),
          {
            abortSignal: signal,
          },
        ),
      );
    } catch (error) {
      if (sdkErrorName(error) === 'PreconditionFailed' || httpStatus(error) === 412) {
        log.info('Already in the control bucket', { bucket, key: object.key });
        continue;
      }
      throw error;
    }
    log.info('Uploaded to the control bucket', { bucket, key: object.key, bytes: object.body.length, what: object.what });
    uploaded.push(object.what);
  }
  return uploaded.length > 0
    ? `uploaded ${uploaded.join(' and ')} to s3://${bucket}`
    : `the deployer code, image-events code and Guard rules were already in s3://${bucket}`;
}

export { DEPLOYER_NEEDS, LAMBDA_UNZIPPED_BYTES, loadShipped, type Shipped, type ShippedObject, uploadShipped };
