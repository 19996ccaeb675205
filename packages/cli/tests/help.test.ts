import { describe, expect, it } from 'vitest';
import { commandNames, loadCommand } from '../src/index.js';
import { bakery } from './helpers.js';

const OVERVIEW = [
  'Usage: bakery <command> [options]',
  '',
  'Commands:',
  '  validate  Check recipes and AWSTOE component documents: YAML syntax, schema and rules.',
  '  lint      Lint the CloudFormation each recipe bundles to: built-in template checks, then cfn-lint.',
  '  bundle    Write each recipe as a CloudFormation template and manifest to the bundle folder.',
  '  build     Validate, lint and bundle every recipe (or those named) in one run, with a summary table.',
  '  bump      Raise the version of a recipe and of each local component that changed since the git base.',
  '  new       Start a recipe by copying another one, renamed and at version 1.0.0.',
  '  plan      Show what a merge would deploy: recipes created, updated, deleted, image builds, and each resource change.',
  "  publish   Publish the bundle to the bakery account's CodeCommit branch or S3 source object.",
  '  evidence  List the compliance evidence of every image build and write the HTML compliance page.',
  '  promote   Point a channel (stable by default) at an image build: edits recipes/<name>/catalog.yaml and commits it.',
  '  revoke    Revoke an image build: recorded in recipes/<name>/catalog.yaml with its channels falling back, and committed.',
  '  unrevoke  Undo a revocation: removed from recipes/<name>/catalog.yaml and committed.',
  '  images    List every image build of each recipe with its state, channels, score, age, deprecation and revocation.',
  "  usage     Show where the recipes' images run across the Organization (AWS Config aggregator); flags revoked and deprecated ones.",
  '  doctor    Check the tools this workspace needs (Node.js, pnpm, git, cfn-lint, moto_server, AWS credentials).',
  '  help      List the commands, or show the options of one.',
  '',
  "Run 'bakery <command> --help' for the options of a command.",
  'Exit codes: 0 no errors, 1 errors found, 2 usage error, 3 the tool itself failed.',
  '',
].join('\n');

describe('Command: help', () => {
  it.each([
    { name: 'no arguments', argv: [] },
    { name: 'bakery help', argv: ['help'] },
    { name: 'bakery --help', argv: ['--help'] },
    { name: 'bakery -h', argv: ['-h'] },
  ])('lists the commands for $name', async ({ argv }) => {
    // Act
    const result = await bakery(argv);

    // Assess
    expect(result).toEqual({ code: 0, stdout: OVERVIEW, stderr: '' });
  });

  it.each([
    { name: 'bakery help validate', argv: ['help', 'validate'] },
    { name: 'bakery validate --help', argv: ['validate', '--help'] },
    { name: 'bakery validate -h with other flags', argv: ['validate', 'x', '-h', '--quiet'] },
  ])("shows one command's options for $name", async ({ argv }) => {
    // Act
    const result = await bakery(argv);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: bakery validate [PATH...] [options]

      Check recipes and AWSTOE component documents: YAML syntax, schema and rules.

      PATH is a recipe folder, a recipe.yaml, an AWSTOE component document, or a folder that is
      walked for *.yaml / *.yml files (node_modules, dist and dot-folders are skipped; a folder
      holding a recipe.yaml counts as that recipe). Without PATH: every recipes/*/recipe.yaml of the
      workspace, and recipes/retired.yaml (the retired list, RB0024).

      Every recipe also passes the version gate: content changed since the git base (--base) needs a
      higher version (RB4001). Outside a git work tree the gate is skipped with an info finding (RB4003);
      with CI=true a base that cannot be resolved (shallow clone, unknown NX_BASE) is an error (RB4004).
      Two recipe folders giving the same name are an error naming both (RB0023).

      A file is read only when it is a regular file inside its recipe folder (a file named here: inside
      the workspace) once links are resolved, of at most 1 MiB, and UTF-8 (RB0020, RB0021, RB0022).

      Every recipe is also bundled in memory and its template checked against the security invariants
      (RB6001-RB6010, the rule set the deployer and the Guard hook run), shown at the recipe line the
      value came from. Invariants cannot be suppressed, nor can the recipe rules they back (RB3003,
      RB3004, RB3006); a suppression naming one is an error (RB6000).

      Exit code: 0 when no unsuppressed error remains, 1 when one does, 2 for a usage error.

      Options:
        -f, --format FORMAT  Output format: stylish, json, sarif, junit (default stylish).
        -o, --output FILE    Write the output to FILE instead of stdout.
        --report FILE        Also write a complete report to FILE, as SARIF (.sarif), JUnit (.xml) or JSON (.json). Repeatable.
        -q, --quiet          Show errors only (reports stay complete).
        --base REF           Git ref the version gate compares with (default BAKERY_BASE, NX_BASE, else the merge-base of HEAD with origin/main or main).
        -h, --help           Show this help.
      "
    `);
  });

  it('rejects an unknown command name with exit code 2', async () => {
    expect(await bakery(['help', 'frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "bakery: unknown command 'frobnicate'. Run 'bakery help' for the list.\n",
    });
  });
});

describe('Command registry', () => {
  it.each(commandNames())('%s loads a command of that name with a summary, usage and run', async (name) => {
    // Act
    const command = await loadCommand(name);

    // Assess
    expect(command?.name).toBe(name);
    expect(command?.summary).toMatch(/^[A-Z].+\.$/);
    expect(command?.usage.startsWith(`bakery ${name}`)).toBe(true);
    expect(typeof command?.run).toBe('function');
  });

  it.each(['toString', '__proto__', 'constructor'])('knows nothing of %s', async (name) => {
    expect(await loadCommand(name)).toBeUndefined();
  });
});
