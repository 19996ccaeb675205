/**
 * The security invariants (packages/invariants/rules/*.guard) as one of the deployer's template
 * checks. The rules come from the control bucket (GUARD_RULES_S3_URI: the zip the bootstrap Lambda
 * uploaded, the same files the bakery's Guard hook reads), never from the branch; the engine is
 * the WebAssembly Guard evaluator shipped next to the handler (dist/cloudformation-validate).
 * Any failure to get the rules or start the engine is a check that cannot run: nothing is deployed.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipBundle } from '@ami-bakery/bundle';
import { createGuardEngine, type GuardEngine } from '@ami-bakery/invariants';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type Clients, call, endpointOf } from './aws.js';
import type { TemplateCheck } from './checks.js';

/** `s3://<bucket>/<key>` -> bucket and key, or undefined. */
function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

/** Downloads the rules zip and writes its `.guard` files to a fresh folder under /tmp; returns the folder. */
async function guardRulesFromS3(clients: Clients, uri: string): Promise<string> {
  const location = parseS3Uri(uri);
  if (!location) throw new Error(`GUARD_RULES_S3_URI ${JSON.stringify(uri)} is not s3://<bucket>/<key>`);
  const out = await call('s3:GetObject', `${endpointOf(clients, 's3')} (${uri})`, () =>
    clients.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key })),
  );
  const bytes = out.Body ? await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray() : new Uint8Array();
  const { files, problems } = unzipBundle(bytes, { maxFiles: 200, maxBundleBytes: 16 * 1024 * 1024 });
  if (problems.length > 0)
    throw new Error(`the Guard rules at ${uri} are not a readable zip: ${problems.map((p) => p.message).join('; ')}`);
  const rules = [...files].filter(([name]) => /^[A-Za-z0-9._-]+\.guard$/.test(name));
  if (rules.length === 0) throw new Error(`the zip at ${uri} holds no .guard file`);
  const dir = mkdtempSync(path.join(tmpdir(), 'guard-rules-'));
  for (const [name, data] of rules) writeFileSync(path.join(dir, name), data);
  return dir;
}

/** The invariants as a TemplateCheck; the engine is made on first use and kept for the container. */
function invariantsCheck(engine: () => Promise<GuardEngine>): TemplateCheck {
  let ready: Promise<GuardEngine> | undefined;
  return {
    name: 'security invariants (Guard rules)',
    async check(inputs) {
      ready ??= engine();
      let guard: GuardEngine;
      try {
        guard = await ready;
      } catch (error) {
        ready = undefined;
        throw error;
      }
      const results = await guard.check(inputs.map((input) => ({ name: input.recipe, template: input.template })));
      return inputs.flatMap((input) =>
        (results.get(input.recipe) ?? []).map((v) => ({
          id: v.ruleId,
          recipe: input.recipe,
          path: v.path.join('/'),
          message: `${v.slug}: ${v.message}`,
        })),
      );
    },
  };
}

/** The production engine: rules from the control bucket, the WASM evaluator next to the handler. */
function wasmInvariantsCheck(clients: () => Clients, uri: string, wasmModule: string): TemplateCheck {
  return invariantsCheck(async () => {
    if (!existsSync(path.join(wasmModule, 'package.json'))) {
      throw new Error(
        `the deployer package lacks the Guard evaluator ${wasmModule}: ship dist/cloudformation-validate/ of the deployer build next to index.mjs`,
      );
    }
    return createGuardEngine({ backend: 'wasm', wasmModule, rulesDir: await guardRulesFromS3(clients(), uri) });
  });
}

export { guardRulesFromS3, invariantsCheck, parseS3Uri, wasmInvariantsCheck };
