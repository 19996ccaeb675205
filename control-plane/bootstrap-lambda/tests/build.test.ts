import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuardEngine, RULES_DIR } from '@ami-bakery/invariants';
import { readZip } from '@ami-bakery/publisher';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LAMBDA_UNZIPPED_BYTES, loadShipped } from '../src/shipped.js';
import { fixture, SEED_DIR, SHIPPED_DIR, TEMPLATE_PATH, tempDir } from './helpers.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const WORKSPACE_ROOT = join(PACKAGE_DIR, '../..');
const DEPLOYER_DIR = join(WORKSPACE_ROOT, 'control-plane/deployer');
const DIST = join(PACKAGE_DIR, 'dist');
/** Lambda's limit for a zip uploaded through its API; from S3 a larger zip is taken, up to 250 MB unzipped. */
const LAMBDA_ZIPPED_BYTES = 52_428_800;
/** A template the RB6001 invariant refuses (an AMI shared with everyone). */
const PUBLIC_AMI = {
  Resources: {
    D: {
      Type: 'AWS::ImageBuilder::DistributionConfiguration',
      Properties: {
        Name: 'd',
        Distributions: [{ Region: 'us-east-1', AmiDistributionConfiguration: { LaunchPermissionConfiguration: { UserGroups: ['all'] } } }],
      },
    },
  },
};

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
      DEPLOYER_DIST: fixture('missing/deployer'),
      IMAGE_EVENTS_CODE: fixture('missing/image-events.mjs'),
      GUARD_RULES: fixture('missing-rules'),
    });

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Missing the bakery stack template');
    expect(result.stderr).toContain('pnpm --filter @ami-bakery/bakery-stack synth');
    expect(result.stderr).toContain('Missing the seed bundle');
    expect(result.stderr).toContain('pnpm bakery bundle');
    expect(result.stderr).toContain('no index.mjs, cloudformation-validate/package.json');
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
      DEPLOYER_DIST: `${SHIPPED_DIR}/deployer`,
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
    expect(existsSync(join(DIST, 'deployer', 'cloudformation-validate', 'package.json'))).toBe(true);
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

describe('the deployer the package ships', () => {
  it("is the whole deployer build: its zip holds the handler and the Guard evaluator, which runs the invariants from where the handler looks for it, within Lambda's size limits", {
    timeout: 120_000,
  }, async () => {
    // Prepare: the real deployer build, in a folder of this test.
    const deployerDist = tempDir('bootstrap-deployer-dist-');
    const deployerBuild = await execa(process.execPath, ['build.mjs', '--out', deployerDist], { cwd: DEPLOYER_DIR, reject: false });
    expect(deployerBuild.stderr).toBe('');
    const built = await build({
      BAKERY_STACK_TEMPLATE: TEMPLATE_PATH,
      SEED_BUNDLE: SEED_DIR,
      DEPLOYER_DIST: deployerDist,
      GUARD_RULES: RULES_DIR,
      // The image-events function is not what this test is about: the shipped fixture stands in.
      IMAGE_EVENTS_CODE: `${SHIPPED_DIR}/image-events/index.mjs`,
    });
    expect(built.stderr).toBe('');
    expect(built.exitCode).toBe(0);

    // Act: what the bootstrap uploads, unpacked as Lambda unpacks it.
    const shipped = await loadShipped(DIST);
    const files = readZip(shipped.deployer.body);
    const unpacked = tempDir('bootstrap-deployer-unpacked-');
    for (const [file, content] of files) {
      mkdirSync(dirname(join(unpacked, file)), { recursive: true });
      writeFileSync(join(unpacked, file), content);
    }
    const run = await execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(unpacked, 'index.mjs'))});
           console.log(Object.keys(m).sort().join(','));`,
      ],
      { env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'ERROR' }, reject: false },
    );
    // The handler resolves the evaluator as cloudformation-validate next to index.mjs.
    const engine = createGuardEngine({ backend: 'wasm', wasmModule: join(unpacked, 'cloudformation-validate'), rulesDir: RULES_DIR });
    const verdicts = await engine.check([{ name: 'public', template: PUBLIC_AMI }]);

    // Assess
    const sourceFiles = readdirSync(deployerDist, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(deployerDist, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
    expect([...files.keys()]).toEqual(sourceFiles);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['index.mjs', 'cloudformation-validate/package.json']));
    expect(readFileSync(join(unpacked, 'index.mjs'), 'utf8')).toContain('cloudformation-validate');
    expect(run.stdout.trim()).toBe('createHandler,handler');
    expect(verdicts.get('public')?.map((v) => v.ruleId)).toContain('RB6001');
    const unzippedBytes = [...files.values()].reduce((n, content) => n + content.byteLength, 0);
    expect(unzippedBytes).toBeLessThan(LAMBDA_UNZIPPED_BYTES);
    expect(shipped.deployer.body.byteLength).toBeLessThan(LAMBDA_ZIPPED_BYTES);
  });

  it('is built before the package: Nx runs the deployer and image-events builds (and the bakery stack synthesis) first', async () => {
    // Act: the task graph of the package build, nothing run.
    const graphFile = join(tempDir('bootstrap-task-graph-'), 'graph.json');
    const nx = await execa('pnpm', ['exec', 'nx', 'run', '@ami-bakery/bootstrap-lambda:build', `--graph=${graphFile}`], {
      cwd: WORKSPACE_ROOT,
      env: { NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true' },
      reject: false,
    });
    // Assess
    expect(nx.exitCode, nx.stderr).toBe(0);
    const graph = JSON.parse(readFileSync(graphFile, 'utf8')) as { tasks: { dependencies: Record<string, { id: string }[]> } };
    expect(graph.tasks.dependencies['@ami-bakery/bootstrap-lambda:build']?.map((task) => task.id).sort()).toEqual([
      '@ami-bakery/bakery-stack:synth',
      '@ami-bakery/deployer:build',
      '@ami-bakery/image-events:build',
    ]);
  });
});
