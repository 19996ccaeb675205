/**
 * The Node.js version is an input of every cached Nx task that runs code, so a result computed on
 * one Node is never replayed as a pass on another. Checked on this workspace's real project graph
 * (nx.json target defaults, package.json overrides and the recipe plugin together), as Nx plans
 * the hashes, and then on the hashes themselves: a `node` on PATH that reports another version
 * gives every such task another hash.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProjectGraph, TaskGraph } from 'nx/src/devkit-exports.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_VERSION_INPUT } from '../src/index.js';

const NODE_INPUT = `runtime:${NODE_VERSION_INPUT.runtime}`;
/** The targets that run code (tests, type checker, CDK apps, the bakery CLI, bundlers). */
const CODE_TARGETS = ['test', 'typecheck', 'synth', 'build', 'validate', 'lint', 'bundle-recipe'];

// Nx reads these when its modules load: no daemon, and the project graph of this test goes to a
// folder of its own, never into the workspace data a running `nx run-many` is using.
const scratch = mkdtempSync(path.join(tmpdir(), 'nx-node-input-'));
process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
process.env.NX_WORKSPACE_DATA_DIRECTORY = path.join(scratch, 'workspace-data');

let graph: ProjectGraph;
/** Every cached task of a code target, `project:target`. */
let cachedTasks: Array<{ project: string; target: string }>;

beforeAll(async () => {
  const { createProjectGraphAsync } = await import('nx/src/devkit-exports.js');
  graph = await createProjectGraphAsync({ exitOnError: false });
  cachedTasks = Object.values(graph.nodes).flatMap((node) =>
    Object.entries(node.data.targets ?? {})
      .filter(([target, config]) => CODE_TARGETS.includes(target) && config.cache === true)
      .map(([target]) => ({ project: node.name, target })),
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Nx target inputs: the Node.js version', () => {
  it('finds a cached task for every code target the issue names, in packages and recipes alike', () => {
    const targets = new Set(cachedTasks.map((task) => task.target));
    expect([...targets].sort()).toEqual(expect.arrayContaining(['bundle-recipe', 'lint', 'synth', 'test', 'typecheck', 'validate']));
    expect(cachedTasks).toEqual(
      expect.arrayContaining([
        { project: '@ami-bakery/bakery-stack', target: 'synth' },
        { project: '@ami-bakery/management-stack', target: 'synth' },
        { project: '@ami-bakery/cli', target: 'test' },
        { project: 'amazon-linux-2023-stig-high', target: 'validate' },
      ]),
    );
  });

  it('is in the hash plan of every cached task that runs code', async () => {
    // Arrange
    const { HashPlanInspector } = await import('nx/src/hasher/hash-plan-inspector.js');
    const inspector = new HashPlanInspector(graph);
    await inspector.init();

    // Act
    const plans = inspector.inspectHashPlan(
      [...new Set(cachedTasks.map((task) => task.project))],
      [...new Set(cachedTasks.map((task) => task.target))],
      undefined,
      {},
      {},
      true,
    );

    // Assess: the tasks whose plan lacks it, by id (none)
    const ids = cachedTasks.map(({ project, target }) => `${project}:${target}`);
    expect(ids.filter((id) => plans[id] === undefined)).toEqual([]);
    expect(ids.filter((id) => !plans[id]?.includes(NODE_INPUT))).toEqual([]);
  }, 240_000);

  it('changes the hash of each such task when the node on PATH reports another version, and only then', async () => {
    // Arrange: a `node` that answers -v with another version and runs everything else as usual
    const fakeBin = path.join(scratch, 'bin');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(
      path.join(fakeBin, 'node'),
      `#!/bin/sh\nif [ "$1" = "-v" ]; then echo v99.1.0; exit 0; fi\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
    );
    chmodSync(path.join(fakeBin, 'node'), 0o755);
    const { readNxJson } = await import('nx/src/config/nx-json.js');
    const { createTaskHasher } = await import('nx/src/hasher/create-task-hasher.js');
    const { createTaskGraph } = await import('nx/src/tasks-runner/create-task-graph.js');
    const samples = [
      { project: '@ami-bakery/cli', target: 'test' },
      { project: '@ami-bakery/cli', target: 'typecheck' },
      { project: '@ami-bakery/bakery-stack', target: 'synth' },
      { project: 'amazon-linux-2023-stig-high', target: 'validate' },
      { project: 'amazon-linux-2023-stig-high', target: 'lint' },
      { project: 'amazon-linux-2023-stig-high', target: 'bundle-recipe' },
    ];
    const hashesWith = async (pathValue: string): Promise<Record<string, string>> => {
      // A new hasher per PATH: runtime inputs are remembered for the life of one.
      const hasher = createTaskHasher(graph, readNxJson());
      const taskGraph: TaskGraph = createTaskGraph(
        graph,
        {},
        [...new Set(samples.map((s) => s.project))],
        [...new Set(samples.map((s) => s.target))],
        undefined,
        {},
        true,
      );
      const env = { ...process.env, PATH: pathValue };
      const result: Record<string, string> = {};
      for (const { project, target } of samples) {
        const id = `${project}:${target}`;
        const task = taskGraph.tasks[id];
        if (!task) throw new Error(`no task ${id} in the task graph`);
        result[id] = (await hasher.hashTask(task, taskGraph, env)).value;
      }
      return result;
    };

    // Act
    const usual = await hashesWith(process.env.PATH ?? '');
    const again = await hashesWith(process.env.PATH ?? '');
    const otherNode = await hashesWith(`${fakeBin}${path.delimiter}${process.env.PATH ?? ''}`);

    // Assess
    expect(again).toEqual(usual);
    const unchanged = Object.keys(usual).filter((id) => otherNode[id] === usual[id]);
    expect(unchanged).toEqual([]);
    // Hashing reads every input file three times; a guard against a hung process on a loaded machine.
  }, 240_000);
});
