import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bakery, located, WORKSPACE } from './helpers.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bakery-cli-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Command: validate', () => {
  describe('what PATH selects', () => {
    it.each([
      {
        name: 'a recipe folder',
        paths: ['recipes/broken-yaml'],
        code: 1,
        findings: ['recipes/broken-yaml/recipe.yaml:3:1 RB0003'],
      },
      {
        name: 'a recipe.yaml',
        paths: ['recipes/wrong-shape/recipe.yaml'],
        code: 1,
        findings: ['recipes/wrong-shape/recipe.yaml:1:1 RB1003'],
      },
      {
        name: 'a standalone component document, recognised by content',
        paths: ['loose/component.yml'],
        code: 1,
        findings: ['loose/component.yml:4:12 RB0001'],
      },
      {
        name: 'a clean component document',
        paths: ['recipes/al2023-base/components/cleanup.yaml'],
        code: 0,
        findings: [],
      },
      {
        name: 'a folder, walked for YAML files',
        paths: ['loose'],
        code: 1,
        findings: ['loose/component.yml:4:12 RB0001', 'loose/nested/notes.yaml:1:1 RB0007'],
      },
      {
        name: 'a recipe whose only finding is a warning',
        paths: ['recipes/stale-suppression'],
        code: 0,
        findings: ['recipes/stale-suppression/recipe.yaml:19:9 RB0006'],
      },
      {
        name: 'a clean recipe with a local component',
        paths: ['recipes/al2023-base'],
        code: 0,
        findings: [],
      },
      {
        name: 'nothing: every recipes/*/recipe.yaml of the workspace',
        paths: [],
        code: 1,
        findings: [
          'recipes/broken-yaml/recipe.yaml:3:1 RB0003',
          'recipes/stale-suppression/recipe.yaml:19:9 RB0006',
          'recipes/wrong-shape/recipe.yaml:1:1 RB1003',
        ],
      },
      {
        name: 'the same component twice, directly and through its folder',
        paths: ['loose/component.yml', 'loose'],
        code: 1,
        findings: ['loose/component.yml:4:12 RB0001', 'loose/nested/notes.yaml:1:1 RB0007'],
      },
    ])('$name', async ({ paths, code, findings }) => {
      // Act
      const result = await bakery(['validate', ...paths, '--format', 'json']);

      // Assess
      expect(result.stderr).toBe('');
      expect(located(result.stdout)).toEqual(findings);
      expect(result.code).toBe(code);
    });

    it('walks a folder without entering node_modules, dist or dot-folders, taking a recipe folder as its recipe', async () => {
      // Prepare
      const dir = tempDir();
      const broken = 'x: [\n';
      const files: Record<string, string> = {
        'node_modules/pkg/a.yaml': broken,
        'dist/b.yaml': broken,
        '.cache/c.yml': broken,
        'README.md': broken,
        'r/recipe.yaml': 'name: a\nname: b\n',
        'r/components/unreferenced.yaml': broken,
        'z/last.YAML': broken,
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }

      // Act
      const result = await bakery(['validate', '.', '--format', 'json'], { cwd: dir });

      // Assess
      expect(located(result.stdout)).toEqual(['r/recipe.yaml:2:1 RB0003', 'z/last.YAML:1:4 RB0001']);
    });

    it('shows paths relative to the working folder', async () => {
      // Act
      const result = await bakery(['validate', 'broken-yaml', '--format', 'json'], { cwd: path.join(WORKSPACE, 'recipes') });

      // Assess
      expect(located(result.stdout)).toEqual(['broken-yaml/recipe.yaml:3:1 RB0003']);
    });
  });

  describe('recipe names: a bare name stands for recipes/<name> wherever a recipe path is accepted', () => {
    it.each([
      { name: 'validate', argv: ['validate', 'broken-yaml', '--format', 'json'] },
      { name: 'validate from a sub-folder', argv: ['validate', 'broken-yaml', '--format', 'json'], cwd: path.join(WORKSPACE, 'loose') },
    ])('$name accepts the bare name', async ({ argv, cwd }) => {
      // Act
      const result = await bakery(argv, cwd ? { cwd } : {});

      // Assess: the same findings as for the path
      const byPath = await bakery(['validate', 'recipes/broken-yaml', '--format', 'json']);
      expect(result.code).toBe(1);
      expect(located(result.stdout).map((l) => l.replace(/^.*recipes\//, 'recipes/'))).toEqual(located(byPath.stdout));
    });

    it.each([
      {
        name: 'a misspelt recipe name',
        argv: ['validate', 'broken-yml'],
        stderr: "bakery: no such file, folder or recipe: broken-yml. Did you mean 'broken-yaml'?\n",
      },
      {
        name: 'a misspelt recipe path',
        argv: ['validate', 'recipes/al2023-bse'],
        stderr: "bakery: no such file, folder or recipe: recipes/al2023-bse. Did you mean 'al2023-base'?\n",
      },
      {
        name: 'a misspelt name for bundle',
        argv: ['bundle', 'al2023-bas'],
        stderr: "bakery: no such file, folder or recipe: al2023-bas. Did you mean 'al2023-base'?\n",
      },
      {
        name: 'a misspelt name for lint',
        argv: ['lint', 'stale-supression'],
        stderr: "bakery: no such file, folder or recipe: stale-supression. Did you mean 'stale-suppression'?\n",
      },
    ])('names the closest recipe for $name', async ({ argv, stderr }) => {
      expect(await bakery(argv)).toEqual({ code: 2, stdout: '', stderr });
    });
  });

  describe('usage errors: one line on stderr, exit code 2, nothing on stdout', () => {
    it.each([
      {
        name: 'a missing path',
        argv: ['validate', 'recipes/broken-yaml', 'recipes/nope'],
        stderr: 'bakery: no such file, folder or recipe: recipes/nope.\n',
      },
      { name: 'an unknown flag', argv: ['validate', '--fix'], stderr: "bakery: unknown option '--fix'. Run 'bakery validate --help'.\n" },
      {
        name: 'a misspelt flag',
        argv: ['validate', '--formt', 'json'],
        stderr: "bakery: unknown option '--formt' (did you mean '--format'?). Run 'bakery validate --help'.\n",
      },
      { name: 'an unknown short flag', argv: ['validate', '-x'], stderr: "bakery: unknown option '-x'. Run 'bakery validate --help'.\n" },
      {
        name: 'a flag without its value',
        argv: ['validate', '--format'],
        stderr: "bakery: option '--format' needs a value. Run 'bakery validate --help'.\n",
      },
      {
        name: 'a value given to a switch',
        argv: ['validate', '--quiet=yes'],
        stderr: "bakery: option '--quiet' takes no value. Run 'bakery validate --help'.\n",
      },
      {
        name: 'an unknown format',
        argv: ['validate', '--format', 'xml'],
        stderr: "bakery: unknown format 'xml'; use one of: stylish, json, sarif, junit\n",
      },
      {
        name: 'a report name that names no format',
        argv: ['validate', '--report', 'out.txt'],
        stderr: "bakery: cannot tell the report format of 'out.txt'; end its name in .sarif, .xml or .json\n",
      },
      {
        name: 'an unknown command',
        argv: ['valdate'],
        stderr: "bakery: unknown command 'valdate'. Did you mean 'bakery validate'? Run 'bakery help' for the list.\n",
      },
    ])('$name', async ({ argv, stderr }) => {
      // Act
      const result = await bakery(argv);

      // Assess
      expect(result).toEqual({ code: 2, stdout: '', stderr });
    });

    it('reports a workspace without pnpm-workspace.yaml when no PATH is given', async () => {
      // Prepare
      const outside = tempDir();

      // Act
      const result = await bakery(['validate'], { cwd: outside });

      // Assess
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: `bakery: no pnpm-workspace.yaml at or above ${outside}; name the recipes to validate\n`,
      });
    });
  });

  describe('formats', () => {
    it('prints stylish by default: source line, caret, summary', async () => {
      // Act
      const result = await bakery(['validate', 'recipes/broken-yaml', 'recipes/stale-suppression']);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(
        [
          'recipes/broken-yaml/recipe.yaml',
          "  3:1  error  'name' is already set in this map above; YAML keeps only one of them. Remove or rename one.  RB0003",
          '       3 | name: again',
          '         | ^',
          '',
          'recipes/stale-suppression/recipe.yaml',
          '  19:9  warning  Suppression of RB3005 matches no finding; remove it.  RB0006',
          '        19 |   - id: RB3005',
          '           |         ^^^^^^',
          '',
          '2 problems (1 error, 1 warning) in 2 files.',
          '',
        ].join('\n'),
      );
    });

    it('drops warnings with --quiet but keeps the exit code of the errors', async () => {
      // Act
      const result = await bakery(['validate', 'recipes/broken-yaml', 'recipes/stale-suppression', '--quiet', '--format', 'json']);

      // Assess
      expect(located(result.stdout)).toEqual(['recipes/broken-yaml/recipe.yaml:3:1 RB0003']);
      expect(result.code).toBe(1);
    });

    it.each([
      { name: 'sarif', check: (out: string) => JSON.parse(out).runs[0].results.map((r: { ruleId: string }) => r.ruleId) },
      { name: 'junit', check: (out: string) => [...out.matchAll(/<failure type="([^"]+)"/g)].map((m) => m[1]) },
      { name: 'json', check: (out: string) => located(out).map((l) => l.split(' ')[1]) },
    ])('writes $name', async ({ name, check }) => {
      // Act
      const result = await bakery(['validate', 'recipes/broken-yaml', '--format', name]);

      // Assess
      expect(check(result.stdout)).toEqual(['RB0003']);
      expect(result.code).toBe(1);
    });

    it.each([
      { name: 'FORCE_COLOR=1 turns colours on', env: { FORCE_COLOR: '1' }, tty: false, colour: true },
      { name: 'a terminal turns colours on', env: {}, tty: true, colour: true },
      { name: 'NO_COLOR wins over a terminal', env: { NO_COLOR: '1' }, tty: true, colour: false },
      { name: 'a pipe gets no colours', env: {}, tty: false, colour: false },
    ])('colours: $name', async ({ env, tty, colour }) => {
      // Act
      const result = await bakery(['validate', 'recipes/broken-yaml'], { env, tty });

      // Assess
      expect(result.stdout.includes('\u001b[31m')).toBe(colour);
    });
  });

  describe('files', () => {
    it('writes --output atomically instead of stdout, leaving no temporary file', async () => {
      // Prepare
      const dir = tempDir();
      const output = path.join(dir, 'nested', 'findings.json');

      // Act
      const result = await bakery(['validate', 'recipes/broken-yaml', '--format', 'json', '--output', output]);

      // Assess
      expect(result).toEqual({ code: 1, stdout: '', stderr: '' });
      expect(located(readFileSync(output, 'utf8'))).toEqual(['recipes/broken-yaml/recipe.yaml:3:1 RB0003']);
      expect(readdirSync(path.dirname(output))).toEqual(['findings.json']);
    });

    it('writes every --report in the format its name asks for, next to stylish on stdout', async () => {
      // Prepare
      const dir = tempDir();
      const [sarif, junit, json] = ['r.sarif', 'r.xml', 'r.json'].map((f) => path.join(dir, f)) as [string, string, string];

      // Act
      const result = await bakery([
        'validate',
        'recipes/stale-suppression',
        '--quiet',
        '--report',
        sarif,
        '--report',
        junit,
        '--report',
        json,
      ]);

      // Assess
      expect(result.stdout).toBe('No problems in 1 file.\n');
      expect(JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['RB0006']);
      expect(readFileSync(junit, 'utf8')).toContain('name="RB0006 suppression-unused at 19:9"');
      expect(located(readFileSync(json, 'utf8'))).toEqual(['recipes/stale-suppression/recipe.yaml:19:9 RB0006']);
      expect(result.code).toBe(0);
    });

    it('fails with exit code 2 when the output cannot be written', async () => {
      // Prepare: a regular file where a folder is needed
      const blocked = path.join(WORKSPACE, 'recipes/broken-yaml/recipe.yaml', 'out.json');

      // Act
      const result = await bakery(['validate', 'recipes/broken-yaml', '--output', blocked]);

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^bakery: cannot write ${blocked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+\\n$`));
      expect(existsSync(blocked)).toBe(false);
    });
  });
});
