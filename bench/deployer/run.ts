/**
 * Deployer benchmark: the first invocation of the Deploy action against 1,000 deployed recipe
 * stacks in an in-memory CloudFormation (control-plane/deployer/tests/fake-cloudformation.ts):
 * read the 1,000-recipe source zip, unzip and verify it, list the stacks (10 pages of 100), plan.
 * Then whole runs: one recipe changed among 1,000 (its change set, deploy and build), and a first
 * deploy of 1,000 recipes (every stack created), to show the deployer's own cost per recipe.
 *
 *   pnpm exec tsx bench/deployer/run.ts [--recipes 1000] [--runs 5] [--write-doc]
 *
 * `--write-doc` replaces the "Deployer" section of docs/benchmarks.md.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Clients } from '../../control-plane/deployer/src/aws.js';
import { baselineCheck } from '../../control-plane/deployer/src/checks.js';
import { runJob } from '../../control-plane/deployer/src/deploy.js';
import { parseEnv } from '../../control-plane/deployer/src/env.js';
import { parseJobEvent } from '../../control-plane/deployer/src/job.js';
import { readSourceBundle } from '../../control-plane/deployer/src/source.js';
import { listRecipeStacks } from '../../control-plane/deployer/src/stacks.js';
import { FakeCloudFormation } from '../../control-plane/deployer/tests/fake-cloudformation.js';
import { ENV, jobEvent, zip } from '../../control-plane/deployer/tests/helpers.js';
import {
  type BundledRecipe,
  bundleFiles,
  deployHash,
  MANAGED_BY,
  planRecipes,
  TAGS,
  templateHash,
} from '../../packages/bundle/src/index.js';
import { bundleFolders } from '../../packages/cli/src/plan/bundles.js';
import { workspaceRecipes } from '../../packages/cli/src/workspace.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = path.join(ROOT, 'docs/benchmarks.md');
const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    'write-doc': { type: 'boolean', default: false },
  },
  strict: true,
});
const COUNT = Number(values.recipes);
const RUNS = Number(values.runs);
const PREFIX = ENV.RECIPE_STACK_PREFIX;
const CONFIG = parseEnv(ENV);

const SHAPE_COUNT = workspaceRecipes(ROOT).length;

/** The shipped recipes bundled once; `count` recipes made from them by renaming (templates name nothing but the recipe). */
function recipes(count: number, bump = new Set<number>()): BundledRecipe[] {
  const shapes = bundleFolders(
    workspaceRecipes(ROOT).map((f) => path.dirname(f)),
    { cwd: ROOT, sourceCommit: null, stackPrefix: PREFIX },
  );
  if (shapes.failed.length > 0) throw new Error(`shipped recipes do not bundle: ${shapes.failed.map((f) => f.name).join(', ')}`);
  return Array.from({ length: count }, (_, i) => {
    const shape = shapes.recipes[i % shapes.recipes.length] as BundledRecipe;
    const name = `r${String(i).padStart(4, '0')}-${shape.name}`.slice(0, 63).replace(/-+$/, '');
    const version = bump.has(i) ? '9.9.9' : shape.version;
    return {
      ...shape,
      name,
      version,
      stackName: `${PREFIX}${name}`,
      templateText: shape.templateText.replaceAll(shape.name, name).replaceAll(`Version: ${shape.version}`, `Version: ${version}`),
      recipeManifest: { ...shape.recipeManifest, name, version, stackName: `${PREFIX}${name}` },
    };
  });
}

/** Clients whose `send` answers from in-memory fakes (no SDK mock library: the bench runs from the repository root). */
function fakeClients(cfn: FakeCloudFormation, objects: Map<string, Uint8Array | string>, builds: { count: number }): Clients {
  const handlers = new Map<string, (input: never) => unknown>();
  cfn.install({
    on: (command: unknown) => ({ callsFake: (fn: (input: never) => unknown) => handlers.set((command as { name: string }).name, fn) }),
  });
  const dispatch = async (command: { constructor: { name: string }; input: never }) => {
    const handler = handlers.get(command.constructor.name);
    if (!handler) throw new Error(`no fake for ${command.constructor.name}`);
    return handler(command.input);
  };
  const s3 = {
    send: async (command: { constructor: { name: string }; input: { Bucket: string; Key: string; Body?: string } }) => {
      const key = `${command.input.Bucket}/${command.input.Key}`;
      if (command.constructor.name === 'PutObjectCommand') {
        objects.set(key, command.input.Body ?? '');
        return {};
      }
      const body = objects.get(key);
      if (body === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      return {
        ContentLength: bytes.byteLength,
        Body: { transformToByteArray: async () => bytes, transformToString: async () => new TextDecoder().decode(bytes) },
      };
    },
  };
  return {
    region: 'us-east-1',
    endpointOverride: undefined,
    cloudFormation: { send: dispatch } as never,
    s3: s3 as never,
    imageBuilder: {
      send: async (c: { input: { imagePipelineArn: string } }) => {
        builds.count += 1;
        return { imageBuildVersionArn: `${c.input.imagePipelineArn}/1` };
      },
    } as never,
    codePipeline: { send: async () => ({}) } as never,
    artifactS3: () => s3 as never,
  };
}

function deployedFrom(cfn: FakeCloudFormation, list: readonly BundledRecipe[]): void {
  for (const r of list) {
    cfn.addStack(r.stackName, 'UPDATE_COMPLETE', {
      [TAGS.recipe]: r.name,
      [TAGS.version]: r.version,
      [TAGS.contentHash]: r.contentHash,
      [TAGS.deployHash]: deployHash(templateHash(r.templateText), r.parameters, CONFIG.parameterValues),
      [TAGS.managedBy]: MANAGED_BY,
    });
  }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);

const loadBefore = loadavg()[0] ?? 0;
const base = recipes(COUNT);
const archive = zip(bundleFiles(base, { sourceCommit: 'a'.repeat(40), partial: false, retired: [] }));
const job = parseJobEvent(jobEvent('bench-job', { bucket: 'pipeline', key: 'source.zip' }));

// 1. The planning part of the first invocation, step by step.
const phases = { read: [] as number[], list: [] as number[], plan: [] as number[] };
let unchanged = 0;
for (let run = 0; run < RUNS; run += 1) {
  const cfn = new FakeCloudFormation();
  deployedFrom(cfn, base);
  const objects = new Map<string, Uint8Array | string>([['pipeline/source.zip', archive]]);
  const clients = fakeClients(cfn, objects, { count: 0 });
  let t = performance.now();
  const source = await readSourceBundle(clients, job, PREFIX);
  phases.read.push(performance.now() - t);
  if (!source.bundle) throw new Error(`bundle refused: ${JSON.stringify(source.problems.slice(0, 3))}`);
  t = performance.now();
  const deployed = await listRecipeStacks(clients, PREFIX);
  phases.list.push(performance.now() - t);
  t = performance.now();
  const plan = planRecipes(source.bundle.manifest, deployed, { stackPrefix: PREFIX, prune: true, parameterValues: CONFIG.parameterValues });
  phases.plan.push(performance.now() - t);
  unchanged = plan.counts.unchanged;
}
const planning = phases.read.map((r, i) => r + (phases.list[i] as number) + (phases.plan[i] as number));

// 2. Whole runs through the fake CloudFormation (stacks complete at once; the pipeline's sleeps are left out).
async function wholeRun(deployedList: readonly BundledRecipe[], desired: readonly BundledRecipe[]) {
  const cfn = new FakeCloudFormation();
  deployedFrom(cfn, deployedList);
  const objects = new Map<string, Uint8Array | string>([
    ['pipeline/source.zip', zip(bundleFiles(desired, { sourceCommit: 'a'.repeat(40), partial: false, retired: [] }))],
  ]);
  const builds = { count: 0 };
  const clients = fakeClients(cfn, objects, builds);
  const t = performance.now();
  const outcome = await runJob(job, {
    clients,
    config: { ...CONFIG, maxConcurrency: 10 },
    check: baselineCheck,
    log: { info() {}, warn() {}, error() {} },
    clock: { now: () => 0, sleep: async () => {} },
    remainingMs: () => 600_000,
    pollIntervalMs: 0,
    safetyMarginMs: 0,
  });
  return { ms: performance.now() - t, outcome, builds: builds.count, calls: cfn.calls.length };
}
const oneChanged = await wholeRun(base, recipes(COUNT, new Set([7])));
const firstDeploy = await wholeRun([], base);
const loadAfter = loadavg()[0] ?? 0;

const bytes = archive.byteLength;
const lines = [
  '## Deployer',
  '',
  `Measured by \`pnpm exec tsx bench/deployer/run.ts --write-doc\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (shared machine: upper bounds).`,
  '',
  `${COUNT} recipes made from the ${SHAPE_COUNT} shipped ones (bundled once, renamed), deployed as ${COUNT} stacks in an in-memory CloudFormation (\`control-plane/deployer/tests/fake-cloudformation.ts\`, pages of 100); the source artifact is their ${(bytes / 1024 / 1024).toFixed(1)} MiB zip. The deployer's own modules run unchanged; only \`send\` is faked.`,
  '',
  `### Planning in the first invocation (median of ${RUNS}; target < 10 s)`,
  '',
  '| step | median |',
  '|---|---|',
  `| read the artifact, unzip, verify ${COUNT} templates (parse, hashes, types, parameters) | ${ms(median(phases.read))} |`,
  `| list the ${COUNT} stacks with their tags (DescribeStacks, ${Math.ceil(COUNT / 100)} pages) | ${ms(median(phases.list))} |`,
  `| plan (${unchanged} unchanged) | ${ms(median(phases.plan))} |`,
  `| **total** | **${ms(median(planning))}** |`,
  '',
  '### Whole first invocations against the fake (no waiting: every stack completes at once)',
  '',
  '| run | time | result |',
  '|---|---|---|',
  `| 1 of ${COUNT} recipes bumped | ${ms(oneChanged.ms)} | ${oneChanged.outcome.kind}; ${oneChanged.builds} build started; ${oneChanged.calls} CloudFormation calls |`,
  `| first deploy of ${COUNT} recipes | ${ms(firstDeploy.ms)} | ${firstDeploy.outcome.kind}; ${firstDeploy.builds} builds started; ${firstDeploy.calls} CloudFormation calls |`,
  '',
  `Reading: planning ${COUNT} recipes against ${COUNT} stacks takes ${ms(median(planning))}, most of it verifying the bundle. In AWS the time of a deployment is CloudFormation's: each recipe stack takes minutes, the bakery's DeployConcurrency (MAX_CONCURRENCY, default 4) run at once, and the action continues across invocations (a continuation token each time the Lambda's budget runs out) for up to CodePipeline's 24 hours.`,
  '',
];
const section = `${lines.join('\n')}\n`;
process.stdout.write(section);
if (values['write-doc']) {
  const current = readFileSync(DOC, 'utf8');
  const start = current.search(/^## Deployer$/m);
  if (start < 0) writeFileSync(DOC, `${current.trimEnd()}\n\n${section}`);
  else {
    const next = current.indexOf('\n## ', start + 1);
    writeFileSync(DOC, `${current.slice(0, start)}${section}${next < 0 ? '' : current.slice(next + 1)}`);
  }
}
