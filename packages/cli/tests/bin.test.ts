import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from './helpers.js';

const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

describe('bin: bakery as a process', () => {
  it.each([
    { name: 'help', argv: ['help'], code: 0, stdout: /^Usage: bakery <command>/, stderr: '' },
    { name: 'a recipe with only a warning', argv: ['validate', 'recipes/stale-suppression'], code: 0, stdout: /RB0006/, stderr: '' },
    { name: 'a recipe with an error', argv: ['validate', 'recipes/broken-yaml'], code: 1, stdout: /3:1 {2}error .* RB0003/, stderr: '' },
    {
      name: 'an unknown flag',
      argv: ['validate', '--nope'],
      code: 2,
      stdout: /^$/,
      stderr: "bakery: unknown option '--nope'. Run 'bakery validate --help'.\n",
    },
  ])('exits $code for $name', ({ argv, code, stdout, stderr }) => {
    // Act
    const result = spawnSync(process.execPath, [TSX_CLI, BIN, ...argv], {
      cwd: WORKSPACE,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: '1' },
    });

    // Assess
    expect(result.stderr).toBe(stderr);
    expect(result.stdout).toMatch(stdout);
    expect(result.status).toBe(code);
  });
});
