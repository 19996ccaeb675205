/**
 * One way to run TypeScript, whatever the Node.js: outside vitest, TypeScript sources reach Node
 * only compiled, by esbuild (the CLI and Lambda bundles) or by tsx (the CDK apps, the Nx plugin,
 * scripts). Node 22.18+ and 24 would load a `.ts` file themselves (type stripping, no `.js` to
 * `.ts` mapping), Node 20 would refuse it, so a source that reaches Node raw behaves differently
 * per version: that is what broke `pnpm run build` on Node 24.
 *
 * Two checks. Every entry point the workspace declares (package.json scripts and bins, cdk.json
 * apps, nx.json plugins, the git hook, .ci/run) starts through one of the known mechanisms, and the
 * plain JavaScript files Node runs hand TypeScript only to tsx or esbuild. Then the entry points
 * run, on the Node running these tests, with a preload (src/native-typescript-guard.mjs) that
 * records every TypeScript file Node loads by itself: none may be. On Node 20 the runs still
 * prove the entry points work; the recording needs a Node that can strip types (the second run of
 * .ci/run, on Node 24).
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GUARD = fileURLToPath(new URL('../src/native-typescript-guard.mjs', import.meta.url));
const SLOW = 240_000;
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
/** Node strips types by itself: the guard can see a file loaded that way. */
const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

interface EntryPoint {
  /** Where it is declared, e.g. `packages/cli/package.json scripts.test`. */
  where: string;
  command: string;
  /** The folder the command runs in, relative to the workspace root. */
  cwd: string;
}

function workspacePackageDirs(): string[] {
  return ['control-plane', 'packages', 'tools']
    .flatMap((group) => (existsSync(path.join(ROOT, group)) ? readdirSync(path.join(ROOT, group)).map((name) => `${group}/${name}`) : []))
    .filter((dir) => existsSync(path.join(ROOT, dir, 'package.json')))
    .sort();
}

/** Every command the workspace declares that starts a process. */
function entryPoints(): EntryPoint[] {
  const found: EntryPoint[] = [];
  for (const dir of ['.', ...workspacePackageDirs()]) {
    const file = dir === '.' ? 'package.json' : `${dir}/package.json`;
    const pkg = JSON.parse(read(file)) as { scripts?: Record<string, string>; bin?: string | Record<string, string> };
    for (const [name, command] of Object.entries(pkg.scripts ?? {})) found.push({ where: `${file} scripts.${name}`, command, cwd: dir });
    const bins = typeof pkg.bin === 'string' ? { [path.basename(dir)]: pkg.bin } : (pkg.bin ?? {});
    // npm links a bin and runs it through its shebang: `#!/usr/bin/env node`.
    for (const [name, bin] of Object.entries(bins)) found.push({ where: `${file} bin.${name}`, command: `node ${bin}`, cwd: dir });
    if (existsSync(path.join(ROOT, dir, 'cdk.json'))) {
      const { app } = JSON.parse(read(`${dir}/cdk.json`)) as { app: string };
      found.push({ where: `${dir}/cdk.json app`, command: app, cwd: dir });
    }
  }
  for (const script of ['.githooks/pre-commit', '.ci/run']) {
    for (const line of read(script).split('\n')) {
      if (/^\s*(exec\s+)?node\s/.test(line)) found.push({ where: script, command: line.trim(), cwd: '.' });
    }
  }
  return found;
}

type Mechanism =
  | 'node: plain JavaScript'
  | 'tsx'
  | 'vitest'
  | 'tsc (types only)'
  | 'cdk (runs the cdk.json app)'
  | 'nx (runs the nx.json plugins)'
  | 'biome'
  | 'pnpm or npm'
  | 'node: TypeScript source'
  | 'node with a loader flag'
  | 'unknown';

const ALLOWED: readonly Mechanism[] = [
  'node: plain JavaScript',
  'tsx',
  'vitest',
  'tsc (types only)',
  'cdk (runs the cdk.json app)',
  'nx (runs the nx.json plugins)',
  'biome',
  'pnpm or npm',
];

interface Step {
  mechanism: Mechanism;
  /** The file Node runs, relative to the root, for `node: ...`. */
  file?: string;
}

/** How each simple command of a shell command line starts. */
function classify(command: string, cwd: string): Step[] {
  return (
    command
      .split(/&&|\|\||;|\|/)
      .map((part) =>
        part
          .trim()
          .split(/\s+/)
          .filter((word) => word !== '' && word !== 'exec'),
      )
      // Leading variable assignments (FOO=bar cmd) set the environment; the program follows them.
      .map((words) => words.filter((_, i) => words.slice(0, i + 1).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))))
      .filter((words) => words.length > 0)
      .map(([program = '', ...args]): Step => {
        switch (program) {
          case 'node': {
            const flags = args.filter((arg) => arg.startsWith('-'));
            if (flags.some((flag) => /strip-types|transform-types|loader|^--import|^--require|^-r$/.test(flag)))
              return { mechanism: 'node with a loader flag' };
            const script = args.find((arg) => !arg.startsWith('-'));
            if (!script) return { mechanism: 'unknown' };
            const file = path.relative(ROOT, path.resolve(ROOT, cwd, script.replace(/^["']|["']$/g, '')));
            return /\.[mc]?ts$/.test(file) ? { mechanism: 'node: TypeScript source', file } : { mechanism: 'node: plain JavaScript', file };
          }
          case 'tsx':
            return { mechanism: 'tsx' };
          case 'vitest':
            return { mechanism: 'vitest' };
          case 'tsc':
            return { mechanism: 'tsc (types only)' };
          case 'cdk':
            return { mechanism: 'cdk (runs the cdk.json app)' };
          case 'nx':
            return { mechanism: 'nx (runs the nx.json plugins)' };
          case 'biome':
            return { mechanism: 'biome' };
          case 'pnpm':
          case 'npm':
            return { mechanism: 'pnpm or npm' };
          default:
            return { mechanism: 'unknown' };
        }
      })
  );
}

/** Import specifiers written as literals: `from 'x'`, `import('x')`, `require('x')`. */
function literalImports(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)].map(
    (m) => m[2] as string,
  );
}

/** The plain JavaScript files Node runs, and every local file they import, transitively. */
function javascriptClosure(files: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file) || !existsSync(path.join(ROOT, file))) continue;
    seen.add(file);
    for (const specifier of literalImports(read(file))) {
      if (specifier.startsWith('.') && /\.(mjs|cjs|js)$/.test(specifier))
        queue.push(path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier)));
    }
  }
  return [...seen].sort();
}

/** What is wrong with how a plain JavaScript file Node runs reaches TypeScript, if anything. */
function typescriptProblems(file: string): string[] {
  const source = read(file);
  const problems: string[] = [];
  // CommonJS runs its requires in order, so a require after tsx's register() goes through tsx
  // (an ES module's static imports resolve before any of its code runs).
  const registersTsx = file.endsWith('.cjs') && /require\(['"]tsx\/cjs\/api['"]\)/.test(source) && /\bregister\(\)/.test(source);
  for (const specifier of literalImports(source)) {
    if (/\.[mc]?ts$/.test(specifier) && !registersTsx) problems.push(`imports the TypeScript file ${specifier}`);
    // Workspace packages export their TypeScript sources.
    if (specifier.startsWith('@ami-bakery/')) problems.push(`imports the workspace package ${specifier}`);
  }
  const mentionsTypescript = /['"`][^'"`\s]*\.[mc]?ts['"`]/.test(source);
  const compiles = /['"]tsx\/(?:esm|cjs)\/api['"]/.test(source) || /['"/]esbuild(?:\/[^'"]*)?['"]/.test(source);
  if (mentionsTypescript && !compiles) problems.push('names a TypeScript file but hands it neither to tsx nor to esbuild');
  return problems;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'bakery-entry-points-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Runtime entry points: how they start', () => {
  const points = entryPoints().map((point) => ({ ...point, steps: classify(point.command, point.cwd) }));

  it('finds the entry points of the root, the CLI, the CDK apps, the git hook and .ci/run', () => {
    const where = points.map((point) => point.where);
    expect(where).toEqual(
      expect.arrayContaining([
        'package.json scripts.bakery',
        'package.json scripts.build',
        'package.json scripts.test',
        'packages/cli/package.json bin.bakery',
        'control-plane/bakery-stack/cdk.json app',
        'control-plane/management-stack/cdk.json app',
        '.githooks/pre-commit',
        '.ci/run',
      ]),
    );
  });

  it('starts every entry point through a known mechanism, never Node on TypeScript or with a loader flag', () => {
    const offenders = points.flatMap(({ where, command, steps }) =>
      steps.filter((step) => !ALLOWED.includes(step.mechanism)).map((step) => ({ where, command, mechanism: step.mechanism })),
    );
    expect(offenders).toEqual([]);
  });

  it.each([
    { where: 'package.json scripts.bakery', mechanism: 'node: plain JavaScript', file: 'packages/cli/bin/bakery.mjs' },
    { where: 'packages/cli/package.json bin.bakery', mechanism: 'node: plain JavaScript', file: 'packages/cli/bin/bakery.mjs' },
    { where: 'package.json scripts.test', mechanism: 'node: plain JavaScript', file: 'tools/scripts/test-all.mjs' },
    { where: 'control-plane/bakery-stack/cdk.json app', mechanism: 'tsx' },
    { where: 'control-plane/management-stack/cdk.json app', mechanism: 'tsx' },
    { where: '.githooks/pre-commit', mechanism: 'node: plain JavaScript', file: 'tools/scripts/pre-commit.mjs' },
    { where: '.ci/run', mechanism: 'node: plain JavaScript', file: 'tools/scripts/ci-run.mjs' },
  ])('$where starts as $mechanism', ({ where, mechanism, file }) => {
    const point = points.find((p) => p.where === where);
    expect(point?.steps[0]).toEqual(file ? { mechanism, file } : { mechanism });
  });

  it('names only plain JavaScript Nx plugins, which Node loads the same way on every version', () => {
    const nx = JSON.parse(read('nx.json')) as { plugins?: Array<string | { plugin: string }> };
    const plugins = (nx.plugins ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.plugin));
    expect(plugins).toEqual(['./tools/nx-recipes/plugin.cjs']);
    expect(plugins.filter((plugin) => !/\.(cjs|mjs|js)$/.test(plugin))).toEqual([]);
  });

  it('hands TypeScript from plain JavaScript (entry points, what they import, Nx plugins) only to tsx or esbuild', () => {
    const nxPlugins = ['tools/nx-recipes/plugin.cjs'];
    const files = javascriptClosure([
      ...points.flatMap(({ steps }) => steps.flatMap((step) => (step.file ? [step.file] : []))),
      ...nxPlugins,
    ]);
    expect(files).toEqual(
      expect.arrayContaining(['packages/cli/bin/bakery.mjs', 'packages/cli/bin/build.mjs', 'tools/nx-recipes/plugin.cjs']),
    );
    const problems = files.flatMap((file) => typescriptProblems(file).map((problem) => `${file}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it.each([
    {
      name: 'a static TypeScript import (it resolves before any loader registers)',
      source: "import { register } from 'tsx/esm/api';\nimport { x } from './x.ts';",
      problem: 'imports the TypeScript file ./x.ts',
    },
    {
      name: 'a workspace package',
      source: "const m = await import('@ami-bakery/bakery-stack');",
      problem: 'imports the workspace package @ami-bakery/bakery-stack',
    },
    {
      name: 'a TypeScript path with no compiler',
      source: "await import(new URL('../src/bin.ts', import.meta.url).href);",
      problem: 'names a TypeScript file but hands it neither to tsx nor to esbuild',
    },
  ])('reports $name in plain JavaScript', ({ source, problem }) => {
    const file = path.relative(ROOT, path.join(scratch, `probe-${Math.random().toString(36).slice(2)}.mjs`));
    writeFileSync(path.join(ROOT, file), source);
    expect(typescriptProblems(file)).toEqual([problem]);
  });

  it.each([
    {
      name: 'CommonJS that registers tsx, then requires TypeScript (the Nx plugin entry)',
      extension: 'cjs',
      source:
        "const { register } = require('tsx/cjs/api');\nconst unregister = register();\nmodule.exports = require('./x.ts');\nunregister();",
      problems: [],
    },
    {
      name: 'an ES module that registers tsx, then imports TypeScript statically',
      extension: 'mjs',
      source: "import { register } from 'tsx/esm/api';\nregister();\nimport { x } from './x.ts';",
      problems: ['imports the TypeScript file ./x.ts'],
    },
  ])('judges $name', ({ extension, source, problems }) => {
    const file = path.relative(ROOT, path.join(scratch, `probe-${Math.random().toString(36).slice(2)}.${extension}`));
    writeFileSync(path.join(ROOT, file), source);
    expect(typescriptProblems(file)).toEqual(problems);
  });
});

/** Runs `command` from `cwd` on the Node running this test, with the guard preloaded everywhere. */
function guarded(command: string, args: string[], cwd: string, log: string): SpawnSyncReturns<string> {
  const nodeDir = path.dirname(process.execPath);
  const env: NodeJS.ProcessEnv = {};
  // Variables of an outer Nx or pnpm run would steer the inner ones.
  for (const [key, value] of Object.entries(process.env)) if (!/^(NX_|npm_|pnpm_)/i.test(key)) env[key] = value;
  Object.assign(env, {
    PATH: `${nodeDir}${path.delimiter}${process.env.PATH ?? ''}`,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(GUARD).href}`.trim(),
    BAKERY_NATIVE_TS_LOG: log,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // The project graph of these runs stays out of the workspace data a running `nx` uses.
    NX_WORKSPACE_DATA_DIRECTORY: path.join(scratch, 'nx-data'),
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    pnpm_config_verify_deps_before_run: 'false',
  });
  return spawnSync(command, args, {
    cwd: path.join(ROOT, cwd),
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: SLOW - 10_000,
  });
}

function nativeLoads(log: string): string[] {
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split(' ').slice(1).join(' ').replace(pathToFileURL(ROOT).href, ''))
    : [];
}

describe(`Runtime entry points: run on Node.js ${process.version}, no TypeScript loaded by Node itself`, () => {
  const out = path.join(scratch, 'out');
  const lambdaCode = path.join(scratch, 'lambda-code');
  mkdirSync(lambdaCode, { recursive: true });
  writeFileSync(path.join(lambdaCode, 'index.mjs'), 'export const handler = async () => undefined;\n');

  it.runIf(stripsTypes)('the guard records a TypeScript file Node loads itself, and none that tsx compiles', () => {
    // Arrange
    const dir = path.join(scratch, 'guard-self-test');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.ts';\nconst a: string = 'a';\nconsole.log(a, b);\n");
    writeFileSync(path.join(dir, 'b.ts'), "export const b: string = 'b';\n");
    const nativeLog = path.join(dir, 'native.log');
    const tsxLog = path.join(dir, 'tsx.log');

    // Act
    const native = guarded(process.execPath, [path.join(dir, 'a.ts')], '.', nativeLog);
    const viaTsx = guarded('pnpm', ['exec', 'tsx', path.join(dir, 'a.ts')], '.', tsxLog);

    // Assess
    expect(native.stdout.trim()).toBe('a b');
    expect(nativeLog && readFileSync(nativeLog, 'utf8')).toMatch(/module-typescript file:.*\/a\.ts\n.*module-typescript file:.*\/b\.ts\n/);
    expect(viaTsx.stdout.trim()).toBe('a b');
    expect(nativeLoads(tsxLog)).toEqual([]);
  });

  const runs = [
    {
      name: 'the bakery CLI bundle: validate',
      command: process.execPath,
      args: ['packages/cli/bin/bakery.mjs', 'validate', 'recipes/amazon-linux-2023-stig-high'],
      cwd: '.',
      expectOutput: /No problems/,
      expectFiles: [],
    },
    {
      name: 'the bakery CLI bundle: bundle (recipe and index)',
      command: process.execPath,
      args: ['packages/cli/bin/bakery.mjs', 'bundle', 'recipes/amazon-linux-2023-stig-high', '--out', path.join(out, 'bundle')],
      cwd: '.',
      expectOutput: /amazon-linux-2023-stig-high/,
      expectFiles: [path.join(out, 'bundle', 'manifest.json')],
    },
    {
      name: 'the Nx plugin entry, required by plain Node',
      command: process.execPath,
      args: ['-e', "const p = require('./tools/nx-recipes/plugin.cjs'); console.log(p.default.name, p.createNodesV2[0]);"],
      cwd: '.',
      expectOutput: /^nx-recipes recipes\/\*\/recipe\.yaml$/m,
      expectFiles: [],
    },
    {
      name: 'nx with the workspace plugins',
      command: 'pnpm',
      args: ['exec', 'nx', 'show', 'projects', '--json'],
      cwd: '.',
      expectOutput: /"amazon-linux-2023-stig-high"/,
      expectFiles: [],
    },
    {
      name: 'the bakery-stack CDK app (cdk synth)',
      command: 'pnpm',
      args: ['exec', 'cdk', 'synth', '--quiet', '--no-notices', '--no-validation', '-o', path.join(out, 'bakery-stack')],
      cwd: 'control-plane/bakery-stack',
      expectOutput: undefined,
      expectFiles: [path.join(out, 'bakery-stack', 'BakeryStack.template.json')],
    },
    {
      name: 'the management-stack CDK app (cdk synth)',
      command: 'pnpm',
      args: [
        'exec',
        'cdk',
        'synth',
        '--quiet',
        '--no-notices',
        '--no-validation',
        '-o',
        path.join(out, 'management-stack'),
        '-c',
        `lambdaCodeDir=${lambdaCode}`,
      ],
      cwd: 'control-plane/management-stack',
      expectOutput: undefined,
      expectFiles: [path.join(out, 'management-stack', 'AmiBakeryManagement.template.json')],
    },
  ];

  it.each(runs)(
    '$name',
    ({ name, command, args, cwd, expectOutput, expectFiles }) => {
      // Arrange
      const log = path.join(scratch, `${name.replace(/\W+/g, '-')}.log`);

      // Act
      const result = guarded(command, args, cwd, log);

      // Assess
      expect(nativeLoads(log)).toEqual([]);
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      if (expectOutput) expect(result.stdout).toMatch(expectOutput);
      expect(expectFiles.filter((file) => !existsSync(file))).toEqual([]);
    },
    SLOW,
  );
});
