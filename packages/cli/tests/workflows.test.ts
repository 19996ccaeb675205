/**
 * The CI definitions (.github/workflows/ci.yml for GitHub Actions, buildspec.yml for CodeBuild)
 * only call what exists: root package.json scripts, bakery commands in the CLI registry, Nx
 * targets the recipe plugin defines, with the base set for every `nx affected`, and the tool
 * versions the workspace pins.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { recipeProject, validateTarget } from '../../../tools/nx-recipes/src/index.js';
import { CFN_LINT_CI_VERSION } from '../src/commands/doctor.js';
import { commandNames } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  if?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}
interface Buildspec {
  version: number;
  phases: Record<string, { commands: string[] }>;
  reports: Record<string, { 'base-directory': string; files: string[]; 'file-format': string }>;
}

const workflow = parse(read('.github/workflows/ci.yml')) as Workflow;
const buildspec = parse(read('buildspec.yml')) as Buildspec;
const rootPackage = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  packageManager: string;
  engines: { node: string };
};
const pluginTargets = Object.keys(Object.values(recipeProject('recipes/any/recipe.yaml').projects ?? {})[0]?.targets ?? {});

/** Every shell command of one CI definition, in the order they run, each tagged with where it is. */
function workflowCommands(): Array<{ where: string; text: string }> {
  return Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
    steps.flatMap((step) => (step.run ? [{ where: `${job}: ${step.name ?? step.run}`, text: step.run }] : [])),
  );
}

function buildspecCommands(): Array<{ where: string; text: string }> {
  return Object.entries(buildspec.phases).flatMap(([phase, { commands }]) => commands.map((text) => ({ where: phase, text })));
}

/**
 * The tools a command calls, one entry per call, normalised: `pnpm test`, `bakery publish`,
 * `nx affected validate,lint,bundle`, `nx show-projects validate`, `npm i -g pnpm@12.4.2`, `pip cfn-lint==1.51.0`.
 */
function invocations(text: string): string[] {
  const found: Array<{ at: number; what: string }> = [];
  for (const m of text.matchAll(/\bpnpm\s+(?!exec\b|bakery\b)([a-z][\w:-]*)/g)) found.push({ at: m.index, what: `pnpm ${m[1]}` });
  for (const m of text.matchAll(/\bpnpm\s+bakery\s+([a-z][\w-]*)/g)) found.push({ at: m.index, what: `bakery ${m[1]}` });
  for (const m of text.matchAll(/\bpnpm\s+exec\s+nx\s+(affected|run-many|show projects)\b([^\n)]*)/g)) {
    const args = m[2] ?? '';
    const targets = /(?:^|\s)(?:-t|--targets?)\s+((?:[a-z][\w-]*\s*)+)/.exec(args)?.[1]?.trim().split(/\s+/) ?? [];
    const withTarget = /--withTarget[= ]([a-z][\w-]*)/.exec(args)?.[1];
    found.push({ at: m.index, what: `nx ${m[1]?.replace(' ', '-')} ${[...targets, ...(withTarget ? [withTarget] : [])].join(',')}` });
  }
  for (const m of text.matchAll(/\bnpm\s+i\s+-g\s+(\S+)/g)) found.push({ at: m.index, what: `npm i -g ${m[1]}` });
  for (const m of text.matchAll(/\bpip\s+install\s+([^\n]+)/g)) {
    for (const spec of (m[1] ?? '').split(/\s+/)) found.push({ at: m.index, what: `pip ${spec.replace(/'/g, '')}` });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.what);
}

const all = (commands: Array<{ text: string }>) => commands.flatMap((c) => invocations(c.text));

describe('CI definitions', () => {
  describe.each([
    {
      file: '.github/workflows/ci.yml',
      commands: workflowCommands,
      expected: [
        'npm i -g pnpm@12.4.2',
        'pnpm install',
        'pip cfn-lint==1.51.0',
        'pip moto[server]==5.2.1',
        'nx affected validate,lint,bundle',
        'bakery plan',
        'pnpm test',
        'npm i -g pnpm@12.4.2',
        'pnpm install',
        'pip cfn-lint==1.51.0',
        'bakery build',
        'bakery publish',
      ],
    },
    {
      file: 'buildspec.yml',
      commands: buildspecCommands,
      expected: [
        'npm i -g pnpm@12.4.2',
        'pip cfn-lint==1.51.0',
        'pip moto[server]==5.2.1',
        'pnpm install',
        'nx affected validate,lint,bundle',
        'pnpm test',
        'bakery build',
        'bakery publish',
        'nx show-projects validate',
        'bakery build',
      ],
    },
  ])('$file', ({ file, commands, expected }) => {
    it('runs exactly these tools, in this order', () => {
      expect(all(commands())).toEqual(expected);
    });

    it('calls only root scripts, registered bakery commands and plugin targets', () => {
      const calls = all(commands());
      const problems: string[] = [];
      for (const call of calls) {
        const [tool, name, list] = call.split(' ');
        if (tool === 'pnpm' && name !== 'install' && !Object.hasOwn(rootPackage.scripts, name as string))
          problems.push(`${call}: no root script ${name}`);
        if (tool === 'bakery' && !commandNames().includes(name as string)) problems.push(`${call}: no bakery command ${name}`);
        if (tool === 'nx')
          for (const target of (list ?? '').split(',')) if (!pluginTargets.includes(target)) problems.push(`${call}: no target ${target}`);
      }
      expect(problems).toEqual([]);
      expect(rootPackage.scripts.bakery).toMatch(/^(node|tsx) packages\/cli\/(bin\/bakery\.mjs|src\/bin\.ts)$/);
    });

    it('installs the pnpm the workspace pins, with the frozen lockfile, and the cfn-lint doctor checks for', () => {
      const calls = all(commands());
      const text = commands()
        .map((c) => c.text)
        .join('\n');
      expect(calls.filter((c) => c.startsWith('npm i -g pnpm@'))).not.toEqual([]);
      for (const call of calls.filter((c) => c.startsWith('npm i -g pnpm@'))) expect(call).toBe(`npm i -g ${rootPackage.packageManager}`);
      for (const call of calls.filter((c) => c.startsWith('pip cfn-lint'))) expect(call).toBe(`pip cfn-lint==${CFN_LINT_CI_VERSION}`);
      expect(text.match(/pnpm install[^\n]*/g)?.every((line) => line === 'pnpm install --frozen-lockfile')).toBe(true);
    });

    it('names no partition-specific ARN', () => {
      expect(read(file)).not.toContain(['arn', 'aws', ''].join(':'));
    });
  });

  describe('GitHub Actions', () => {
    const check = workflow.jobs.check as Job;
    const publish = workflow.jobs.publish as Job;
    const stepIndex = (job: Job, test: (s: Step) => boolean) => job.steps.findIndex(test);

    it('runs on pull requests and on pushes to main', () => {
      expect(workflow.on).toEqual({ pull_request: null, push: { branches: ['main'] } });
      expect(workflow.permissions).toEqual({ contents: 'read' });
    });

    it('gives nx affected the whole history and a base from nrwl/nx-set-shas', () => {
      const checkout = check.steps[stepIndex(check, (s) => s.uses?.startsWith('actions/checkout@') === true)];
      const shas = stepIndex(check, (s) => s.uses?.startsWith('nrwl/nx-set-shas@') === true);
      const affected = stepIndex(check, (s) => s.run?.includes('nx affected') === true);
      expect(checkout?.with).toEqual({ 'fetch-depth': 0 });
      expect(shas).toBeGreaterThan(-1);
      expect(affected).toBeGreaterThan(shas);
      expect(check.steps[affected]?.run).toBe('pnpm exec nx affected -t validate lint bundle --base="$NX_BASE" --head="$NX_HEAD"');
    });

    it('uploads the SARIF reports the validate target writes, even when a recipe fails', () => {
      const output = validateTarget().outputs?.[0];
      const upload = check.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
      expect(output).toBe('{workspaceRoot}/reports/validate/{projectName}.sarif');
      expect(upload?.with).toEqual({ sarif_file: 'reports' });
      expect(upload?.if).toContain('!cancelled()');
      expect(check.permissions).toEqual({ contents: 'read', actions: 'read', 'security-events': 'write' });
    });

    it('publishes from main only, after the checks, through OIDC with the role from a repository variable', () => {
      const credentials = publish.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      const publishStep = publish.steps.find((s) => s.run?.includes('bakery publish'));
      expect(publish.needs).toBe('check');
      expect(publish.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
      expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(credentials?.with).toEqual({
        'role-to-assume': '${{ vars.BAKERY_PUBLISH_ROLE_ARN }}',
        'role-session-name': 'bakery-publish',
        'aws-region': '${{ vars.BAKERY_REGION }}',
      });
      expect(stepIndex(publish, (s) => s.run === 'pnpm bakery build')).toBeLessThan(stepIndex(publish, (s) => s === credentials));
      // The job already runs as the publish role; naming it again would make publish assume it from itself.
      expect(publishStep?.env).toEqual({
        BAKERY_REPOSITORY: '${{ vars.BAKERY_REPOSITORY }}',
        BAKERY_BRANCH: "${{ vars.BAKERY_BRANCH || 'main' }}",
        BAKERY_REGION: '${{ vars.BAKERY_REGION }}',
      });
    });
  });

  describe('CodeBuild', () => {
    it('sets NX_BASE from the pull request base or the commit before the push, before nx affected uses it', () => {
      const pre = buildspec.phases.pre_build?.commands.join('\n') ?? '';
      const build = buildspec.phases.build?.commands ?? [];
      expect(pre).toContain('git fetch --quiet --unshallow origin');
      expect(pre).toContain('CODEBUILD_WEBHOOK_BASE_REF');
      expect(pre).toContain('NX_BASE=$(git merge-base FETCH_HEAD HEAD)');
      expect(pre).toContain('NX_BASE=$CODEBUILD_WEBHOOK_PREV_COMMIT');
      expect(pre).toContain('export NX_BASE NX_HEAD');
      expect(build[0]).toBe('pnpm exec nx affected -t validate lint bundle --base="$NX_BASE" --head="$NX_HEAD"');
    });

    it('publishes only on a push to main', () => {
      const step = buildspec.phases.build?.commands.find((c) => c.includes('bakery publish')) ?? '';
      expect(step).toContain(
        'if [ "${CODEBUILD_WEBHOOK_EVENT:-}" = PUSH ] && [ "${CODEBUILD_WEBHOOK_HEAD_REF:-}" = refs/heads/main ]; then',
      );
    });

    it('writes the JUnit report its reports section collects, for the affected recipes', () => {
      const post = buildspec.phases.post_build?.commands.join('\n') ?? '';
      expect(buildspec.version).toBe(0.2);
      expect(buildspec.reports).toEqual({
        'bakery-findings': { 'base-directory': 'reports/junit', files: ['*.xml'], 'file-format': 'JUNITXML' },
      });
      expect(post).toContain('--affected --base="$NX_BASE" --head="$NX_HEAD"');
      expect(post).toContain('--report reports/junit/bakery.xml');
    });
  });
});
