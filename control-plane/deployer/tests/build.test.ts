import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuardEngine, RULES_DIR } from '@ami-bakery/invariants';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(PACKAGE_DIR, 'dist');

describe('build.mjs', () => {
  it('bundles the handler into dist/index.mjs, SDK included, and the bundle ignores an event that is not a pipeline job', () => {
    // Act
    execFileSync('node', ['build.mjs'], { cwd: PACKAGE_DIR, stdio: 'pipe' });
    const run = spawnSync(
      'node',
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(DIST, 'index.mjs'))});
         console.log(Object.keys(m).sort().join(','));
         await m.handler({ source: 'aws.events' }, { getRemainingTimeInMillis: () => 1000 });`,
      ],
      { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'WARN' }, encoding: 'utf8' },
    );
    // Assess
    const exports = run.stdout.trim();
    const warning = run.stderr.trim().split('\n').at(-1);
    expect(exports).toBe('createHandler,handler');
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      level: 'WARN',
      message: 'Ignored an event that is not a CodePipeline job for the Deploy action',
    });
    expect(existsSync(join(DIST, 'index.mjs.map'))).toBe(true);
    // One file, the SDK inside: nothing to resolve from a node_modules at run time.
    expect(statSync(join(DIST, 'index.mjs')).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('ships the WASM Guard evaluator next to the handler, and it runs the invariants from there', async () => {
    // Act
    const engine = createGuardEngine({ backend: 'wasm', wasmModule: join(DIST, 'cloudformation-validate'), rulesDir: RULES_DIR });
    const results = await engine.check([
      {
        name: 'public',
        template: {
          Resources: {
            D: {
              Type: 'AWS::ImageBuilder::DistributionConfiguration',
              Properties: {
                Name: 'd',
                Distributions: [
                  { Region: 'us-east-1', AmiDistributionConfiguration: { LaunchPermissionConfiguration: { UserGroups: ['all'] } } },
                ],
              },
            },
          },
        },
      },
    ]);
    // Assess
    expect(results.get('public')?.map((v) => v.ruleId)).toContain('RB6001');
  });
});
