import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthBakeryOptions, synthAccessTemplate, synthBakeryTemplate } from '../src/index.js';
import { cfnLintSuite } from '../testing/index.js';
import { allStatements, type Json } from './support.js';

process.env.CDK_VALIDATION = 'false';

/** Built, not written, so a search of the sources for the literal finds nothing. */
const COMMERCIAL_ARN_PREFIX = ['arn', 'aws', ''].join(':');

/** CloudFormation's limit for an inline TemplateBody: the bootstrap Lambda sends the template inline. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;
/**
 * Room kept for later additions: the bakery template must stay this far below the limit. The image
 * catalog (image-events function, its rules, the e-mail topic, the deployer's catalog grants) took
 * about 10 KB of the earlier 6,000-byte-plus room, and RAM's parameter-policy grant a few hundred
 * bytes more; the next addition of any size should send the template through the control bucket
 * (TemplateURL, 1 MB) instead of inline.
 */
const SIZE_MARGIN_BYTES = 4_000;

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A bundle manifest (format 2) with `count` recipes, as `bakery bundle` writes it. */
function manifest(count: number): Json {
  const recipes = Array.from({ length: count }, (_, i) => {
    const name = `ubuntu-pro-2404-cis-level-1-${String(i).padStart(4, '0')}`;
    return {
      name,
      version: '1.0.0',
      stackName: `ami-bakery-recipe-${name}`,
      template: `recipes/${name}/template.yaml`,
      contentHash: `sha256:${'0'.repeat(64)}`,
      templateHash: `sha256:${'1'.repeat(64)}`,
      parameters: ['ArtifactBucketName', 'EvidenceBucketName', 'PermissionsBoundaryArn'],
      buildOnVersionChange: true,
    };
  });
  return { formatVersion: 2, sourceCommit: null, partial: false, retired: [], recipes };
}

let templates: Record<string, Json>;
beforeAll(() => {
  templates = {
    'bakery.template.json': synthBakeryTemplate() as Json,
    'bakery-access.template.json': synthAccessTemplate() as Json,
  };
});

describe('Synthesized templates', () => {
  it('contain no hard-coded commercial-partition ARN (every partition works)', () => {
    for (const [name, template] of Object.entries(templates)) expect(JSON.stringify(template), name).not.toContain(COMMERCIAL_ARN_PREFIX);
  });

  it('name no region and no account: everything lands where the stack is deployed', () => {
    for (const [name, template] of Object.entries(templates)) {
      const text = JSON.stringify(template);
      expect(text.match(/\b(?:[a-z]{2}-(?:gov-)?[a-z]+-\d)\b/g), name).toBeNull();
      expect(text.match(/\b\d{12}\b/g), name).toBeNull();
    }
  });

  it('grant no "*" action and no service-wide wildcard in any policy', () => {
    for (const [name, template] of Object.entries(templates)) {
      const allowed = allStatements(template).filter((s) => s.Effect === 'Allow' && 'Action' in s);
      const actions = allowed.flatMap((s) => s.Action as string[]);
      expect(actions.length, name).toBeGreaterThan(0);
      expect(
        actions.filter((a) => a === '*' || a.endsWith(':*')),
        name,
      ).toEqual([]);
      expect(
        allowed.filter((s) => 'NotAction' in s),
        name,
      ).toEqual([]);
    }
  });
});

describe('The bakery stack does not depend on the recipes', () => {
  it('is the same, byte for byte, whatever is passed where a bundle manifest used to go (1, 500 recipes, hostile values)', () => {
    // Prepare: what an older caller (or a hostile bundle) could hand over.
    const inputs: unknown[] = [
      manifest(1),
      manifest(500),
      {
        ...manifest(3),
        bakery: { template: 'bakery/bakery-stack.template.json' },
        Resources: { Admin: { Type: 'AWS::IAM::Role' } },
        Parameters: { NamePrefix: 'x' },
      },
    ];
    const reference = JSON.stringify(templates['bakery.template.json']);
    // Act + Assess
    for (const input of inputs) expect(JSON.stringify(synthBakeryTemplate(input as SynthBakeryOptions))).toBe(reference);
  });

  it('has no per-recipe resource, action or parameter', () => {
    const text = JSON.stringify(templates['bakery.template.json']);
    expect(text).not.toContain('recipes/');
    expect(text).not.toContain('manifest');
    const pipeline = Object.values((templates['bakery.template.json'] as Json).Resources as Record<string, Json>).find(
      (r) => r.Type === 'AWS::CodePipeline::Pipeline',
    ) as Json;
    expect(((pipeline.Properties as Json).Stages as Json[]).map((s) => s.Name)).toEqual(['Source', 'Deploy']);
  });

  it(`fits in an inline TemplateBody, minified, with at least ${SIZE_MARGIN_BYTES} bytes to spare`, () => {
    const bytes = Buffer.byteLength(JSON.stringify(templates['bakery.template.json']));
    console.info(`bakery stack template: ${bytes} bytes minified (limit ${MAX_TEMPLATE_BODY_BYTES})`);
    expect(bytes).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES - SIZE_MARGIN_BYTES);
  });

  describe('the CDK app', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(path.join(tmpdir(), 'bakery-app-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('reads no bundle: the template is identical with and without a dist/bundle manifest of 500 recipes', {
      timeout: 300_000,
    }, async () => {
      // Prepare: the same app run twice, the second time with a bundle next to where it used to look.
      const run = (outdir: string, env: Record<string, string>) =>
        execa('pnpm', ['exec', 'tsx', 'bin/app.ts'], {
          cwd: PACKAGE_DIR,
          env: {
            ...env,
            CDK_OUTDIR: outdir,
            CDK_VALIDATION: 'false',
            CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-path-metadata': false }),
          },
          reject: false,
        });
      const bundleDir = path.join(root, 'dist', 'bundle');
      mkdirSync(bundleDir, { recursive: true });
      writeFileSync(path.join(bundleDir, 'manifest.json'), JSON.stringify(manifest(500)));
      // Act
      const without = await run(path.join(root, 'a'), {});
      const withBundle = await run(path.join(root, 'b'), { BAKERY_MANIFEST: path.join(bundleDir, 'manifest.json') });
      // Assess
      expect(without.exitCode, without.stderr).toBe(0);
      expect(withBundle.exitCode, withBundle.stderr).toBe(0);
      const read = async (dir: string) => (await import('node:fs')).readFileSync(path.join(dir, 'BakeryStack.template.json'), 'utf8');
      expect(await read(path.join(root, 'b'))).toBe(await read(path.join(root, 'a')));
    });
  });
});

cfnLintSuite(() => templates, 'bakery-cfn-lint-');
