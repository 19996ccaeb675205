import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fixture, SEED_DIR, SHIPPED_DIR, TEMPLATE_PATH } from './helpers.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(PACKAGE_DIR, 'dist');

// The Node.js running this suite builds and runs the bundle: .ci/run's second run is Node.js 24,
// the Lambda runtime (nodejs24.x).
function build(env: Record<string, string>, args: string[] = []) {
  return execa(process.execPath, ['build.mjs', ...args], { cwd: PACKAGE_DIR, env, reject: false });
}

describe('build.mjs', () => {
  it('refuses to build without its inputs and names the commands that produce them', async () => {
    // Act
    const result = await build({
      BAKERY_STACK_TEMPLATE: fixture('missing/BakeryStack.template.json'),
      SEED_BUNDLE: fixture('missing-bundle'),
      DEPLOYER_CODE: fixture('missing/index.mjs'),
      IMAGE_EVENTS_CODE: fixture('missing/image-events.mjs'),
      GUARD_RULES: fixture('missing-rules'),
    });

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Missing the bakery stack template');
    expect(result.stderr).toContain('pnpm --filter @ami-bakery/bakery-stack synth');
    expect(result.stderr).toContain('Missing the seed bundle');
    expect(result.stderr).toContain('pnpm bakery bundle');
    expect(result.stderr).toContain('pnpm --filter @ami-bakery/deployer build');
    expect(result.stderr).toContain('pnpm --filter @ami-bakery/image-events build');
    expect(result.stderr).toContain('packages/invariants/rules');
    expect(result.stderr).toContain('node build.mjs --code-only');
  });

  it('bundles the handler with the template and the seed, and the bundle rejects a scheduled event with one JSON warn line', async () => {
    // Act
    const built = await build({
      BAKERY_STACK_TEMPLATE: TEMPLATE_PATH,
      SEED_BUNDLE: SEED_DIR,
      DEPLOYER_CODE: `${SHIPPED_DIR}/deployer/index.mjs`,
      IMAGE_EVENTS_CODE: `${SHIPPED_DIR}/image-events/index.mjs`,
      GUARD_RULES: `${SHIPPED_DIR}/guard-rules`,
    });
    const run = await execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `console.error(process.version);
         const m = await import(${JSON.stringify(join(DIST, 'index.mjs'))});
         console.error(Object.keys(m).sort().join(','));
         const r = await m.handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 1000 });
         console.error(String(r));`,
      ],
      { env: { LOG_LEVEL: 'warn', AWS_REGION: 'us-east-1' }, reject: false },
    );

    // Assess
    expect(built.exitCode).toBe(0);
    expect(readFileSync(join(DIST, 'bakery-stack.template.json'), 'utf8')).toBe(readFileSync(TEMPLATE_PATH, 'utf8'));
    expect(existsSync(join(DIST, 'seed', 'manifest.json'))).toBe(true);
    expect(existsSync(join(DIST, 'seed', 'recipes', 'al2023-stig', 'template.yaml'))).toBe(true);
    expect(existsSync(join(DIST, 'index.mjs.map'))).toBe(true);
    expect(readFileSync(join(DIST, 'deployer', 'index.mjs'), 'utf8')).toBe(readFileSync(`${SHIPPED_DIR}/deployer/index.mjs`, 'utf8'));
    expect(readFileSync(join(DIST, 'image-events', 'index.mjs'), 'utf8')).toBe(
      readFileSync(`${SHIPPED_DIR}/image-events/index.mjs`, 'utf8'),
    );
    expect(existsSync(join(DIST, 'guard-rules', 'no-public-ami.guard'))).toBe(true);
    const code = readFileSync(join(DIST, 'index.mjs'), 'utf8');
    expect(code).not.toContain('sourceMappingURL');
    expect(statSync(join(DIST, 'index.mjs')).size).toBeLessThan(1024 * 1024);

    expect(run.exitCode).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(process.version);
    expect(run.stderr).toContain('createHandlers,handler,isComplete,onEvent');
    expect(run.stderr.trim().endsWith('undefined')).toBe(true);
    // Powertools writes warnings to stderr; Lambda sends both streams to CloudWatch.
    const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'WARN',
      service: 'ami-bakery-bootstrap',
      message: 'Ignored an event that is not a CloudFormation custom-resource request',
      source: 'aws.events',
    });
  });
});
