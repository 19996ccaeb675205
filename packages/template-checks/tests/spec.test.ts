import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getSpec, loadSpec, SpecLoadError } from '../src/index.js';
import { slimDatabase } from '../src/spec.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'template-checks-spec-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Resource specification', () => {
  it('knows Image Builder types, their required properties, enums and attributes', () => {
    const spec = getSpec();
    const recipe = spec.resource('AWS::ImageBuilder::ImageRecipe');
    const required = Object.entries(recipe?.properties ?? {}).filter(([, p]) => p.required).map(([name]) => name).sort();
    expect(required).toEqual(['Name', 'ParentImage', 'Version']);
    expect(recipe?.attributes).toContain('Arn');
    expect(spec.resource('AWS::ImageBuilder::ImagePipeline')?.properties.Status?.type).toEqual({ kind: 'string', allowed: ['DISABLED', 'ENABLED'] });
    expect(spec.resource('AWS::Nothing::Here')).toBeUndefined();
    expect(spec.resourceTypes()).toContain('AWS::ImageBuilder::LifecyclePolicy');
  });

  it('is loaded once per process', () => {
    expect(getSpec()).toBe(getSpec());
  });

  it('writes a slim cache file and answers the same from it', () => {
    // Prepare
    const cacheDir = tempDir();

    // Act
    const fresh = loadSpec({ cacheDir });
    const files = readdirSync(cacheDir);
    const cached = loadSpec({ cacheDir });

    // Assess
    expect(files).toEqual([expect.stringMatching(/^aws-service-spec-[\d.]+-f\d+\.tsv$/)]);
    expect(cached.resource('AWS::S3::Bucket')).toEqual(fresh.resource('AWS::S3::Bucket'));
    expect(cached.resourceTypes()).toEqual(fresh.resourceTypes());
    expect(cached.specVersion).toBe(fresh.specVersion);
  });

  it('rebuilds a damaged cache file', () => {
    // Prepare
    const cacheDir = tempDir();
    loadSpec({ cacheDir });
    const file = path.join(cacheDir, readdirSync(cacheDir)[0] as string);
    writeFileSync(file, 'garbage\n');

    // Act
    const spec = loadSpec({ cacheDir });

    // Assess
    expect(spec.resource('AWS::S3::Bucket')?.attributes).toContain('Arn');
    expect(readFileSync(file, 'utf8').startsWith('{"format":')).toBe(true);
  });

  it('works without a cache folder', () => {
    const cacheDir = path.join(tempDir(), 'never-created');
    expect(loadSpec({ cacheDir: null }).resource('AWS::S3::Bucket')).toBeDefined();
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('rejects a database without resources as a load error', () => {
    expect(() => slimDatabase({ schema: {} }, '0')).toThrow(SpecLoadError);
  });
});
