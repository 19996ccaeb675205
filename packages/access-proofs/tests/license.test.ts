/** iam-simulate is AGPL-3.0: a devDependency of this test-only package, never a dependency of anything that ships. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const AGPL = '@cloud-copilot/iam-simulate';

function packageFiles(): string[] {
  return ['packages', 'control-plane'].flatMap((area) =>
    readdirSync(path.join(REPO_ROOT, area))
      .map((name) => path.join(REPO_ROOT, area, name, 'package.json'))
      .filter((file) => existsSync(file)),
  );
}

describe('License: the AGPL simulator never ships', () => {
  it('is a dependency of no workspace package, and a devDependency only of access-proofs', () => {
    const offenders = packageFiles().flatMap((file) => {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
      const name = String((pkg as unknown as { name: string }).name);
      const runtime = ['dependencies', 'optionalDependencies', 'peerDependencies'].filter((k) => pkg[k]?.[AGPL] !== undefined);
      const dev = pkg.devDependencies?.[AGPL] !== undefined && name !== '@ami-bakery/access-proofs' ? ['devDependencies'] : [];
      return [...runtime, ...dev].map((k) => `${name} ${k}`);
    });
    expect(offenders).toEqual([]);
  });

  it.each([
    ['CLI bundle', 'packages/cli/dist/bakery.meta.json'],
    ['bootstrap Lambda bundle', 'control-plane/bootstrap-lambda/dist/index.mjs'],
    ['deployer Lambda bundle', 'control-plane/deployer/dist/index.mjs'],
  ])('the %s (when built) contains none of it', (_, file) => {
    const absolute = path.join(REPO_ROOT, file);
    const text = existsSync(absolute) ? readFileSync(absolute, 'utf8') : '';
    expect(text.includes('iam-simulate')).toBe(false);
  });
});
